// DESIGN rule 7 in Node (Dawn): a GPU device lost mid-run (through the test hook, which makes the
// engine see `device.destroy()` as a loss with reason `unknown`) is replaced; the run rebuilds on the
// new device from its last in-memory checkpoint and completes with the same curve and weights, bit for
// bit, as a run never interrupted. Also: the mid-run checkpoint (every N seconds) holds training only
// for its read-back, and a loss while idle is reported at once and healed by the next run.
import { afterAll, describe, expect, it } from 'vitest';
import { nodePlatform } from '../cli/node-platform';
import { defaultsFor, settings, type TrainConfig } from '../model/config';
import type { MetricRecord, RunStatus } from '../model/metrics';
import { decodeWeights } from '../io/weights-file';
import { LabEngine } from './lab-engine';
import type { EngineEvents } from './protocol';

// These tests are about the GPU: the backend is pinned to WebGPU where the schema has that setting
// (an automatic choice may train on the WebAssembly kernels on a software adapter).
const onGpu = ('backend' in settings ? { backend: 'webgpu' } : {}) as Partial<TrainConfig>;
// 64 steps an epoch (2,048 examples, batches of 32), 3 epochs.
const config: TrainConfig = { ...defaultsFor('softmax'), ...onGpu, epochs: 3, limit: 2048, batchSize: 32, seed: 11 };
const engines: LabEngine[] = [];
afterAll(() => engines.forEach((e) => e.destroy()));

async function engine(): Promise<LabEngine> {
  const e = new LabEngine(nodePlatform());
  engines.push(e);
  await e.init();
  await e.loadBuiltin('fashion-mnist');
  return e;
}

interface Seen {
  records: MetricRecord[];
  statuses: [RunStatus, string | undefined][];
  rewinds: [number, string][];
  notices: string[];
}

function listen(onRecord?: (r: MetricRecord, seen: Seen) => void): { seen: Seen; events: EngineEvents } {
  const seen: Seen = { records: [], statuses: [], rewinds: [], notices: [] };
  const events: EngineEvents = {
    metric: (r) => {
      seen.records.push(r);
      onRecord?.(r, seen);
    },
    progress: () => {},
    status: (s, m) => seen.statuses.push([s, m]),
    rewind: (n, m) => {
      seen.rewinds.push([n, m]);
      seen.records.length = n;
    },
  };
  return { seen, events };
}

const bits = (params: Map<string, Float32Array>) => Object.fromEntries([...params].map(([k, v]) => [k, Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')]));

describe('a GPU device lost mid-run', () => {
  let baseline: { records: MetricRecord[]; params: Record<string, string> };

  it('an uninterrupted run gives the reference curve and weights', async () => {
    const e = await engine();
    const { seen, events } = listen();
    await e.train(config, events, false);
    expect(seen.statuses.at(-1)?.[0]).toBe('done');
    baseline = { records: seen.records, params: bits(await e.readParams()) };
    expect(baseline.records.filter((r) => r.split === 'val' && r.key === 'acc')).toHaveLength(3);
  });

  it('is replaced: the run continues from its last checkpoint on a new device and ends bit-identical', async () => {
    const e = await engine();
    const notices: string[] = [];
    await e.listen({ gpu: (kind, m) => notices.push(`${kind}: ${m}`) });
    let lost = false;
    const { seen, events } = listen((r) => {
      // Half-way through epoch 2: the last checkpoint is epoch 1's end.
      if (!lost && r.split === 'train' && r.epoch > 1.5) {
        lost = true;
        void e.loseDeviceForTest();
      }
    });
    await e.train(config, events, false);
    expect(lost).toBe(true);
    expect(seen.statuses.at(-1)?.[0]).toBe('done');
    // The page was told at once, then how many steps are trained again (epoch 1's end to the loss).
    expect(notices[0]).toMatch(/^lost: The GPU device was lost \(unknown: .*\); the run gets a new one/);
    expect(seen.rewinds).toHaveLength(1);
    const [kept, message] = seen.rewinds[0];
    expect(baseline.records.slice(0, kept).at(-1)).toMatchObject({ epoch: 1, split: 'val' });
    expect(message).toMatch(/^The GPU device was lost; training continues on a new device from the checkpoint at 1 of 3 epochs: \d+ steps since then are trained again\.$/);
    expect(Number(/(\d+) steps/.exec(message)![1])).toBeGreaterThanOrEqual(32);
    expect(notices.at(-1)).toBe(`recovered: ${message}`);
    // From the restored step on, the curve is the uninterrupted one; so are the final weights.
    expect(seen.records).toEqual(baseline.records);
    expect(bits(await e.readParams())).toEqual(baseline.params);
  });

  it('writes checkpoints every N seconds mid-epoch, holding training only for the read-back, with the same result', async () => {
    const e = await engine();
    await e.setCheckpointInterval(0.05);
    const { seen, events } = listen();
    await e.train(config, events, false);
    // No Stop or restart reaches the page: only the run's own statuses (informational messages aside).
    expect(seen.statuses.filter(([, m]) => !m).map(([s]) => s)).toEqual(['training', 'done']);
    expect(seen.records).toEqual(baseline.records);
    expect(bits(await e.readParams())).toEqual(baseline.params);
    expect(e.lastPauseMs).toBeGreaterThan(0);
    console.log(`mid-run checkpoint: trainer held ${e.lastPauseMs.toFixed(1)} ms for the read-back (shared 2-core machine)`);
  });

  it('lost while idle: reported at once, and the next run gets a new device', async () => {
    const e = await engine();
    const notices: string[] = [];
    await e.listen({ gpu: (kind, m) => notices.push(`${kind}: ${m}`) });
    await e.loseDeviceForTest();
    await expect.poll(() => notices.length).toBe(1);
    expect(notices[0]).toMatch(/^lost: The GPU device was lost \(unknown: .*\); the next run gets a new one\.$/);
    const { seen, events } = listen();
    await e.train({ ...config, epochs: 1 }, events, false);
    expect(seen.statuses.at(-1)?.[0]).toBe('done');
    expect(seen.records).toEqual(baseline.records.filter((r) => r.epoch <= 1));
  });

  it('lost while stopped: Continue moves the run to a new device from its Stop checkpoint; Export works meanwhile', async () => {
    const e = await engine();
    let stopped = false;
    const { seen, events } = listen((r) => {
      if (!stopped && r.split === 'train' && r.epoch > 1.3) {
        stopped = true;
        void e.stop();
      }
    });
    await e.train(config, events, false);
    expect(seen.statuses.at(-1)?.[0]).toBe('stopped');
    const atStop = bits(await e.readParams());
    await e.loseDeviceForTest();
    // The lost device's run exports its last checkpoint (the Stop one).
    const file = decodeWeights((await e.exportWeights()).bytes, 'x.safetensors');
    expect(bits(file.params)).toEqual(atStop);
    await e.train(config, events, true);
    expect(seen.statuses.at(-1)?.[0]).toBe('done');
    expect(seen.rewinds).toHaveLength(1);
    expect(seen.rewinds[0][1]).toMatch(/^The GPU device was lost; training continues on a new device from the checkpoint at epoch 2, step \d+ of 64\.$/);
    expect(seen.records).toEqual(baseline.records);
    expect(bits(await e.readParams())).toEqual(baseline.params);
  });

  it('never falls back to the CPU in silence: no new device means the run fails, saying so', async () => {
    let calls = 0;
    const platform = nodePlatform();
    const e = new LabEngine({ ...platform, acquireGpu: async () => (++calls === 1 ? platform.acquireGpu() : { ok: false, failure: { kind: 'no-adapter', message: 'No WebGPU adapter was found.' } }) });
    engines.push(e);
    await e.init();
    await e.loadBuiltin('fashion-mnist');
    let lost = false;
    const { seen, events } = listen((r) => {
      if (!lost && r.split === 'train' && r.epoch > 0.5) {
        lost = true;
        void e.loseDeviceForTest();
      }
    });
    await expect(e.train({ ...config, epochs: 1 }, events, false)).rejects.toThrow('The GPU device was lost and no new one could be had: No WebGPU adapter was found.');
    expect(seen.statuses.at(-1)).toEqual(['error', 'The GPU device was lost and no new one could be had: No WebGPU adapter was found.']);
  });
});
