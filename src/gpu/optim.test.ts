// The optimizers on real WebGPU against the CPU reference: several consecutive steps of SGD with
// momentum and of Adam (bias correction from the step uniform's global step), with weight decay.
import { describe, expect, it } from 'vitest';
import { compareArrays, randomArray, testGpu } from '../../tests/helpers/gpu';
import { adamUpdate, momentumUpdate } from '../reference/optim';
import { bufferSource, readFloats } from './buffers';
import { KernelContext } from './context';
import { Optim, type OptimKind } from './optim';
import { StepUniform } from './step-uniform';
import { emptyBuffer, runDispatches, upload } from './test-util';

describe('optimizers vs CPU reference', () => {
  it.each(['momentum', 'adam'] as OptimKind[])('%s: 5 steps from global step 100, weight decay 0.01, 1,000 floats', async (kind) => {
    const gpu = await testGpu();
    const device = gpu.device;
    const ctx = new KernelContext(device);
    const n = 1000;
    const w = randomArray(n, 21);
    const weights = upload(device, w);
    const grads = emptyBuffer(device, n);
    const state = [emptyBuffer(device, n), emptyBuffer(device, n)].slice(0, kind === 'adam' ? 2 : 1);
    const steps = new StepUniform(device, 5, 'test.steps');
    const lrs = [0.05, 0.04, 0.03, 0.02, 0.01];
    lrs.forEach((lr, s) => steps.set(s, { step: 100 + s, batchStart: 0, slot: 0, lr }));
    steps.flush();
    const d = await new Optim(ctx).plan({ count: n, weightDecay: 0.01, kind, momentum: 0.8 }, { weights: { buffer: weights }, grads: { buffer: grads }, stepBuffer: steps.buffer, state: state.map((buffer) => ({ buffer })) }, `test.${kind}`);
    const ref = Float32Array.from(w);
    const s1 = new Float32Array(n);
    const s2 = new Float32Array(n);
    for (let s = 0; s < 5; s++) {
      const g = randomArray(n, 30 + s);
      device.queue.writeBuffer(grads, 0, bufferSource(g));
      await runDispatches(device, [d], s);
      if (kind === 'momentum') momentumUpdate(ref, g, s1, lrs[s], 0.8, 0.01);
      else adamUpdate(ref, g, s1, s2, lrs[s], 100 + s, 0.01);
    }
    const cmp = compareArrays(await readFloats(device, weights, 0, n), ref, 1e-6, 1e-5);
    expect(cmp.ok, `weights max diff ${cmp.maxDiff}`).toBe(true);
    const st = compareArrays(await readFloats(device, state[0], 0, n), s1, 1e-6, 1e-5);
    expect(st.ok, `state max diff ${st.maxDiff}`).toBe(true);
  });
});
