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
import { convPassOf } from './perf-tracker';

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

describe('the performance report of a conv net', () => {
  it('splits each conv layer into forward, input gradient and weight gradient, with their GFLOP/s', async () => {
    await engine.train({ ...defaultConfig, model: 'lenet', epochs: 1, limit: 256, backend: 'webgpu' }, quiet, false);
    const r = (await engine.profile())!;
    const batch = r.batchSize;
    const convs = r.layers.filter((l) => l.conv);
    // LeNet's two convs: 1×28×28 → 6 (5×5, pad 2) and 6×14×14 → 16 (5×5).
    const flops = { 'layers.0': 2 * batch * 28 * 28 * 6 * 1 * 25, 'layers.3': 2 * batch * 10 * 10 * 16 * 6 * 25 } as Record<string, number>;
    expect(convs.map((l) => l.path).sort()).toEqual(Object.keys(flops));
    for (const l of convs) {
      const kernels = r.kernels.filter((k) => k.label.startsWith(`${l.path}.`) && k.family === 'conv');
      const of = (pass: 'forward' | 'dX' | 'dW') => kernels.filter((k) => convPassOf(k.label) === pass);
      for (const pass of ['forward', 'dX', 'dW'] as const) {
        const ms = of(pass).reduce((s, k) => s + k.ms, 0);
        expect(l.conv![pass].ms).toBeCloseTo(ms, 9);
        // GFLOP/s over the pass's dispatches together (the bias gradient's sums count with dW).
        if (ms > 0) expect(l.conv![pass].gflops).toBeCloseTo(of(pass).reduce((s, k) => s + k.gflops * k.ms, 0) / ms, 6);
      }
      expect(l.conv!.forward.gflops).toBeCloseTo(flops[l.path] / l.conv!.forward.ms / 1e6, 6);
    }
    // The first conv has no input gradient to compute (its input is the data); the second has one.
    expect(convs.find((l) => l.path === 'layers.0')!.conv!.dX).toEqual({ ms: 0, gflops: 0 });
    expect(convs.find((l) => l.path === 'layers.3')!.conv!.dX.gflops).toBeCloseTo(flops['layers.3'] / convs.find((l) => l.path === 'layers.3')!.conv!.dX.ms / 1e6, 6);
    // Layers without convolutions have no split.
    expect(r.layers.filter((l) => !l.conv).every((l) => !l.path.match(/^layers\.(0|3)$/))).toBe(true);
  }, 600_000); // LeNet's epoch ends with a validation of all 10,000 examples on SwiftShader: ~35 s alone, minutes on a loaded machine
});
