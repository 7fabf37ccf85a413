// Train accuracy counted beside the loss sums (issue 12 item 7): each device backend's per-step correct
// counts against the CPU reference (one step exactly, two epochs within 1e-3), the Trainer's `acc` train
// points at the train loss's positions, and the loss path unchanged bit for bit by the extra count.
import { firstExamples } from '../../tests/helpers/dataset-slice';
import { beforeAll, describe, expect, it } from 'vitest';
import { testGpu } from '../../tests/helpers/gpu';
import { loadBuiltin } from '../data/builtin';
import { readFromDir } from '../data/builtin-node';
import type { Dataset } from '../data/dataset';
import { KernelContext } from '../gpu/context';
import type { Backend } from './backend';
import { applyPreset, defaultConfig, presets, type TrainConfig } from './config';
import { CpuBackend } from './cpu-backend';
import { DataModule } from './data-module';
import { GpuBackend } from './gpu-backend';
import { WasmBackend } from './wasm-backend';
import { initParams } from './params';
import { Classifier } from './classifier';
import { Trainer } from './trainer';
import { buildArchitecture } from './zoo';
import type { MetricRecord } from './metrics';

let full: Dataset;
let kc: KernelContext;
beforeAll(async () => {
  full = await loadBuiltin('fashion-mnist', readFromDir());
  kc = new KernelContext((await testGpu()).device);
});

/** The first `train` training and `val` validation examples. */
const slice = (train: number, val: number): Dataset => firstExamples(full, train, val);

type RunOptions = Parameters<typeof WasmBackend.create>[0] & { trainAccuracy?: boolean };

const devices = [
  { name: 'the GPU', create: (run: RunOptions): Promise<Backend> => GpuBackend.create({ kc, description: 'test', ...run }) },
  { name: 'wasm, 3 threads', create: (run: RunOptions): Promise<Backend> => WasmBackend.create({ ...run, threads: 3 }) },
];

async function backends(config: TrainConfig, data: Dataset, device = devices[0], opts: { trainAccuracy?: boolean } = {}) {
  const arch = buildArchitecture(config, data.shape, data.classNames.length);
  const params = initParams(arch, config.seed);
  const run = { arch, data, batchSize: config.batchSize, weightDecay: config.weightDecay, optimizer: config.optimizer, momentum: config.momentum, seed: config.seed };
  const dev = await device.create({ ...run, ...opts });
  dev.writeParams(params);
  return { dev, cpu: new CpuBackend({ ...run, params }) };
}

interface Curve {
  records: MetricRecord[];
  /** Per epoch: Σ correct / Σ rows over its steps, from the backend's counts. */
  trainAcc: number[];
}

/** Trains `config.epochs` through the Trainer, keeping every plotted record and each epoch's train accuracy. */
async function curve(backend: Backend, config: TrainConfig, data: Dataset): Promise<Curve> {
  const arch = buildArchitecture(config, data.shape, data.classNames.length);
  const tally = { correct: 0, rows: 0 };
  const trainAcc: number[] = [];
  const trainSteps = backend.trainSteps.bind(backend);
  backend.trainSteps = async (from, to) => {
    const l = await trainSteps(from, to);
    l.correct?.forEach((c, i) => ((tally.correct += c), (tally.rows += l.rows[i])));
    return l;
  };
  const model = new Classifier(arch, config, backend);
  const records: MetricRecord[] = [];
  model.onPlot((r) => records.push(r));
  const trainer = new Trainer(config.epochs, {
    epoch: () => {
      trainAcc.push(tally.correct / tally.rows);
      Object.assign(tally, { correct: 0, rows: 0 });
    },
  });
  expect(await trainer.fit(model, new DataModule(data, config.batchSize, config.seed))).toBe('done');
  return { records, trainAcc };
}

const cases: { name: string; config: TrainConfig; train: number }[] = [
  { name: 'softmax', config: { ...defaultConfig, model: 'softmax' }, train: 2048 },
  // Dropout: the count is of the training-mode logits (dropout on), as d2l's train accuracy is.
  { name: 'mlp, sigmoid, dropout, momentum', config: { ...defaultConfig, model: 'mlp', hidden: [30, 16], activation: 'sigmoid', dropout: 0.3, optimizer: 'momentum', weightDecay: 1e-3, init: 'xavier-uniform', lr: 0.05 }, train: 1024 },
  // BatchNorm: batch statistics in the training step.
  { name: 'lenet-bn (d2l)', config: { ...applyPreset(defaultConfig, presets['lenet-bn-d2l']), batchSize: 32 }, train: 256 },
];

const deviceCases = devices.flatMap((device) => cases.map((c) => ({ ...c, device, label: `${c.name} on ${device.name}` })));

describe.each(deviceCases)('train accuracy: $label vs the CPU reference', ({ config, train, device }) => {
  it('one training step: the same correct count (an integer, compared exactly)', async () => {
    const data = slice(300, 100);
    const { dev, cpu } = await backends({ ...config, batchSize: 100 }, data, device);
    const order = new DataModule(data, 100, 0).order(0);
    const lrs = new Float32Array(3).fill(config.lr);
    dev.beginEpoch(order, lrs, 0);
    cpu.beginEpoch(order, lrs, 0);
    const [ld, lc] = [await dev.trainSteps(0, 3), await cpu.trainSteps(0, 3)];
    expect(lc.correct).toBeDefined();
    expect(Array.from(ld.correct ?? [])).toEqual(Array.from(lc.correct!));
    // Fashion-MNIST at the initial weights: about one in ten right, never all or none of a batch of 100.
    expect(lc.correct!.every((c) => c > 0 && c < 100)).toBe(true);
    dev.destroy();
  });

  it('two epochs: each epoch\'s train accuracy within 1e-3 of the CPU reference, plotted beside the train loss', async () => {
    const data = slice(train, 200);
    const cfg = { ...config, epochs: 2, batchSize: Math.min(config.batchSize, train / 8) };
    const { dev, cpu } = await backends(cfg, data, device);
    const [d, c] = [await curve(dev, cfg, data), await curve(cpu, cfg, data)];
    expect(d.trainAcc).toHaveLength(2);
    for (let e = 0; e < 2; e++) expect(Math.abs(d.trainAcc[e] - c.trainAcc[e]), `epoch ${e + 1}: ${d.trainAcc[e]} vs ${c.trainAcc[e]}`).toBeLessThanOrEqual(1e-3);
    expect(d.trainAcc.every((a) => a > 0 && a < 1)).toBe(true);
    // One acc point per train loss point, at the same step and x (d2l's plot('acc', …, train=True)).
    const at = (key: string) => d.records.filter((r) => r.split === 'train' && r.key === key).map((r) => [r.step, r.epoch]);
    expect(at('acc')).toEqual(at('loss'));
    expect(at('acc').length).toBeGreaterThanOrEqual(10);
    dev.destroy();
  });
});

describe('the loss path is unchanged by the train accuracy count (GPU)', () => {
  const lenet = { ...applyPreset(defaultConfig, presets['lenet-bn-d2l']), batchSize: 32, epochs: 2 };
  const mlp = { ...defaultConfig, model: 'mlp' as const, hidden: [30], dropout: 0.2, optimizer: 'adam' as const, lr: 0.01, batchSize: 50, epochs: 2 };
  it.each([
    ['mlp, dropout, adam', mlp, 300],
    ['lenet-bn', lenet, 160],
  ] as const)('%s: two epochs with and without the count give bit-identical losses and weights', async (_name, config, train) => {
    const data = slice(train, 64);
    const runs = [];
    for (const trainAccuracy of [false, true]) {
      const { dev } = await backends(config, data, devices[0], { trainAccuracy });
      const { records } = await curve(dev, config, data);
      runs.push({ records, params: await dev.readParams() });
      dev.destroy();
    }
    const [without, withCount] = runs;
    const losses = (r: MetricRecord[]) => r.filter((x) => x.key === 'loss').map((x) => [x.split, x.step, x.value]);
    expect(losses(withCount.records)).toEqual(losses(without.records));
    expect(without.records.some((r) => r.key === 'acc' && r.split === 'train')).toBe(false);
    expect(withCount.records.some((r) => r.key === 'acc' && r.split === 'train')).toBe(true);
    for (const [name, t] of without.params) expect(Array.from(withCount.params.get(name)!), name).toEqual(Array.from(t));
  });
});
