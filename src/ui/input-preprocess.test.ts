// The drawing's preprocessing: MNIST's crop → fit 20×20 → centre of mass at the frame's centre, the
// inversion of dark-on-light images, and the area-average resize.
import { describe, expect, it } from 'vitest';
import { imageToFeatures, inkOnBlack, mnistPreprocess, resizePlane } from './input-preprocess';

function box(out: Uint8Array) {
  let [x0, y0, x1, y1] = [28, 28, -1, -1];
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) if (out[y * 28 + x] > 0) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  return { x0, y0, x1, y1 };
}

describe('MNIST-style preprocessing', () => {
  it('a 100 × 200 bar anywhere on the canvas becomes a 10 × 20 bar centred in 28 × 28', () => {
    const w = 280;
    const g = new Float32Array(w * w);
    for (let y = 30; y < 230; y++) for (let x = 150; x < 250; x++) g[y * w + x] = 255;
    const out = mnistPreprocess(g, w, w);
    expect(box(out)).toEqual({ x0: 9, y0: 4, x1: 18, y1: 23 });
    expect(out[14 * 28 + 14]).toBe(255);
  });

  it('an off-centre blob is moved so that its centre of mass sits at the centre', () => {
    const w = 100;
    const g = new Float32Array(w * w);
    // An L shape: heavier at the bottom, so the digit is placed higher than its box's centre.
    for (let y = 0; y < 40; y++) for (let x = 0; x < 4; x++) g[y * w + x] = 255;
    for (let y = 36; y < 40; y++) for (let x = 0; x < 40; x++) g[y * w + x] = 255;
    const out = mnistPreprocess(g, w, w);
    let m = 0, mx = 0, my = 0;
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) (m += out[y * 28 + x]), (mx += x * out[y * 28 + x]), (my += y * out[y * 28 + x]);
    expect(Math.abs(mx / m - 13.5)).toBeLessThanOrEqual(0.6);
    expect(Math.abs(my / m - 13.5)).toBeLessThanOrEqual(0.6);
  });

  it('an empty canvas gives zeros; dark ink on white is inverted first', () => {
    expect(mnistPreprocess(new Float32Array(400), 20, 20).every((v) => v === 0)).toBe(true);
    const paper = new Float32Array(100).fill(250);
    paper[55] = 0;
    const ink = inkOnBlack(paper, 10, 10);
    expect(ink[55]).toBe(255);
    expect(ink[0]).toBe(5);
    const rgba = new Uint8ClampedArray(10 * 10 * 4).fill(255);
    rgba.set([0, 0, 0, 255], 55 * 4);
    const f = imageToFeatures(rgba, 10, 10, [1, 28, 28], true);
    expect(box(f)).toEqual({ x0: 4, y0: 4, x1: 23, y1: 23 });
  });

  it('the area-average resize averages what each target pixel covers', () => {
    expect(Array.from(resizePlane([1, 3, 5, 7, 1, 3, 5, 7, 0, 0, 8, 8, 0, 0, 8, 8], 4, 4, 2, 2))).toEqual([2, 6, 0, 8]);
    expect(Array.from(imageToFeatures(new Uint8ClampedArray(4 * 4 * 4).fill(200), 4, 4, [3, 2, 2], false))).toEqual(new Array(12).fill(200));
  });
});
