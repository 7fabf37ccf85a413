import { describe, expect, it } from 'vitest';
import { compareArrays, randomArray, testGpu } from '../../tests/helpers/gpu';
import { sgdUpdate } from '../reference/layers';
import { readFloats } from './buffers';
import { KernelContext } from './context';
import { Optim } from './optim';
import { StepUniform } from './step-uniform';
import { runDispatches, upload } from './test-util';

describe('SGD vs CPU reference', () => {
  it('sgd with weight decay over a 1,000-float arena, lr from the step uniform', async () => {
    const gpu = await testGpu();
    const ctx = new KernelContext(gpu.device);
    const n = 1000;
    const w = randomArray(n, 1);
    const g = randomArray(n, 2);
    const weights = upload(gpu.device, w);
    const steps = new StepUniform(gpu.device, 3, 'test.steps');
    steps.set(2, { step: 7, batchStart: 0, slot: 0, lr: 0.05 });
    steps.flush();
    const d = await new Optim(ctx).plan({ count: n, weightDecay: 0.01 }, { weights: { buffer: weights }, grads: { buffer: upload(gpu.device, g) }, stepBuffer: steps.buffer }, 'test.sgd');
    await runDispatches(gpu.device, [d], 2);
    const ref = Float32Array.from(w);
    sgdUpdate(ref, g, 0.05, 0.01);
    const cmp = compareArrays(await readFloats(gpu.device, weights, 0, n), ref, 1e-7, 1e-6);
    expect(cmp.ok, `max diff ${cmp.maxDiff}`).toBe(true);
  });
});
