// Dropout and the standalone activation on real WebGPU against the CPU reference: the GPU draws the same
// mask as src/reference/dropout.ts (compared element by element), keyed by the step uniform's global step.
import { describe, expect, it } from 'vitest';
import { compareArrays, randomArray, testGpu } from '../../tests/helpers/gpu';
import { dropoutBackward, dropoutForward, dropoutKey, dropoutMask } from '../reference/dropout';
import { ActivationKernel } from './activation';
import { pad4, readFloats } from './buffers';
import { KernelContext } from './context';
import { Dropout } from './dropout';
import { StepUniform } from './step-uniform';
import { activationDerivative, applyActivation } from './zoo-test-util';
import { emptyBuffer, padRows, runDispatches, unpadRows, upload } from './test-util';

describe('dropout vs CPU reference', () => {
  it('training: the same mask bit for bit, forward and backward (relu producer); evaluation copies', async () => {
    const gpu = await testGpu();
    const device = gpu.device;
    const ctx = new KernelContext(device);
    const rows = 67;
    const features = 30;
    const stride = pad4(features);
    const p = 0.3;
    const key = dropoutKey(42, 5);
    const globalStep = 1234;
    const x = applyActivation(randomArray(rows * features, 13), 'relu');
    const dy = randomArray(rows * features, 14);
    const steps = new StepUniform(device, 2, 'test.steps');
    steps.set(1, { step: globalStep, batchStart: 0, slot: 0, lr: 0 });
    steps.flush();
    const buf = {
      x: upload(device, padRows(x, rows, features, stride)),
      y: emptyBuffer(device, rows * stride),
      yEval: emptyBuffer(device, rows * stride),
      dy: upload(device, padRows(dy, rows, features, stride)),
      dx: emptyBuffer(device, rows * stride),
    };
    const b = (k: keyof typeof buf) => ({ buffer: buf[k] });
    const spec = { rows, features, stride, key, p };
    const dropout = new Dropout(ctx);
    await runDispatches(device, [
      await dropout.forward(spec, true, { x: b('x'), y: b('y'), stepBuffer: steps.buffer }, 'test.dropout'),
      await dropout.backward(spec, 'relu', { x: b('x'), dy: b('dy'), dx: b('dx'), stepBuffer: steps.buffer }, 'test.dropout'),
      await dropout.forward(spec, false, { x: b('x'), y: b('yEval'), stepBuffer: steps.buffer }, 'test.dropoutEval'),
    ], 1);
    const mask = dropoutMask(key, globalStep, rows, features, p);
    const y = unpadRows(await readFloats(device, buf.y, 0, rows * stride), rows, features, stride);
    const dropped = mask.reduce((n, m) => n + (m ? 0 : 1), 0);
    expect(dropped).toBeGreaterThan(0.2 * mask.length);
    // Same mask: exactly the reference's zeros (x is never 0 where kept, the relu-ed zeros aside).
    mask.forEach((m, i) => {
      if (x[i] !== 0) expect(y[i] === 0, `element ${i}`).toBe(m === 0);
    });
    const fwd = compareArrays(y, dropoutForward(x, mask, p), 1e-6, 1e-6);
    expect(fwd.ok, `forward max diff ${fwd.maxDiff}`).toBe(true);
    const dxRef = activationDerivative(dropoutBackward(x, dy, mask, p), x, 'relu');
    const bwd = compareArrays(unpadRows(await readFloats(device, buf.dx, 0, rows * stride), rows, features, stride), dxRef, 1e-6, 1e-6);
    expect(bwd.ok, `backward max diff ${bwd.maxDiff}`).toBe(true);
    expect(unpadRows(await readFloats(device, buf.yEval, 0, rows * stride), rows, features, stride)).toEqual(Float32Array.from(x));
  });
});

describe('standalone activation vs CPU reference', () => {
  it.each(['relu', 'sigmoid'] as const)('%s forward (padding stays 0) and backward through a sigmoid producer', async (kind) => {
    const gpu = await testGpu();
    const device = gpu.device;
    const ctx = new KernelContext(device);
    const rows = 13;
    const features = 7;
    const stride = pad4(features);
    const x = applyActivation(randomArray(rows * features, 15, 3), 'sigmoid');
    const dy = randomArray(rows * features, 16);
    const buf = { x: upload(device, padRows(x, rows, features, stride)), y: emptyBuffer(device, rows * stride), dy: upload(device, padRows(dy, rows, features, stride)), dx: emptyBuffer(device, rows * stride) };
    const b = (k: keyof typeof buf) => ({ buffer: buf[k] });
    const act = new ActivationKernel(ctx);
    await runDispatches(device, [
      await act.forward({ rows, features, stride }, kind, { x: b('x'), y: b('y') }, 'test.act'),
      await act.backward({ rows, features, stride }, 'sigmoid', { x: b('x'), dy: b('dy'), dx: b('dx') }, 'test.act'),
    ]);
    const yAll = await readFloats(device, buf.y, 0, rows * stride);
    const y = compareArrays(unpadRows(yAll, rows, features, stride), applyActivation(x, kind), 1e-6, 1e-5);
    expect(y.ok, `forward max diff ${y.maxDiff}`).toBe(true);
    expect(yAll.filter((_, i) => i % stride >= features).every((v) => v === 0)).toBe(true);
    const dx = compareArrays(unpadRows(await readFloats(device, buf.dx, 0, rows * stride), rows, features, stride), activationDerivative(dy, x, 'sigmoid'), 1e-6, 1e-5);
    expect(dx.ok, `backward max diff ${dx.maxDiff}`).toBe(true);
  });
});
