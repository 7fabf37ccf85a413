// The area resize: exact averages on integer ratios, the mean kept on any ratio, identity when sizes match.
import { describe, expect, it } from 'vitest';
import { resizeArea, rgbToGrey } from './resize';

describe('resizeArea', () => {
  it('is the identity at the same size', () => {
    const src = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
    expect(resizeArea(src, 2, 2, 3, 2, 2)).toBe(src);
  });

  it('averages 2×2 blocks when halving (per channel)', () => {
    // 4×2 RGB image, halved to 2×1.
    const src = Uint8Array.from([
      0, 100, 200, 10, 100, 200, 20, 0, 0, 40, 0, 0,
      20, 100, 200, 30, 100, 200, 60, 0, 255, 80, 0, 255,
    ]);
    expect(Array.from(resizeArea(src, 4, 2, 3, 2, 1))).toEqual([15, 100, 200, 50, 0, 128]);
  });

  it('repeats pixels when doubling', () => {
    const src = Uint8Array.from([10, 20, 30, 40]);
    expect(Array.from(resizeArea(src, 2, 2, 1, 4, 4))).toEqual([10, 10, 20, 20, 10, 10, 20, 20, 30, 30, 40, 40, 30, 30, 40, 40]);
  });

  it('keeps the mean on a non-integer ratio (28 → 10) within rounding', () => {
    const src = Uint8Array.from({ length: 28 * 28 }, (_, i) => (i * 37) % 256);
    const out = resizeArea(src, 28, 28, 1, 10, 10);
    const mean = (a: Uint8Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean(out) - mean(src))).toBeLessThan(0.5);
  });

  it('makes non-square outputs', () => {
    expect(resizeArea(new Uint8Array(6 * 4).fill(9), 6, 4, 1, 3, 5)).toEqual(new Uint8Array(15).fill(9));
  });
});

describe('rgbToGrey', () => {
  it('uses BT.601 weights, rounded', () => {
    expect(Array.from(rgbToGrey(Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 200, 200])))).toEqual([76, 150, 29, 200]);
  });
});
