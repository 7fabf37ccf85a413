// Whole-model checks of each device backend (real WebGPU; the WebAssembly kernels on 3 threads) against
// the CPU reference: one step, bit-reproducibility, and two-epoch curves, for each model of the zoo, on a
// slice of the built-in Fashion-MNIST.
import { firstExamples } from '../../tests/helpers/dataset-slice';
import { beforeAll, describe, expect, it } from 'vitest';
import { testGpu } from '../../tests/helpers/gpu';
import { loadBuiltin } from '../data/builtin';
import { readFromDir } from '../data/builtin-node';
import { affineOf, type Dataset } from '../data/dataset';
import { KernelContext } from '../gpu/context';
import type { Backend } from './backend';
import { applyPreset, defaultConfig, presets, type TrainConfig } from './config';
import { CpuBackend } from './cpu-backend';
import { DataModule } from './data-module';
import { GpuBackend } from './gpu-backend';
import { WasmBackend } from './wasm-backend';
import { initParams } from './params';
import { graphOf } from './architecture';
import { graphForward } from './graph/reference-run';
import { Classifier } from './classifier';
import { Trainer } from './trainer';
import { buildArchitecture } from './zoo';
import type { EpochSummary } from './metrics';

let full: Dataset;
/** One kernel context for the file: pipelines compile once (SwiftShader takes seconds per pipeline). */
let kc: KernelContext;
beforeAll(async () => {
  full = await loadBuiltin('fashion-mnist', readFromDir());
  kc = new KernelContext((await testGpu()).device);
});

/** The first `train` training and `val` validation examples. */
const slice = (train: number, val: number): Dataset => firstExamples(full, train, val);

type RunOptions = Parameters<typeof WasmBackend.create>[0] & { maxChunkBytes?: number };

/** A backend under test: how to build it, and which cases it runs. */
interface Device {
  name: string;
  create(run: RunOptions): Promise<Backend>;
  runs(c: ZooCase): boolean;
}

const devices: Device[] = [
  { name: 'the GPU', create: (run) => GpuBackend.create({ kc, description: 'test', ...run }), runs: () => true },
  { name: 'wasm, 3 threads', create: (run) => WasmBackend.create({ ...run, threads: 3 }), runs: () => true },
];

async function backends(config: TrainConfig, data: Dataset, opts: { maxChunkBytes?: number } = {}, device = devices[0]) {
  const arch = buildArchitecture(config, data.shape, data.classNames.length);
  const params = initParams(arch, config.seed);
  const run = { arch, data, batchSize: config.batchSize, weightDecay: config.weightDecay, optimizer: config.optimizer, momentum: config.momentum, seed: config.seed, resize: config.resize === undefined ? null : ([config.resize, config.resize] as const) };
  const g = await device.create({ ...run, ...opts });
  g.writeParams(params);
  const c = new CpuBackend({ ...run, params });
  return { arch, gpu: g, cpu: c };
}

async function curve(backend: Backend, config: TrainConfig, data: Dataset): Promise<{ epochs: EpochSummary[]; points: number[] }> {
  const arch = buildArchitecture(config, data.shape, data.classNames.length);
  const model = new Classifier(arch, config, backend);
  const points: number[] = [];
  model.onPlot((r) => points.push(r.value));
  const epochs: EpochSummary[] = [];
  const trainer = new Trainer(config.epochs, { epoch: (e) => epochs.push(e) });
  const dm = new DataModule(data, config.batchSize, config.seed);
  expect(await trainer.fit(model, dm)).toBe('done');
  return { epochs, points };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

const residualNet = {
  net: [
    { type: 'conv2d', out: 6, kernel: 3, padding: 1 }, { type: 'batchnorm' }, { type: 'relu' },
    { type: 'residual', body: [{ type: 'conv2d', name: 'conv1', out: 6, kernel: 3, padding: 1 }, { type: 'batchnorm', name: 'bn1' }, { type: 'relu' }, { type: 'conv2d', name: 'conv2', out: 6, kernel: 3, padding: 1 }, { type: 'batchnorm', name: 'bn2' }], activation: 'relu' },
    { type: 'residual', body: [{ type: 'conv2d', name: 'conv1', out: 10, kernel: 3, stride: 2, padding: 1 }, { type: 'batchnorm', name: 'bn1' }, { type: 'relu' }, { type: 'conv2d', name: 'conv2', out: 10, kernel: 3, padding: 1 }], shortcut: [{ type: 'conv2d', name: 'conv3', out: 10, kernel: 1, stride: 2 }], activation: 'relu' },
    { type: 'globalavgpool' }, { type: 'flatten' }, { type: 'dense', out: 'classes' },
  ],
};
const concatNet = {
  net: [
    { type: 'conv2d', out: 6, kernel: 3, padding: 1 }, { type: 'relu' },
    { type: 'concat', branches: [[], [{ type: 'batchnorm' }, { type: 'relu' }, { type: 'conv2d', out: 4, kernel: 3, padding: 1 }]] },
    { type: 'concat', branches: [[{ type: 'conv2d', out: 3, kernel: 1 }, { type: 'relu' }], [{ type: 'maxpool2d', kernel: 3, stride: 1, padding: 1 }, { type: 'conv2d', out: 3, kernel: 1 }, { type: 'sigmoid' }], []] },
    { type: 'avgpool2d', kernel: 2, stride: 2 }, { type: 'flatten' }, { type: 'dense', out: 'classes' },
  ],
};
const custom = (spec: object): TrainConfig => ({ ...defaultConfig, model: 'custom', arch: JSON.stringify(spec), resize: 14, init: 'he', optimizer: 'momentum', lr: 0.05, batchSize: 64 });

interface ZooCase {
  name: string;
  config: TrainConfig;
  /** Training examples of the two-epoch run (the CPU reference's convolutions are slow). */
  train: number;
}

const cases: ZooCase[] = [
  { name: 'softmax', config: { ...defaultConfig, model: 'softmax' }, train: 2048 },
  { name: 'mlp', config: { ...defaultConfig, model: 'mlp', hidden: [64] }, train: 2048 },
  // Sigmoid on 30 units (not a multiple of 4: a standalone activation op), dropout, momentum, weight decay.
  { name: 'mlp, sigmoid, dropout, momentum', config: { ...defaultConfig, model: 'mlp', hidden: [30, 16], activation: 'sigmoid', dropout: 0.3, optimizer: 'momentum', weightDecay: 1e-3, init: 'xavier-uniform', lr: 0.05 }, train: 1024 },
  { name: 'lenet (d2l)', config: { ...applyPreset(defaultConfig, presets['lenet-d2l']), batchSize: 32 }, train: 256 },
  { name: 'lenet-bn (d2l)', config: { ...applyPreset(defaultConfig, presets['lenet-bn-d2l']), batchSize: 32 }, train: 256 },
  { name: 'lenet (lab: relu, max pool, He, Adam, cosine)', config: { ...applyPreset(defaultConfig, presets['lenet-lab']), batchSize: 32 }, train: 256 },
  // Graphs (d2l chapter 8's joins), on images resized to 14×14 in the gather so the f64 reference stays quick.
  { name: 'residual net (BatchNorm, identity and projection shortcuts, resize 14)', config: custom(residualNet), train: 1000 },
  { name: 'concat net (DenseNet-style identity branches, Inception-style branches, resize 14)', config: custom(concatNet), train: 1000 },
];

const deviceCases = devices.flatMap((device) => cases.filter((c) => device.runs(c)).map((c) => ({ ...c, device, label: `${c.name} on ${device.name}` })));

describe.each(deviceCases)('$label vs the CPU reference', ({ config, train, device }) => {
  it('one training step: loss and every updated model tensor', async () => {
    const data = slice(300, 100);
    const { gpu, cpu } = await backends({ ...config, batchSize: 100 }, data, {}, device);
    const order = new DataModule(data, 100, 0).order(0);
    const lrs = new Float32Array(3).fill(config.lr);
    gpu.beginEpoch(order, lrs, 0);
    cpu.beginEpoch(order, lrs, 0);
    const [lg, lc] = [await gpu.trainSteps(0, 1), await cpu.trainSteps(0, 1)];
    expect(Math.abs(lg.sums[0] - lc.sums[0])).toBeLessThanOrEqual(1e-5 * Math.abs(lc.sums[0]));
    const [pg, pc] = [await gpu.readParams(), await cpu.readParams()];
    expect([...pg.keys()].sort()).toEqual([...pc.keys()].sort());
    for (const [name, ref] of pc) {
      const got = pg.get(name)!;
      if (config.optimizer === 'adam') {
        // Adam's first step moves every parameter by ≈ lr·sign(g): a gradient within f32 noise of 0 may
        // take either sign, so hold 99.9 % of the elements to 1e-6 and every one to the step size.
        const off = ref.filter((v, i) => Math.abs(got[i] - v) > 1e-6).length;
        expect(off, `${name}: ${off} of ${ref.length} elements off by > 1e-6`).toBeLessThanOrEqual(Math.ceil(ref.length / 1000));
        expect(maxDiff(got, ref), name).toBeLessThanOrEqual(2 * config.lr + 1e-6);
      } else {
        // After one update: f32 forward/backward vs f64, lr ≤ 0.1 → differences ≪ 1e-6.
        expect(maxDiff(got, ref), name).toBeLessThanOrEqual(1e-6);
      }
    }
    const [sg, sc] = [await gpu.readOptimizerState(), await cpu.readOptimizerState()];
    expect([...sg.keys()].sort()).toEqual([...sc.keys()].sort());
    gpu.destroy();
  });

  it('the same seed gives bit-identical loss sequences twice', async () => {
    const data = slice(192, 64);
    const cfg = { ...config, epochs: 2, batchSize: 32 };
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const { gpu } = await backends(cfg, data, {}, device);
      runs.push((await curve(gpu, cfg, data)).points);
      gpu.destroy();
    }
    expect(runs[1].length).toBeGreaterThan(10);
    expect(runs[1]).toEqual(runs[0]);
  });

  it('two epochs: train loss, validation loss and accuracy within 1e-3 of the CPU reference', async () => {
    const data = slice(train, 200);
    const cfg = { ...config, epochs: 2, batchSize: Math.min(config.batchSize, train / 8) };
    // Data split over several GPU buffers (a 100 KiB chunk holds 130 images) on the GPU side.
    const { gpu, cpu } = await backends(cfg, data, { maxChunkBytes: 100 * 1024 }, device);
    const g = await curve(gpu, cfg, data);
    const c = await curve(cpu, cfg, data);
    expect(g.epochs.length).toBe(2);
    for (let e = 0; e < 2; e++) {
      for (const key of ['train_loss', 'val_loss', 'val_acc'] as const) {
        expect(Math.abs(g.epochs[e][key] - c.epochs[e][key]), `epoch ${e + 1} ${key}: ${g.epochs[e][key]} vs ${c.epochs[e][key]}`).toBeLessThanOrEqual(1e-3);
      }
    }
    expect(g.epochs[1].train_loss).toBeLessThan(g.epochs[0].train_loss);
    gpu.destroy();
  });
});

describe.each(devices)('BatchNorm running statistics (lenet-bn) on $name', (device) => {
  it('validation leaves them unchanged; a training step moves them by d2l\'s formula, as the CPU reference does', async () => {
    const config = { ...applyPreset(defaultConfig, presets['lenet-bn-d2l']), batchSize: 50 };
    const data = slice(100, 60);
    const { arch, gpu, cpu } = await backends(config, data, {}, device);
    const bnLayers = graphOf(arch).ops.filter((op) => op.spec.type === 'batchnorm').map((op) => op.index);
    expect(bnLayers.length).toBe(4);
    const stats = (p: Map<string, Float32Array>) => new Map([...p].filter(([k]) => k.includes('running')));
    const before = stats(await gpu.readParams());
    expect(before.get(`layers.${bnLayers[0]}.running_var`)!.every((v) => v === 1)).toBe(true);
    await gpu.validate();
    expect(stats(await gpu.readParams())).toEqual(before);
    // One step: running ← 0.9·running + 0.1·batch statistic, computed here from the reference forward.
    const order = new DataModule(data, 50, 0).order(0);
    gpu.beginEpoch(order, new Float32Array(2).fill(0.1), 0);
    cpu.beginEpoch(order, new Float32Array(2).fill(0.1), 0);
    await gpu.trainSteps(0, 1);
    await cpu.trainSteps(0, 1);
    const [after, ref] = [stats(await gpu.readParams()), stats(await cpu.readParams())];
    for (const [name, want] of ref) {
      expect(maxDiff(after.get(name)!, want), name).toBeLessThanOrEqual(1e-5);
      expect(maxDiff(after.get(name)!, before.get(name)!), `${name} moved`).toBeGreaterThan(1e-4);
    }
    // The first BatchNorm follows conv 1 directly: the statistics are taken before the update, so its batch
    // mean is the mean of conv 1's output under the initial weights.
    const first = bnLayers[0];
    const x = batchOf(data, order.subarray(0, 50));
    const g = graphOf(arch);
    const conv = graphForward(g, initParams(arch, config.seed), x, 50).cache.values[g.ops[first - 1].output];
    const plane = 24 * 24;
    const mean0 = (c: number) => {
      let sum = 0;
      for (let b = 0; b < 50; b++) for (let p = 0; p < plane; p++) sum += conv[(b * 6 + c) * plane + p];
      return sum / (50 * plane);
    };
    const runningMean = after.get(`layers.${first}.running_mean`)!;
    for (let c = 0; c < 6; c++) expect(runningMean[c]).toBeCloseTo(0.9 * 0 + 0.1 * mean0(c), 5);
    gpu.destroy();
  });
});

/** The normalised batch of the given example indices, as the gather computes it (f32 multiply, then add). */
function batchOf(data: Dataset, idx: Uint32Array): Float64Array {
  const d = 784;
  const { scale, shift } = affineOf(data.normalization, d);
  const x = new Float64Array(idx.length * d);
  idx.forEach((src, b) => {
    for (let j = 0; j < d; j++) x[b * d + j] = Math.fround(Math.fround(data.train.x[src * d + j] * scale[j]) + shift[j]);
  });
  return x;
}

const roundTrips: [string, TrainConfig][] = [
  ['adam', { ...applyPreset(defaultConfig, presets['lenet-lab']), batchSize: 32 }],
  ['momentum + dropout', { ...defaultConfig, model: 'mlp', hidden: [20], dropout: 0.2, optimizer: 'momentum', weightDecay: 1e-3, batchSize: 32 }],
  ['adam, mlp', { ...defaultConfig, model: 'mlp', hidden: [20], optimizer: 'adam', lr: 0.01, batchSize: 32 }],
  // Conv models. With BatchNorm (its running statistics travel with the weights) on Adam only: a conv bias
  // followed by BatchNorm has a zero gradient in exact arithmetic, so its f32 value is summation noise
  // (≈ 3e-6 between devices after two momentum steps) and would fail the 1e-6 of a move between devices.
  ['adam, lenet-bn', { ...applyPreset(defaultConfig, presets['lenet-bn-d2l']), optimizer: 'adam', lr: 0.01, batchSize: 32 }],
  ['momentum, lenet (relu, max pool)', { ...applyPreset(defaultConfig, presets['lenet-d2l']), activation: 'relu', pool: 'max', optimizer: 'momentum', lr: 0.05, batchSize: 32 }],
];

describe.each(devices)('optimizer state round trip on $name', (device) => {
  it.each(roundTrips.filter(([name, config]) => device.runs({ name, config, train: 0 })))('%s: params + state read after step 1 and written to a fresh backend give step 2 bit for bit', async (_name, config) => {
    const data = slice(96, 32);
    const order = new DataModule(data, 32, 0).order(0);
    const lrs = new Float32Array(3).fill(config.lr);
    const straight = (await backends(config, data, {}, device)).gpu;
    straight.beginEpoch(order, lrs, 0);
    await straight.trainSteps(0, 2);
    const split = (await backends(config, data, {}, device)).gpu;
    split.beginEpoch(order, lrs, 0);
    await split.trainSteps(0, 1);
    const [params, state] = [await split.readParams(), await split.readOptimizerState()];
    expect(state.size).toBeGreaterThan(0);
    split.destroy();
    const resumed = (await backends(config, data, {}, device)).gpu;
    resumed.writeParams(params);
    resumed.writeOptimizerState(state);
    resumed.beginEpoch(order, lrs, 0);
    await resumed.trainSteps(1, 2);
    const [a, b] = [await straight.readParams(), await resumed.readParams()];
    for (const [name, t] of a) expect(Array.from(b.get(name)!), name).toEqual(Array.from(t));
    expect(await resumed.readOptimizerState()).toEqual(await straight.readOptimizerState());
    // Writing parameters alone starts the optimizer afresh.
    resumed.writeParams(params);
    expect([...(await resumed.readOptimizerState()).values()].every((t) => t.every((v) => v === 0))).toBe(true);
    expect(() => resumed.writeOptimizerState(new Map())).toThrow(/missing optim\.layers\.\d+\.weight\./);
    straight.destroy();
    resumed.destroy();
  });
});

describe('a run moves between the WebAssembly backend and the GPU', () => {
  // Not Adam: its first step moves a parameter by ≈ lr·sign(g), and a gradient within f32 noise of 0 may take either sign on either device.
  it.each(roundTrips.filter(([name, config]) => config.optimizer !== 'adam' && devices[1].runs({ name, config, train: 0 })))('%s: step 1 on one, step 2 on the other, within 1e-6 of two steps on either', async (_name, config) => {
    const data = slice(96, 32);
    const order = new DataModule(data, 32, 0).order(0);
    const lrs = new Float32Array(3).fill(config.lr);
    for (const [from, to] of [[devices[1], devices[0]], [devices[0], devices[1]]]) {
      const straight = (await backends(config, data, {}, to)).gpu;
      straight.beginEpoch(order, lrs, 0);
      await straight.trainSteps(0, 2);
      const first = (await backends(config, data, {}, from)).gpu;
      first.beginEpoch(order, lrs, 0);
      await first.trainSteps(0, 1);
      const [params, state] = [await first.readParams(), await first.readOptimizerState()];
      first.destroy();
      const second = (await backends(config, data, {}, to)).gpu;
      second.writeParams(params);
      second.writeOptimizerState(state);
      second.beginEpoch(order, lrs, 0);
      await second.trainSteps(1, 2);
      const [a, b] = [await straight.readParams(), await second.readParams()];
      for (const [name, t] of a) expect(maxDiff(b.get(name)!, t), `${from.name} → ${to.name}: ${name}`).toBeLessThanOrEqual(1e-6);
      straight.destroy();
      second.destroy();
    }
  });
});
