// BatchNorm on real WebGPU against the CPU reference (d2l §8.5): the training forward with batch
// statistics and the running-statistics update, the evaluation forward, and the backward, 1-D and 2-D.
import { describe, expect, it } from 'vitest';
import { compareArrays, randomArray, testGpu } from '../../tests/helpers/gpu';
import { batchNormBackward, batchNormForward } from '../reference/batchnorm';
import type { ActivationKind } from './activation';
import { BatchNorm, runningFloats, statsFloats, type BatchNormSpec } from './batchnorm';
import { pad4, readFloats } from './buffers';
import { KernelContext } from './context';
import { activationDerivative, applyActivation } from './zoo-test-util';
import { emptyBuffer, padRows, runDispatches, unpadRows, upload } from './test-util';

interface Case extends BatchNormSpec {
  activation: ActivationKind;
  inputActivation: ActivationKind;
}

const cases: Case[] = [
  { rows: 37, channels: 10, spatial: 1, eps: 1e-5, momentum: 0.1, activation: 'sigmoid', inputActivation: 'none' },
  { rows: 5, channels: 6, spatial: 24 * 24, eps: 1e-5, momentum: 0.1, activation: 'relu', inputActivation: 'none' },
  { rows: 3, channels: 3, spatial: 7, eps: 1e-3, momentum: 0.2, activation: 'none', inputActivation: 'sigmoid' },
];

describe('BatchNorm vs CPU reference', () => {
  it.each(cases)('C $channels, S $spatial, B $rows: train forward + running update, backward, eval forward', async (c) => {
    const gpu = await testGpu();
    const device = gpu.device;
    const ctx = new KernelContext(device);
    const features = c.channels * c.spatial;
    const stride = pad4(features);
    const x = applyActivation(randomArray(c.rows * features, 7, 3).map((v, i) => v + (i % 5)), c.inputActivation);
    const gamma = randomArray(c.channels, 8, 2);
    const beta = randomArray(c.channels, 9);
    const running = { mean: randomArray(c.channels, 10), var: randomArray(c.channels, 11).map((v) => 1 + Math.abs(v)) };
    const dy = randomArray(c.rows * features, 12);
    const runningInit = new Float32Array(runningFloats(c.channels));
    runningInit.set(running.mean);
    runningInit.set(running.var, pad4(c.channels));
    // γ and β, dγ and dβ: sub-ranges of one buffer each, as in the arenas.
    const params = new Float32Array(128);
    params.set(gamma);
    params.set(beta, 64);
    const buf = {
      x: upload(device, padRows(x, c.rows, features, stride)),
      y: emptyBuffer(device, c.rows * stride),
      yEval: emptyBuffer(device, c.rows * stride),
      params: upload(device, params),
      stats: emptyBuffer(device, statsFloats(c.channels)),
      running: upload(device, runningInit),
      dy: upload(device, padRows(dy, c.rows, features, stride)),
      grads: emptyBuffer(device, 128),
      dx: emptyBuffer(device, c.rows * stride),
    };
    const b = (k: keyof typeof buf) => ({ buffer: buf[k] });
    const sub = (buffer: GPUBuffer, at: number) => ({ buffer, offset: at * 4, size: c.channels * 4 });
    const bn = new BatchNorm(ctx);
    const fwd = { x: b('x'), gamma: sub(buf.params, 0), beta: sub(buf.params, 64), stats: b('stats'), running: b('running') };
    await runDispatches(device, [
      ...(await bn.forward(c, true, c.activation, { ...fwd, y: b('y') }, 'test.bn')),
      ...(await bn.backward(c, c.inputActivation, { x: b('x'), gamma: fwd.gamma, stats: b('stats'), dy: b('dy'), dgamma: sub(buf.grads, 0), dbeta: sub(buf.grads, 64), dx: b('dx') }, 'test.bn')),
    ]);
    const shape = { ...c, batch: c.rows };
    const ref = batchNormForward(x, gamma, beta, running, shape, true);
    const y = compareArrays(unpadRows(await readFloats(device, buf.y, 0, c.rows * stride), c.rows, features, stride), applyActivation(ref.y, c.activation), 1e-5, 1e-4);
    expect(y.ok, `train forward max diff ${y.maxDiff}`).toBe(true);
    const runGot = await readFloats(device, buf.running, 0, runningFloats(c.channels));
    const moved = compareArrays([...runGot.subarray(0, c.channels), ...runGot.subarray(pad4(c.channels), pad4(c.channels) + c.channels)], [...ref.running.mean, ...ref.running.var], 1e-5, 1e-4);
    expect(moved.ok, `running statistics max diff ${moved.maxDiff}`).toBe(true);

    const g = batchNormBackward(x, gamma, dy, ref.cache, shape);
    const grads = await readFloats(device, buf.grads, 0, 128);
    const dg = compareArrays(grads.subarray(0, c.channels), g.dGamma, 1e-4 * Math.sqrt(c.rows * c.spatial), 1e-3);
    const dbeta = compareArrays(grads.subarray(64, 64 + c.channels), g.dBeta, 1e-4 * Math.sqrt(c.rows * c.spatial), 1e-3);
    expect(dg.ok && dbeta.ok, `dγ ${dg.maxDiff}, dβ ${dbeta.maxDiff}`).toBe(true);
    const dx = compareArrays(unpadRows(await readFloats(device, buf.dx, 0, c.rows * stride), c.rows, features, stride), activationDerivative(g.dX, x, c.inputActivation), 1e-4, 1e-3);
    expect(dx.ok, `dX max diff ${dx.maxDiff}`).toBe(true);

    // Evaluation: normalises with the (moved) running statistics and leaves them as they are.
    await runDispatches(device, await bn.forward(c, false, c.activation, { ...fwd, y: b('yEval') }, 'test.bnEval'));
    const evalRef = batchNormForward(x, gamma, beta, ref.running, shape, false);
    const ye = compareArrays(unpadRows(await readFloats(device, buf.yEval, 0, c.rows * stride), c.rows, features, stride), applyActivation(evalRef.y, c.activation), 1e-5, 1e-4);
    expect(ye.ok, `eval forward max diff ${ye.maxDiff}`).toBe(true);
    expect(await readFloats(device, buf.running, 0, runningFloats(c.channels))).toEqual(runGot);
  });
});
