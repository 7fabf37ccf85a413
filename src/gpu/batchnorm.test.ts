// BatchNorm on real WebGPU against the CPU reference (d2l §8.5): the training forward with batch
// statistics and the running-statistics update, the evaluation forward, and the backward, 1-D and 2-D;
// odd channel counts, planes that are not a multiple of 4 floats, padded rows (poisoned before, 0 after),
// more examples than a workgroup has invocations, a mean far from 0 (the one-pass variance's shift).
import { describe, expect, it } from 'vitest';
import { compareArrays, randomArray, testGpu } from '../../tests/helpers/gpu';
import { batchNormBackward, batchNormForward } from '../reference/batchnorm';
import type { ActivationKind } from './activation';
import { BatchNorm, runningFloats, statsFloats, type BatchNormSpec } from './batchnorm';
import { bufferSource, pad4, readFloats } from './buffers';
import { KernelContext } from './context';
import { activationDerivative, applyActivation } from './zoo-test-util';
import { emptyBuffer, padRows, runDispatches, unpadRows, upload } from './test-util';

interface Case extends BatchNormSpec {
  activation: ActivationKind;
  inputActivation: ActivationKind;
  /** Added to every input value (a mean far from 0 tests the variance's cancellation). */
  offset?: number;
}

const cases: Case[] = [
  { rows: 37, channels: 10, spatial: 1, eps: 1e-5, momentum: 0.1, activation: 'sigmoid', inputActivation: 'none' },
  { rows: 5, channels: 6, spatial: 24 * 24, eps: 1e-5, momentum: 0.1, activation: 'relu', inputActivation: 'none' },
  { rows: 3, channels: 3, spatial: 7, eps: 1e-3, momentum: 0.2, activation: 'none', inputActivation: 'sigmoid' },
  { rows: 70, channels: 5, spatial: 7 * 7, eps: 1e-5, momentum: 0.1, activation: 'relu', inputActivation: 'relu' },
  { rows: 9, channels: 7, spatial: 13, eps: 1e-5, momentum: 0.1, activation: 'none', inputActivation: 'none', offset: 100 },
  { rows: 66, channels: 3, spatial: 1, eps: 1e-5, momentum: 0.1, activation: 'relu', inputActivation: 'none', offset: -30 },
];

/** Every float NaN-free but wrong (7): the kernels must overwrite values and padding alike. */
const poison = (n: number) => new Float32Array(n).fill(7);
/** The padding columns of each row, flattened. */
function padding(v: Float32Array, rows: number, features: number, stride: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) out.push(...v.subarray(r * stride + features, (r + 1) * stride));
  return out;
}
const zeros = (rows: number, features: number, stride: number) => new Array(rows * (stride - features)).fill(0);

describe('BatchNorm vs CPU reference', () => {
  it.each(cases)('C $channels, S $spatial, B $rows: train forward + running update, backward, eval forward', async (c) => {
    const gpu = await testGpu();
    const device = gpu.device;
    const ctx = new KernelContext(device);
    const features = c.channels * c.spatial;
    const stride = pad4(features);
    const x = applyActivation(randomArray(c.rows * features, 7, 3).map((v, i) => v + (i % 5) + (c.offset ?? 0)), c.inputActivation);
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
      y: upload(device, poison(c.rows * stride)),
      yEval: upload(device, poison(c.rows * stride)),
      params: upload(device, params),
      stats: emptyBuffer(device, statsFloats(c.channels)),
      running: upload(device, runningInit),
      dy: upload(device, padRows(dy, c.rows, features, stride)),
      grads: emptyBuffer(device, 128),
      dx: upload(device, poison(c.rows * stride)),
    };
    const b = (k: keyof typeof buf) => ({ buffer: buf[k] });
    const sub = (buffer: GPUBuffer, at: number) => ({ buffer, offset: at * 4, size: c.channels * 4 });
    const bn = new BatchNorm(ctx);
    const fwd = { x: b('x'), gamma: sub(buf.params, 0), beta: sub(buf.params, 64), stats: b('stats'), running: b('running') };
    const train = [
      ...(await bn.forward(c, true, c.activation, { ...fwd, y: b('y') }, 'test.bn')),
      ...(await bn.backward(c, c.inputActivation, { x: b('x'), gamma: fwd.gamma, stats: b('stats'), dy: b('dy'), dgamma: sub(buf.grads, 0), dbeta: sub(buf.grads, 64), dx: b('dx') }, 'test.bn')),
    ];
    await runDispatches(device, train);
    const shape = { ...c, batch: c.rows };
    const ref = batchNormForward(x, gamma, beta, running, shape, true);
    const yGot = await readFloats(device, buf.y, 0, c.rows * stride);
    const y = compareArrays(unpadRows(yGot, c.rows, features, stride), applyActivation(ref.y, c.activation), 1e-5, 1e-4);
    expect(y.ok, `train forward max diff ${y.maxDiff}`).toBe(true);
    // The saved batch statistics (one-pass shifted sums) against the f64 two-pass reference: the mean to
    // f32 rounding of its magnitude, 1/√(σ² + ε) to 1e-4 relative (σ² loses ~log2(N) bits in the sums).
    const saved = await readFloats(device, buf.stats, 0, statsFloats(c.channels));
    const mean = compareArrays(saved.subarray(0, c.channels), ref.cache.mean, 1e-6, 1e-6);
    const invStd = compareArrays(saved.subarray(c.channels, 2 * c.channels), ref.cache.invStd, 1e-6, 1e-4);
    expect(mean.ok && invStd.ok, `mean ${mean.maxDiff}, 1/std ${invStd.maxDiff}`).toBe(true);
    const runGot = await readFloats(device, buf.running, 0, runningFloats(c.channels));
    const moved = compareArrays([...runGot.subarray(0, c.channels), ...runGot.subarray(pad4(c.channels), pad4(c.channels) + c.channels)], [...ref.running.mean, ...ref.running.var], 1e-5, 1e-4);
    expect(moved.ok, `running statistics max diff ${moved.maxDiff}`).toBe(true);

    const g = batchNormBackward(x, gamma, dy, ref.cache, shape);
    const grads = await readFloats(device, buf.grads, 0, 128);
    const dg = compareArrays(grads.subarray(0, c.channels), g.dGamma, 1e-4 * Math.sqrt(c.rows * c.spatial), 1e-3);
    const dbeta = compareArrays(grads.subarray(64, 64 + c.channels), g.dBeta, 1e-4 * Math.sqrt(c.rows * c.spatial), 1e-3);
    expect(dg.ok && dbeta.ok, `dγ ${dg.maxDiff}, dβ ${dbeta.maxDiff}`).toBe(true);
    const dxGot = await readFloats(device, buf.dx, 0, c.rows * stride);
    const dx = compareArrays(unpadRows(dxGot, c.rows, features, stride), activationDerivative(g.dX, x, c.inputActivation), 1e-4, 1e-3);
    expect(dx.ok, `dX max diff ${dx.maxDiff}`).toBe(true);
    expect(padding(yGot, c.rows, features, stride), 'y padding').toEqual(zeros(c.rows, features, stride));
    expect(padding(dxGot, c.rows, features, stride), 'dX padding').toEqual(zeros(c.rows, features, stride));

    // A rerun on the same input gives the same bits (fixed-order sums); it moves the running statistics again.
    await runDispatches(device, train);
    expect(await readFloats(device, buf.y, 0, c.rows * stride)).toEqual(yGot);
    expect(await readFloats(device, buf.stats, 0, statsFloats(c.channels))).toEqual(saved);
    expect(await readFloats(device, buf.grads, 0, 128)).toEqual(grads);
    expect(await readFloats(device, buf.dx, 0, c.rows * stride)).toEqual(dxGot);
    device.queue.writeBuffer(buf.running, 0, bufferSource(runGot));

    // A first layer's backward (no dX: its own totals entry) gives the same dγ, dβ bits.
    const gradsOnly = emptyBuffer(device, 128);
    await runDispatches(device, await bn.backward(c, c.inputActivation, { x: b('x'), gamma: fwd.gamma, stats: b('stats'), dy: b('dy'), dgamma: sub(gradsOnly, 0), dbeta: sub(gradsOnly, 64) }, 'test.bnFirst'));
    expect(await readFloats(device, gradsOnly, 0, 128)).toEqual(grads);

    // Evaluation: normalises with the (moved) running statistics and leaves them as they are.
    await runDispatches(device, await bn.forward(c, false, c.activation, { ...fwd, y: b('yEval') }, 'test.bnEval'));
    const evalRef = batchNormForward(x, gamma, beta, ref.running, shape, false);
    const yeGot = await readFloats(device, buf.yEval, 0, c.rows * stride);
    const ye = compareArrays(unpadRows(yeGot, c.rows, features, stride), applyActivation(evalRef.y, c.activation), 1e-5, 1e-4);
    expect(padding(yeGot, c.rows, features, stride), 'eval y padding').toEqual(zeros(c.rows, features, stride));
    expect(ye.ok, `eval forward max diff ${ye.maxDiff}`).toBe(true);
    expect(await readFloats(device, buf.running, 0, runningFloats(c.channels))).toEqual(runGot);
  });
});
