// The performance figures of a real run (Dawn): the engine profiles the training step once per run,
// dispatch by dispatch, and counts the host↔GPU traffic of each epoch. With 1,024 examples at batch 256
// an epoch is 4 steps in 4 ranges; its traffic is exactly: the permutation and 4 step uniforms uploaded,
// one submit + one awaited readback per range, one for validation and one for the epoch-end weights.
import { afterAll, describe, expect, it } from 'vitest';
import { testGpu } from '../../tests/helpers/gpu';
import { nodePlatform } from '../cli/node-platform';
import { stepStride } from '../gpu/step-uniform';
import { defaultConfig } from '../model/config';
import { LabEngine } from './lab-engine';

const engine = new LabEngine({ ...nodePlatform(), acquireGpu: async () => ({ ok: true, gpu: await testGpu() }) });
afterAll(() => engine.destroy());

const quiet = { metric: () => {}, progress: () => {}, status: () => {} };

describe('the performance report', () => {
  it('is null before a run, then gives the step by dispatch and the traffic of the last epoch', async () => {
    await engine.init();
    await engine.loadBuiltin('fashion-mnist');
    expect(await engine.profile()).toBeNull();
    // The performance report is the GPU's: pinned to WebGPU (auto may pick WebAssembly on SwiftShader).
    await engine.train({ ...defaultConfig, model: 'mlp', epochs: 2, limit: 1024, backend: 'webgpu' }, quiet, false);
    const r = (await engine.profile())!;
    expect(r.model).toBe('mlp');
    expect(r.batchSize).toBe(256);
    expect(r.examplesPerSecond).toBeGreaterThan(0);

    // gather, 2 forward products, the loss (rows + reduce), the train accuracy count, dW+db and dX of the
    // output layer, dW+db of the hidden layer, the optimizer.
    expect(r.kernels.map((k) => k.label)).toEqual([
      'train.gather.chunk0', 'layers.1.forward', 'layers.3.forward', 'train.loss.rows', 'train.loss.reduce', 'train.accuracy',
      'layers.3.backward.dW', 'layers.3.backward.dX', 'layers.1.backward.dW', 'optim',
    ]);
    expect(r.dispatchesPerStep).toBe(10);
    // Time per layer path: each layer's forward and backward, the gather, the loss and the optimizer.
    expect(r.layers.map((l) => l.path).sort()).toEqual(['layers.1', 'layers.3', 'optim', 'train.accuracy', 'train.gather', 'train.loss']);
    expect(r.layers.reduce((s, l) => s + l.ms, 0)).toBeCloseTo(r.stepMs!, 9);
    for (const k of r.kernels) expect(Number.isFinite(k.ms) && k.ms >= 0).toBe(true);
    expect(r.stepMs).toBeCloseTo(r.kernels.reduce((s, k) => s + k.ms, 0), 9);
    expect(r.families.reduce((s, f) => s + f.count, 0)).toBe(10);
    expect(r.kernels.filter((k) => k.family === 'matmul').every((k) => k.variant && r.kernelChoices)).toBe(true);
    expect(Object.values(r.kernelChoices)).toEqual(expect.arrayContaining(r.kernels.filter((k) => k.variant).map((k) => k.variant)));

    // Epoch 2: 4 ranges, the validation (10,000 examples in batches of ≤ 4,096: gather, forward ×2,
    // loss ×2, accuracy), the trainer's last good weights, and the engine's checkpoint in memory (DESIGN rule 7).
    const valBatches = Math.ceil(10000 / 4096);
    expect(r.epoch).toEqual({
      submits: 4 + 1 + 1 + 1,
      mapAsyncs: 4 + 1 + 1 + 1,
      bytesUploaded: 1024 * 4 + 4 * stepStride,
      dispatches: 4 * 10 + valBatches * 6,
    });
  });
});
