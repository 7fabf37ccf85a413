// The zoo's reference layers (conv, pooling, BatchNorm, dropout) against central finite differences in
// float64 (h = 1e-5, |num − ana| ≤ 1e-6·max(1, |ana|)), plus their forward semantics on small cases.
import { describe, expect, it } from 'vitest';
import { batchNormBackward, batchNormForward, type BatchNormShape } from './batchnorm';
import { conv2dBackward, conv2dForward, convOutSize, type ConvShape } from './conv';
import { dropoutBackward, dropoutForward, dropoutKey, dropoutMask } from './dropout';
import { gradientError, numericGradient, randomVector } from './gradcheck';
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward, maxPoolArgmax, poolOutSize, type PoolShape } from './pool';
import { mixKey, uniform } from './random';

const pass = (num: Float64Array, ana: ArrayLike<number>) => {
  const e = gradientError(num, ana);
  expect(e.ratio, `worst at ${e.index}: numeric ${num[e.index]} vs analytic ${ana[e.index]}`).toBeLessThanOrEqual(1);
};

describe('conv2d reference', () => {
  const cases: ConvShape[] = [
    { batch: 2, inC: 3, h: 7, w: 6, outC: 4, kernel: 3, stride: 1, padding: 1 },
    { batch: 2, inC: 2, h: 9, w: 8, outC: 3, kernel: 3, stride: 2, padding: 0 },
    { batch: 1, inC: 1, h: 6, w: 6, outC: 2, kernel: 5, stride: 1, padding: 2 },
  ];
  it.each(cases)('dX, dW, dB vs finite differences: $inC×$h×$w → $outC@$kernel, stride $stride, pad $padding', (s) => {
    const [oh, ow] = convOutSize(s);
    const x = randomVector(s.batch * s.inC * s.h * s.w, 1);
    const w = randomVector(s.outC * s.inC * s.kernel * s.kernel, 2);
    const bias = randomVector(s.outC, 3);
    const dY = randomVector(s.batch * s.outC * oh * ow, 4);
    const g = conv2dBackward(x, w, dY, s);
    pass(numericGradient((v) => conv2dForward(v, w, bias, s), Float64Array.from(x), dY), g.dX);
    pass(numericGradient((v) => conv2dForward(x, v, bias, s), Float64Array.from(w), dY), g.dW);
    pass(numericGradient((v) => conv2dForward(x, w, v, s), Float64Array.from(bias), dY), g.dB);
  });

  it('forward: a 1×1 kernel with stride 1 is a per-pixel dense layer; padding reads zeros', () => {
    const s: ConvShape = { batch: 1, inC: 2, h: 2, w: 2, outC: 1, kernel: 1, stride: 1, padding: 0 };
    expect([...conv2dForward([1, 2, 3, 4, 10, 20, 30, 40], [1, 0.5], [1], s)]).toEqual([7, 13, 19, 25]);
    const p: ConvShape = { batch: 1, inC: 1, h: 1, w: 1, outC: 1, kernel: 3, stride: 1, padding: 1 };
    expect([...conv2dForward([2], [0, 0, 0, 0, 3, 0, 0, 0, 9], [0], p)]).toEqual([6]);
  });
});

describe('pooling reference', () => {
  const shapes: PoolShape[] = [
    { batch: 2, channels: 3, h: 6, w: 6, kernel: 2, stride: 2 },
    { batch: 1, channels: 2, h: 7, w: 5, kernel: 3, stride: 2 },
  ];
  it.each(shapes)('max and avg: dX vs finite differences, $h×$w, k $kernel, s $stride', (s) => {
    const [oh, ow] = poolOutSize(s);
    const x = randomVector(s.batch * s.channels * s.h * s.w, 21);
    const dY = randomVector(s.batch * s.channels * oh * ow, 22);
    pass(numericGradient((v) => maxPool2dForward(v, s), Float64Array.from(x), dY), maxPool2dBackward(x, dY, s));
    pass(numericGradient((v) => avgPool2dForward(v, s), Float64Array.from(x), dY), avgPool2dBackward(x, dY, s));
  });

  it('max pooling ties go to the first maximum in row-major order; floor mode drops the ragged edge', () => {
    const s: PoolShape = { batch: 1, channels: 1, h: 3, w: 3, kernel: 2, stride: 2 };
    const x = [5, 5, 0, 5, 5, 0, 9, 9, 9];
    expect([...maxPoolArgmax(x, s)]).toEqual([0]);
    expect([...maxPool2dBackward(x, [1], s)]).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...avgPool2dForward(x, s)]).toEqual([5]);
  });
});

describe('BatchNorm reference (d2l §8.5)', () => {
  const shapes: BatchNormShape[] = [
    { batch: 4, channels: 3, spatial: 1, eps: 1e-5, momentum: 0.1 },
    { batch: 3, channels: 2, spatial: 6, eps: 1e-5, momentum: 0.1 },
  ];
  it.each(shapes)('training: dX, dγ, dβ vs finite differences (C $channels, S $spatial)', (s) => {
    const n = s.batch * s.channels * s.spatial;
    const x = randomVector(n, 31, 2);
    const gamma = randomVector(s.channels, 32);
    const beta = randomVector(s.channels, 33);
    const running = { mean: new Float64Array(s.channels), var: new Float64Array(s.channels).fill(1) };
    const dY = randomVector(n, 34);
    const f = (xv: ArrayLike<number>, g: ArrayLike<number>, b: ArrayLike<number>) => batchNormForward(xv, g, b, running, s, true).y;
    const { cache } = batchNormForward(x, gamma, beta, running, s, true);
    const g = batchNormBackward(x, gamma, dY, cache, s);
    pass(numericGradient((v) => f(v, gamma, beta), Float64Array.from(x), dY), g.dX);
    pass(numericGradient((v) => f(x, v, beta), Float64Array.from(gamma), dY), g.dGamma);
    pass(numericGradient((v) => f(x, gamma, v), Float64Array.from(beta), dY), g.dBeta);
  });

  it('training moves the running statistics by the d2l formula; evaluation uses and keeps them', () => {
    const s: BatchNormShape = { batch: 2, channels: 1, spatial: 2, eps: 1e-5, momentum: 0.1 };
    const x = [1, 3, 5, 7]; // mean 4, biased variance 5
    const running = { mean: [2], var: [3] };
    const t = batchNormForward(x, [1], [0], running, s, true);
    expect(t.running.mean[0]).toBeCloseTo(0.9 * 2 + 0.1 * 4, 12);
    expect(t.running.var[0]).toBeCloseTo(0.9 * 3 + 0.1 * 5, 12);
    expect(t.y[0]).toBeCloseTo(-3 / Math.sqrt(5 + 1e-5), 12);
    const e = batchNormForward(x, [2], [1], running, s, false);
    expect([...e.running.mean, ...e.running.var]).toEqual([2, 3]);
    expect(e.y[0]).toBeCloseTo((2 * (1 - 2)) / Math.sqrt(3 + 1e-5) + 1, 12);
  });
});

describe('dropout reference', () => {
  it('dX vs finite differences for a fixed mask', () => {
    const mask = dropoutMask(dropoutKey(7, 3), 11, 4, 5, 0.3);
    const x = randomVector(20, 41);
    const dY = randomVector(20, 42);
    pass(numericGradient((v) => dropoutForward(v, mask, 0.3), Float64Array.from(x), dY), dropoutBackward(x, dY, mask, 0.3));
  });

  it('masks are keyed by seed, layer and step, keep about 1 − p, and p = 0 keeps everything', () => {
    const a = dropoutMask(dropoutKey(1, 2), 5, 100, 100, 0.25);
    const kept = a.reduce((s, v) => s + v, 0) / a.length;
    expect(kept).toBeGreaterThan(0.73);
    expect(kept).toBeLessThan(0.77);
    expect(dropoutMask(dropoutKey(1, 2), 5, 100, 100, 0.25)).toEqual(a);
    expect(dropoutMask(dropoutKey(1, 2), 6, 100, 100, 0.25)).not.toEqual(a);
    expect(dropoutMask(dropoutKey(2, 2), 5, 100, 100, 0.25)).not.toEqual(a);
    expect(dropoutMask(dropoutKey(1, 3), 5, 100, 100, 0.25)).not.toEqual(a);
    expect(dropoutMask(dropoutKey(1, 2), 5, 10, 10, 0).every((v) => v === 1)).toBe(true);
    // Element (b, j) is drawn at counter b·D + j of the step's key.
    const key = dropoutKey(1, 2);
    expect(a[3 * 100 + 7]).toBe(uniform(mixKey(key, 5), 307) >= Math.fround(0.25) ? 1 : 0);
  });
});
