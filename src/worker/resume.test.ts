// Exact resume on real WebGPU (Dawn): a run stopped at an epoch end or mid-epoch, saved as a checkpoint
// and resumed by a fresh engine, gives the same loss records, epoch summaries and final weights, bit
// for bit, as the run that was never interrupted. The WebAssembly and CPU reference backends are held to the same.
// Each case names its backend: 'auto' could take another one on this machine's software adapter.
import { afterAll, describe, expect, it } from 'vitest';
import { testGpu } from '../../tests/helpers/gpu';
import { nodePlatform } from '../cli/node-platform';
import type { Dataset } from '../data/dataset';
import { kernelsVersion } from '../gpu/autotune';
import { decodeRunFile, encodeRunFile } from '../io/checkpoint';
import { defaultConfig, type BackendName, type TrainConfig } from '../model/config';
import type { EpochSummary, MetricRecord } from '../model/metrics';
import { LabEngine, type CheckpointStore, type Platform } from './lab-engine';

/** The latest checkpoint in memory, as OPFS or a file keeps it elsewhere. */
class MemoryStore implements CheckpointStore {
  bytes: Uint8Array | null = null;
  saves = 0;
  async save(bytes: Uint8Array) {
    this.bytes = bytes.slice();
    this.saves++;
  }
  async load() {
    return this.bytes;
  }
  async clear() {
    this.bytes = null;
  }
}


/**
 * 16×16 greyscale images (LeNet-BN's smallest input), 10 classes told apart by where a bright bar sits,
 * with counter-based noise: 512 train / 128 validation, small enough for convolutions on SwiftShader.
 */
function bars(): Dataset {
  const make = (count: number, offset: number) => {
    const x = new Uint8Array(count * 256);
    const y = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const label = (i * 7 + offset) % 10;
      y[i] = label;
      for (let p = 0; p < 256; p++) {
        const noise = Math.floor(Math.abs(Math.sin((i + offset) * 12.9898 + p * 78.233)) * 90);
        const bar = Math.floor(p / 16) === label + 3 || p % 16 === label + 3 ? 150 : 0;
        x[i * 256 + p] = Math.min(255, noise + bar);
      }
    }
    return { x, y, count };
  };
  return {
    name: 'bars', shape: [1, 16, 16], classNames: Array.from({ length: 10 }, (_, i) => `bar ${i}`),
    train: make(512, 0), val: make(128, 1000), splitNote: 'synthetic', normalization: { kind: 'scale', scale: 1 / 255 }, source: { format: 'test', files: [] },
  };
}
const engines: LabEngine[] = [];
afterAll(() => engines.at(-1)?.destroy());

/** An engine offered the test GPU where the run asks for WebGPU, and no adapter otherwise. */
async function engineOn(backend: BackendName, data: 'fashion-mnist' | 'bars', store = new MemoryStore()): Promise<{ engine: LabEngine; store: MemoryStore }> {
  const platform: Platform = {
    ...nodePlatform(),
    loadFiles: async () => bars(),
    checkpoints: store,
    acquireGpu: async () => (backend === 'webgpu' ? { ok: true, gpu: await testGpu() } : { ok: false, failure: { kind: 'no-adapter', message: 'CPU test' } }),
  };
  // Engines share the test device; only the last one destroys it (afterAll).
  const engine = new LabEngine(platform);
  engines.push(engine);
  await engine.init().catch(() => undefined);
  if (data === 'bars') await engine.loadFiles([]);
  else await engine.loadBuiltin(data);
  return { engine, store };
}

interface Trace {
  records: MetricRecord[];
  epochs: EpochSummary[];
}

/** Trains (or continues) and collects what the run reports; `stopWhen` presses Stop. */
async function train(engine: LabEngine, config: TrainConfig, resume: boolean, stopWhen?: (t: Trace) => boolean): Promise<Trace> {
  const t: Trace = { records: [], epochs: [] };
  const check = () => {
    if (stopWhen?.(t)) void engine.stop();
  };
  await engine.train(config, {
    metric: (r) => { t.records.push(r); check(); },
    progress: () => {},
    status: (s, m) => { if (s === 'error' || s === 'diverged') throw new Error(m); },
    epoch: (e) => { t.epochs.push(e); check(); },
  }, resume);
  return t;
}

const bitsOf = (params: Map<string, Float32Array>) => new Map([...params].map(([k, v]) => [k, Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')]));
const lossesOf = (epochs: EpochSummary[]) => epochs.map(({ epoch, train_loss, val_loss, val_acc }) => ({ epoch, train_loss, val_loss, val_acc }));

const graphNet = {
  net: [
    { type: 'conv2d', out: 4, kernel: 3, stride: 2, padding: 1 }, { type: 'batchnorm' }, { type: 'relu' },
    { type: 'residual', name: 'res', body: [{ type: 'conv2d', name: 'conv1', out: 6, kernel: 3, padding: 1 }, { type: 'batchnorm', name: 'bn1' }], shortcut: [{ type: 'conv2d', name: 'proj', out: 6, kernel: 1 }], activation: 'relu' },
    { type: 'concat', name: 'cat', branches: [[], [{ type: 'conv2d', out: 3, kernel: 3, padding: 1 }, { type: 'relu' }]] },
    { type: 'globalavgpool' }, { type: 'flatten' }, { type: 'dense', out: 'classes' },
  ],
};

/** Per case: the optimizer-state slots and BatchNorm statistics its checkpoints must hold. */
const cases: { data: 'fashion-mnist' | 'bars'; config: TrainConfig; slots: string[]; runningStats: boolean }[] = [
  // 16 steps an epoch, 2 per train point: a mid-epoch Stop lands between ranges of several steps.
  // Dropout masks are keyed by (seed, global step) and the cosine rate by the step: both must resume in place.
  {
    data: 'fashion-mnist', slots: ['momentum'], runningStats: false,
    config: { ...defaultConfig, backend: 'webgpu', model: 'mlp', hidden: [64], dropout: 0.3, optimizer: 'momentum', schedule: 'cosine', epochs: 3, limit: 4096, seed: 3 },
  },
  // BatchNorm running statistics and Adam's two moments.
  {
    data: 'bars', slots: ['m', 'v'], runningStats: true,
    config: { ...defaultConfig, backend: 'webgpu', model: 'lenet-bn', optimizer: 'adam', lr: 0.002, init: 'he', epochs: 3, batchSize: 32, seed: 1 },
  },
  // A graph (residual add with a projection, concat with an identity branch) on images resized 16 → 20 in the gather.
  {
    data: 'bars', slots: ['m', 'v'], runningStats: true,
    config: { ...defaultConfig, backend: 'webgpu', model: 'custom', arch: JSON.stringify(graphNet), resize: 20, optimizer: 'adam', lr: 0.002, init: 'he', epochs: 3, batchSize: 32, seed: 4 },
  },
  { data: 'fashion-mnist', slots: [], runningStats: false, config: { ...defaultConfig, backend: 'reference', model: 'softmax', epochs: 3, limit: 1024, batchSize: 128, seed: 5 } },
  // The WebAssembly kernels (what 'auto' takes without a GPU): BatchNorm statistics and Adam's moments.
  { data: 'bars', slots: ['m', 'v'], runningStats: true, config: { ...defaultConfig, backend: 'wasm', model: 'lenet-bn', optimizer: 'adam', lr: 0.002, init: 'he', epochs: 3, batchSize: 32, seed: 6 } },
  { data: 'bars', slots: ['momentum'], runningStats: false, config: { ...defaultConfig, backend: 'reference', model: 'lenet', optimizer: 'momentum', init: 'xavier-uniform', epochs: 3, batchSize: 64, seed: 2 } },
];

describe.each(cases)('exact resume ($config.backend, $config.model, $config.optimizer, $data)', ({ data, config, slots, runningStats }) => {
  let reference: { trace: Trace; params: Map<string, string>; history: MetricRecord[] };

  it('the uninterrupted run saves a checkpoint at every epoch end', async () => {
    const { engine, store } = await engineOn(config.backend, data);
    const trace = await train(engine, config, false);
    expect(trace.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(store.saves).toBe(3);
    const saved = decodeRunFile(store.bytes!, 'saved');
    // The backend asked for is the one that trained (the adapter recorded; kernel choices only on WebGPU).
    expect(saved.manifest.adapter).toMatch({ webgpu: /swiftshader/i, wasm: /^wasm: /, reference: /^cpu reference/ }[config.backend as 'webgpu' | 'wasm' | 'reference']);
    expect(saved.manifest.kernelsVersion).toBe(config.backend === 'webgpu' ? kernelsVersion : undefined);
    expect(saved.manifest.contents).toBe('checkpoint');
    expect(saved.manifest.position).toMatchObject({ epoch: 3, step: 0 });
    expect(saved.manifest.fingerprint?.hash).toMatch(/^sha256:/);
    expect(saved.manifest.optimizer).toEqual({ kind: config.optimizer, slots, steps: saved.manifest.position!.globalStep });
    expect([...saved.params.keys()].some((k) => k.endsWith('running_var'))).toBe(runningStats);
    const exported = decodeRunFile((await engine.exportWeights()).bytes, 'export');
    reference = { trace, params: bitsOf(await engine.readParams()), history: exported.manifest.history };
    expect(reference.history).toEqual(trace.records);
  });

  it.each([
    ['at the end of epoch 1', (t: Trace) => t.epochs.length === 1, false],
    ['mid-epoch (after 5 train points of epoch 2)', (t: Trace) => t.records.filter((r) => r.split === 'train' && r.epoch > 1).length === 5, true],
  ])('stopped %s and resumed by a fresh engine: same losses and final weights, bit for bit', async (_, stopWhen, midEpoch) => {
    const first = await engineOn(config.backend, data);
    const before = await train(first.engine, config, false, stopWhen);
    expect(before.epochs.length).toBeLessThan(3);
    const checkpoint = first.store.bytes!;
    const { manifest } = decodeRunFile(checkpoint, 'stopped');
    expect(manifest.history).toEqual(before.records);
    expect(manifest.position!.epoch).toBe(1);
    expect(manifest.position!.step > 0).toBe(midEpoch);

    // A new engine (a reloaded page, or the CLI) resumes from the stored checkpoint alone.
    const second = await engineOn(config.backend, data, Object.assign(new MemoryStore(), { bytes: checkpoint }));
    const restored = await second.engine.resumeStored();
    expect(restored.status).toBe('stopped');
    expect(restored.differences).toEqual([]);
    expect(restored.history).toEqual(before.records);
    const after = await train(second.engine, config, true);

    expect([...before.records, ...after.records]).toEqual(reference.trace.records);
    expect(lossesOf([...before.epochs, ...after.epochs])).toEqual(lossesOf(reference.trace.epochs));
    expect(bitsOf(await second.engine.readParams())).toEqual(reference.params);
    const exported = decodeRunFile((await second.engine.exportWeights()).bytes, 'export');
    expect(exported.manifest.history).toEqual(reference.history);
  });
});

// A block name may stand for other code in another version of the generated kernels, so the recorded
// choices are pinned only where the file's kernels are this lab's; otherwise they are chosen afresh and
// the resume says so.
describe('kernel choices on resume (gpu, mlp)', () => {
  it("pins the file's choices where its kernels are this lab's, else chooses afresh with a note", async () => {
    const first = await engineOn('webgpu', 'fashion-mnist');
    await train(first.engine, { ...cases[0].config, epochs: 1 }, false);
    const file = decodeRunFile(first.store.bytes!, 'saved');
    expect(file.manifest.kernelsVersion).toBe(kernelsVersion);
    const [key, chosen] = Object.entries(file.manifest.kernels!).find(([k]) => k.startsWith('nn:'))!;
    const other = chosen === '4x4' ? '8x4' : '4x4';
    const resumeWith = async (version: string | undefined) => {
      const bytes = encodeRunFile({ ...file, manifest: { ...file.manifest, kernels: { ...file.manifest.kernels, [key]: other }, kernelsVersion: version } });
      const { engine } = await engineOn('webgpu', 'fashion-mnist', Object.assign(new MemoryStore(), { bytes }));
      const restored = await engine.resumeStored();
      const exported = decodeRunFile((await engine.exportWeights()).bytes, 'export');
      return { notes: restored.notes, block: exported.manifest.kernels?.[key] };
    };
    expect(await resumeWith(kernelsVersion)).toEqual({ notes: [], block: other });
    const stale = await resumeWith('matmul-1');
    expect(stale.block).toBe(chosen);
    expect(stale.notes.join('\n')).toMatch(/made for kernels "matmul-1".*chosen afresh/);
    const unversioned = await resumeWith(undefined);
    expect(unversioned.block).toBe(chosen);
    expect(unversioned.notes.join('\n')).toMatch(/an earlier version of the lab.*chosen afresh/);
  });
});
