// The `auto` backend's probe: it judges each backend on its steady steps, never on the one-time work of
// the first ones (a fake backend on a fake clock, so the figures are exact), always on at least two
// timed steps; and the choice on Dawn's software adapter reports what it measured.
import { beforeAll, describe, expect, it } from 'vitest';
import { testGpu } from '../../tests/helpers/gpu';
import { loadBuiltin } from '../data/builtin';
import { readFromDir } from '../data/builtin-node';
import type { Dataset } from '../data/dataset';
import { KernelContext } from '../gpu/context';
import type { Backend, StepLosses } from '../model/backend';
import { defaultConfig } from '../model/config';
import { buildArchitecture } from '../model/zoo';
import { chooseBackend, probe, probeDefaults } from './backend-choice';

/** A backend whose i-th step takes costs(i) ms on `clock`; it records the steps it was asked for. */
function fakeBackend(costs: (i: number) => number, batchSize: number, count: number) {
  const clock = { t: 0 };
  const steps = Math.ceil(count / batchSize);
  const calls: string[] = [];
  let i = 0;
  const backend = {
    description: 'fake',
    beginEpoch: () => calls.push('epoch'),
    trainSteps: async (from: number, to: number): Promise<StepLosses> => {
      if (to !== from + 1 || from < 0 || to > steps) throw new Error(`steps ${from}-${to} of ${steps}`);
      calls.push(`${from}`);
      clock.t += costs(i++);
      const rows = from === steps - 1 ? count - from * batchSize : batchSize;
      return { sums: new Float32Array(1), rows: Uint32Array.of(rows) };
    },
  } as unknown as Backend;
  const data = { data: { train: { count } } as Dataset, batchSize };
  return { backend, data, calls, options: { ...probeDefaults, now: () => clock.t } };
}

describe('probe', () => {
  it('does not judge a backend on its first steps: two slow ones (compilation) are untimed', async () => {
    const f = fakeBackend((i) => (i < 2 ? 5000 : 10), 128, 60_000);
    const r = await probe(f.backend, f.data, f.options);
    // Two untimed steps, then 0.5 s of 10 ms steps: 50 of 128 rows.
    expect(r).toEqual({ rate: 12_800, warmup: 2, timed: 50, ms: 10_500 });
  });

  it('keeps warming up while steps still get faster (wasm tier-up), up to maxWarmup', async () => {
    const costs = [5000, 1800, 1900, 900, 900];
    const f = fakeBackend((i) => costs[i] ?? 900, 128, 60_000);
    // 1800 < 0.75·5000: still shedding one-time work; 1900 is not under 0.75·1800: settled after 3.
    const settled = await probe(f.backend, f.data, f.options);
    expect({ ...settled, rate: 0 }).toEqual({ rate: 0, warmup: 3, timed: 2, ms: 10_500 });
    expect(settled.rate).toBeCloseTo(256 / 1.8, 9);

    const halving = fakeBackend((i) => (i < 4 ? 800 / 2 ** i : 100), 128, 60_000);
    const r = await probe(halving.backend, halving.data, halving.options);
    expect(r.warmup).toBe(4);
    expect(r.rate).toBe(1280);
  });

  it('times two steps even when one step outlasts the budget, and does not rest on the first', async () => {
    const costs = [3000, 3000, 2000, 4000];
    const f = fakeBackend((i) => costs[i], 128, 60_000);
    const r = await probe(f.backend, f.data, f.options);
    expect({ ...r, rate: 0 }).toEqual({ rate: 0, warmup: 2, timed: 2, ms: 12_000 });
    expect(r.rate).toBeCloseTo(256 / 6, 9);
  });

  it('stops at the first step, warm-up included, that is already 8x slower than the backend probed first', async () => {
    // 128 examples/s against 1200: decisive after one step (its noise is 2x, not 8x; a warm-up step can only be slower).
    const slow = fakeBackend(() => 1000, 128, 60_000);
    expect(await probe(slow.backend, slow.data, { ...slow.options, rival: 1200 })).toEqual({ rate: 128, warmup: 1, timed: 0, ms: 1000 });
    // Slow only while warming up (one-time work), then fast enough: not cut short, timed as usual.
    const warming = fakeBackend((s) => (s === 0 ? 2000 : 100), 128, 60_000);
    const w = await probe(warming.backend, warming.data, { ...warming.options, rival: 400 });
    // Three untimed (the second was still much faster than the first), then 0.5 s of 100 ms steps.
    expect([w.rate, w.warmup, w.timed]).toEqual([1280, 3, 5]);
    // Against 1000 (under 8x) it is timed over two steps as usual, and loses on them.
    const close = fakeBackend(() => 1000, 128, 60_000);
    expect(await probe(close.backend, close.data, { ...close.options, rival: 1000 })).toEqual({ rate: 128, warmup: 2, timed: 2, ms: 4000 });
    // A faster backend is never cut short by its rival.
    const fast = fakeBackend(() => 10, 128, 60_000);
    expect((await probe(fast.backend, fast.data, { ...fast.options, rival: 1000 })).timed).toBe(50);
  });

  it('wraps into a new epoch when the training split has fewer steps (the last one short)', async () => {
    const f = fakeBackend(() => 10, 128, 200);
    const r = await probe(f.backend, f.data, f.options);
    // Epochs of 128 + 72 rows; 50 timed steps are 25 epochs: 5000 rows in 0.5 s.
    expect(r).toEqual({ rate: 10_000, warmup: 2, timed: 50, ms: 520 });
    expect(f.calls.slice(0, 7)).toEqual(['epoch', '0', '1', 'epoch', '0', '1', 'epoch']);
    expect(f.calls.filter((c) => c === 'epoch')).toHaveLength(26);
  });
});

describe('chooseBackend on a software adapter (Dawn)', () => {
  let data: Dataset;
  beforeAll(async () => {
    const full = await loadBuiltin('fashion-mnist', readFromDir());
    const cut = (s: Dataset['train'], n: number) => ({ x: s.x.subarray(0, n * 784), y: s.y.subarray(0, n), count: n });
    data = { ...full, train: cut(full.train, 512), val: cut(full.val, 128) };
  });

  it('softmax: both probes warm up and time steps; the faster is kept and its figures are the reason', async () => {
    const gpu = await testGpu();
    const config = { ...defaultConfig, model: 'softmax' as const, batchSize: 128 };
    const arch = buildArchitecture(config, data.shape, data.classNames.length);
    const o = { arch, data, batchSize: 128, weightDecay: config.weightDecay, optimizer: config.optimizer, momentum: config.momentum, seed: config.seed, resize: null, augment: null };
    // Named as a software adapter whatever the test machine has, so the probe always runs.
    const choice = await chooseBackend('auto', { kc: new KernelContext(gpu.device), adapter: 'SwiftShader (test)' }, o);
    choice.wasm?.destroy();
    const { wasm, webgpu } = choice.probes!;
    for (const p of [wasm, webgpu]) expect(p.rate).toBeGreaterThan(0);
    expect(wasm.warmup).toBeGreaterThanOrEqual(2);
    expect(wasm.timed).toBeGreaterThanOrEqual(2);
    // The WebGPU probe (second) stops at its first step that is already 8x slower, warm-up included.
    if (webgpu.rate * 8 < wasm.rate) expect(webgpu.warmup + webgpu.timed).toBeGreaterThanOrEqual(1);
    else expect([webgpu.warmup >= 2, webgpu.timed >= 2]).toEqual([true, true]);
    expect(choice.kind).toBe(wasm.rate >= webgpu.rate ? 'wasm' : 'webgpu');
    const [first, second] = choice.kind === 'wasm' ? [wasm, webgpu] : [webgpu, wasm];
    const r = (n: number) => (n >= 10_000 ? `${Math.round(n / 1000)}k` : `${Math.round(n)}`);
    expect(choice.reason).toContain(`(${r(first.rate)} vs ${r(second.rate)} examples/s over ${first.timed} and ${second.timed} timed steps, after ${first.warmup} and ${second.warmup} untimed)`);
  });
});
