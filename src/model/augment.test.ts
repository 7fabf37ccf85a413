// Augmentation inside the batch gather (issue 11), end to end on LeNet and a slice of Fashion-MNIST:
// the GPU's crops and flips are the CPU reference's (two-epoch curves within 1e-3), a run repeats bit for
// bit, a resumed epoch equals the uninterrupted one (the draws depend on seed, epoch and example only),
// augmentation really changes the training batches, and validation is never augmented.
import { beforeAll, describe, expect, it } from 'vitest';
import { firstExamples } from '../../tests/helpers/dataset-slice';
import { testGpu } from '../../tests/helpers/gpu';
import { loadBuiltin } from '../data/builtin';
import { readFromDir } from '../data/builtin-node';
import type { Dataset } from '../data/dataset';
import { KernelContext } from '../gpu/context';
import type { Augment } from '../reference/gather';
import type { Backend } from './backend';
import { applyPreset, defaultConfig, presets, type TrainConfig } from './config';
import { CpuBackend } from './cpu-backend';
import { DataModule } from './data-module';
import { GpuBackend } from './gpu-backend';
import { initParams } from './params';
import { buildArchitecture } from './zoo';

let data: Dataset;
let kc: KernelContext;
beforeAll(async () => {
  data = firstExamples(await loadBuiltin('fashion-mnist', readFromDir()), 300, 100);
  kc = new KernelContext((await testGpu()).device);
});

const config: TrainConfig = { ...applyPreset({ ...defaultConfig, hidden: [...defaultConfig.hidden] }, presets['lenet-d2l']), batchSize: 64, epochs: 2, seed: 3 };
const crop: Augment = { crop: 2, flip: true };

async function make(kind: 'gpu' | 'cpu', augment: Augment | null): Promise<Backend> {
  const arch = buildArchitecture(config, data.shape, data.classNames.length);
  const params = initParams(arch, config.seed);
  const run = { arch, data, batchSize: config.batchSize, weightDecay: 0, seed: config.seed, augment };
  if (kind === 'cpu') return new CpuBackend({ ...run, params });
  const g = await GpuBackend.create({ kc, description: 'test', ...run });
  g.writeParams(params);
  return g;
}

/** Each epoch's step losses (sums) and the validation after it, driving the backend as the Trainer does. */
async function train(b: Backend, epochs: number[], from?: Map<string, Float32Array>): Promise<{ losses: number[][]; val: number[] }> {
  if (from) b.writeParams(from);
  const dm = new DataModule(data, config.batchSize, config.seed);
  const steps = Math.ceil(data.train.count / config.batchSize);
  const losses: number[][] = [];
  const val: number[] = [];
  for (const e of epochs) {
    b.beginEpoch(dm.order(e), new Float32Array(steps).fill(config.lr), e * steps);
    losses.push([...(await b.trainSteps(0, steps)).sums]);
    const v = await b.validate();
    val.push(v.lossSum, v.correct);
  }
  return { losses, val };
}

describe('augmentation in the batch gather', () => {
  it('the GPU trains on the CPU reference\'s crops and flips: two epochs within 1e-3', async () => {
    const gpu = await train(await make('gpu', crop), [0, 1]);
    const cpu = await train(await make('cpu', crop), [0, 1]);
    gpu.losses.flat().forEach((l, i) => expect(Math.abs(l - cpu.losses.flat()[i]) / 64, `step ${i}`).toBeLessThan(1e-3));
    expect(Math.abs(gpu.val[2] - cpu.val[2]) / 100).toBeLessThan(1e-3);
  });

  it('a run repeats bit for bit; a resumed epoch equals the uninterrupted one; augmentation changes the batches', async () => {
    const a = await make('gpu', crop);
    const first = await train(a, [0]);
    const afterEpoch0 = await a.readParams();
    const second = await train(a, [1]);
    const again = await train(await make('gpu', crop), [0, 1]);
    expect(again.losses).toEqual([...first.losses, ...second.losses]);
    // A fresh backend given the epoch-0 weights (a checkpoint) trains epoch 1 exactly as the first did.
    const resumed = await train(await make('gpu', crop), [1], afterEpoch0);
    expect(resumed.losses).toEqual(second.losses);
    const plain = await train(await make('gpu', null), [0]);
    expect(plain.losses[0]).not.toEqual(first.losses[0]);
    // Validation is never augmented: the same weights validate the same with or without it.
    const v1 = await make('gpu', crop);
    const v2 = await make('gpu', null);
    expect((await v1.validate()).lossSum).toBe((await v2.validate()).lossSum);
  });
});
