// The pooling references held to finite differences in float64 (|num − ana| ≤ 1e-6·max(1, |ana|)), and
// to PyTorch's semantics on hand-worked cases: padding ignored by max, counted by average (divisor k²).
import { describe, expect, it } from 'vitest';
import { gradientError, numericGradient, randomVector } from './gradcheck';
import {
  avgPool2dBackward, avgPool2dForward, globalAvgPoolBackward, globalAvgPoolForward, maxPool2dBackward, maxPool2dForward,
  maxPoolArgmax, poolOutSize, type GlobalPoolShape, type PoolShape,
} from './pool';

function pass(numeric: Float64Array, analytic: Float64Array): void {
  const e = gradientError(numeric, analytic);
  expect(e.ratio, `worst at ${e.index}: ${numeric[e.index]} vs ${analytic[e.index]}`).toBeLessThanOrEqual(1);
}

describe('pooling reference with padding', () => {
  const shapes: PoolShape[] = [
    { batch: 2, channels: 3, h: 7, w: 5, kernel: 3, stride: 2, padding: 1 },
    { batch: 1, channels: 2, h: 6, w: 7, kernel: 3, stride: 1, padding: 1 },
    { batch: 2, channels: 1, h: 5, w: 5, kernel: 2, stride: 2, padding: 1 },
    { batch: 1, channels: 2, h: 9, w: 8, kernel: 5, stride: 3, padding: 2 },
  ];
  it.each(shapes)('max and avg: dX vs finite differences, $h×$w, k $kernel, s $stride, p $padding', (s) => {
    const [oh, ow] = poolOutSize(s);
    // Distinct values: a max's finite difference is only defined away from ties.
    const x = randomVector(s.batch * s.channels * s.h * s.w, 31);
    const dY = randomVector(s.batch * s.channels * oh * ow, 32);
    pass(numericGradient((v) => maxPool2dForward(v, s), Float64Array.from(x), dY), maxPool2dBackward(x, dY, s));
    pass(numericGradient((v) => avgPool2dForward(v, s), Float64Array.from(x), dY), avgPool2dBackward(x, dY, s));
  });

  it('3×3/2 pad 1 on 3×3: max ignores the padding, average divides by 9', () => {
    const s: PoolShape = { batch: 1, channels: 1, h: 3, w: 3, kernel: 3, stride: 2, padding: 1 };
    expect(poolOutSize(s)).toEqual([2, 2]);
    const x = [-1, -2, -3, -4, -5, -6, -7, -8, -9];
    // Window (i, j) covers rows and columns 2i−1..2i+1 clipped to 0..2: (0, 0) holds x[0, 0..1] and
    // x[1, 0..1]; its max is −1, not the padding's 0.
    expect([...maxPool2dForward(x, s)]).toEqual([-1, -2, -4, -5]);
    expect([...maxPoolArgmax(x, s)]).toEqual([0, 1, 3, 4]);
    expect([...avgPool2dForward(x, s)]).toEqual([(-1 - 2 - 4 - 5) / 9, (-2 - 3 - 5 - 6) / 9, (-4 - 5 - 7 - 8) / 9, (-5 - 6 - 8 - 9) / 9]);
  });

  it('refuses padding past half the kernel', () => {
    expect(() => maxPool2dForward(new Float64Array(16), { batch: 1, channels: 1, h: 4, w: 4, kernel: 3, stride: 1, padding: 2 })).toThrow(/padding 2/);
  });
});

describe('global average pooling reference', () => {
  const shapes: GlobalPoolShape[] = [
    { batch: 2, channels: 3, h: 3, w: 5 },
    { batch: 1, channels: 2, h: 1, w: 1 },
  ];
  it.each(shapes)('dX vs finite differences, $channels×$h×$w', (s) => {
    const x = randomVector(s.batch * s.channels * s.h * s.w, 41);
    const dY = randomVector(s.batch * s.channels, 42);
    pass(numericGradient((v) => globalAvgPoolForward(v, s), Float64Array.from(x), dY), globalAvgPoolBackward(x, dY, s));
  });

  it('is the mean of each channel plane', () => {
    const x = [1, 2, 3, 4, 10, 20, 30, 40];
    expect([...globalAvgPoolForward(x, { batch: 1, channels: 2, h: 2, w: 2 })]).toEqual([2.5, 25]);
    expect([...globalAvgPoolBackward(x, [4, 8], { batch: 1, channels: 2, h: 2, w: 2 })]).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
  });
});
