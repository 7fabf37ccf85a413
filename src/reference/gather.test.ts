// The gather reference against PyTorch's bilinear resize on hand-worked cases (F.interpolate,
// align_corners=False), and its augmentation: crop offsets inside the padded image, flips that mirror,
// zero padding in raw pixels, draws a pure function of (seed, epoch, example index).
import { describe, expect, it } from 'vitest';
import { augmentDraw, augmentKey, formatAugment, gatherBatch, gatherOutShape, parseAugment, resizeBilinear } from './gather';

describe('bilinear resize (PyTorch align_corners=False)', () => {
  it('2×2 → 4×4 matches F.interpolate(scale_factor=2, mode="bilinear")', () => {
    const y = resizeBilinear([1, 2, 3, 4], 1, 2, 2, 4, 4);
    expect([...y]).toEqual([1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]);
  });

  it('4 → 2 averages pairs (source 0.5, 2.5; no antialias); 3 → 1 takes the centre', () => {
    expect([...resizeBilinear([1, 2, 3, 4], 1, 1, 4, 1, 2)]).toEqual([1.5, 3.5]);
    expect([...resizeBilinear([1, 5, 9], 1, 1, 3, 1, 1)]).toEqual([5]);
  });

  it('same size is the identity; channels resize independently', () => {
    const x = Array.from({ length: 2 * 3 * 5 }, (_, i) => i * 1.5);
    expect([...resizeBilinear(x, 2, 3, 5, 3, 5)]).toEqual(x);
    const two = resizeBilinear([1, 2, 3, 4, 10, 20, 30, 40], 2, 2, 2, 4, 4);
    expect([...two.subarray(16)]).toEqual([...resizeBilinear([10, 20, 30, 40], 1, 2, 2, 4, 4)]);
  });
});

describe('gather reference', () => {
  const shape = [2, 5, 6];
  const d = 60;
  const n = 40;
  const raw = Uint8Array.from({ length: n * d }, (_, i) => (i * 53 + 7) & 255);
  const labels = Uint32Array.from({ length: n }, (_, i) => i % 3);
  const split = { x: raw, y: labels };
  const scale = new Float32Array(d).fill(1 / 255);
  const shift = Float32Array.from({ length: d }, (_, j) => -0.5 + j / 1000);

  it('normalises the examples by index, labels beside them', () => {
    const { x, y } = gatherBatch(split, [7, 3], scale, shift, { shape });
    expect([...y]).toEqual([1, 0]);
    expect(x[d + 11]).toBe(Math.fround(Math.fround(raw[3 * d + 11] / 255) + shift[11]));
  });

  it('output shape: channels kept, plane resized; tabular rows refuse a resize', () => {
    expect(gatherOutShape({ shape, resize: [9, 4] })).toEqual([2, 9, 4]);
    expect(() => gatherOutShape({ shape: [10], resize: [2, 2] })).toThrow(/images/);
  });

  it('crops stay inside the padded image; padding is raw zero (normalised to shift)', () => {
    const a = { crop: 3, flip: false };
    const key = augmentKey(5, 2);
    const seen = new Set<string>();
    for (let idx = 0; idx < n; idx++) {
      const { oy, ox, flip } = augmentDraw(key, idx, a);
      expect(flip).toBe(false);
      expect(oy >= 0 && oy <= 6 && ox >= 0 && ox <= 6).toBe(true);
      seen.add(`${oy},${ox}`);
      const { x } = gatherBatch(split, [idx], new Float32Array(d).fill(1), new Float32Array(d), { shape, augment: a }, key);
      for (let c = 0; c < 2; c++) {
        for (let r = 0; r < 5; r++) {
          for (let q = 0; q < 6; q++) {
            const sy = r + oy - 3;
            const sx = q + ox - 3;
            const inside = sy >= 0 && sy < 5 && sx >= 0 && sx < 6;
            expect(x[(c * 5 + r) * 6 + q]).toBe(inside ? raw[idx * d + (c * 5 + sy) * 6 + sx] : 0);
          }
        }
      }
    }
    // 40 draws over 49 offsets: the offsets vary.
    expect(seen.size).toBeGreaterThan(15);
  });

  it('a flipped example is the mirror image of the unflipped one', () => {
    const key = augmentKey(1, 0);
    const a = { crop: 0, flip: true };
    const flips = Array.from({ length: n }, (_, idx) => augmentDraw(key, idx, a).flip);
    expect(flips.some((f) => f) && flips.some((f) => !f)).toBe(true);
    const aug = gatherBatch(split, [...Array(n).keys()], new Float32Array(d).fill(1 / 255), new Float32Array(d), { shape, augment: a }, key).x;
    const unshifted = gatherBatch(split, [...Array(n).keys()], new Float32Array(d).fill(1 / 255), new Float32Array(d), { shape }).x;
    for (let idx = 0; idx < n; idx++) {
      for (let c = 0; c < 2; c++) {
        for (let r = 0; r < 5; r++) {
          for (let q = 0; q < 6; q++) {
            const src = idx * d + (c * 5 + r) * 6 + (flips[idx] ? 5 - q : q);
            expect(aug[idx * d + (c * 5 + r) * 6 + q]).toBe(unshifted[src]);
          }
        }
      }
    }
  });

  it('draws depend on (seed, epoch, example index) only: not on the batch they land in', () => {
    const a = { crop: 4, flip: true };
    const g = { shape, augment: a };
    const k = augmentKey(9, 3);
    const both = gatherBatch(split, [4, 17], scale, shift, g, k).x;
    const alone = gatherBatch(split, [17], scale, shift, g, k).x;
    expect([...both.subarray(d)]).toEqual([...alone]);
    expect([...gatherBatch(split, [4, 17], scale, shift, g, k).x]).toEqual([...both]);
    const draws = (key: number) => Array.from({ length: n }, (_, i) => JSON.stringify(augmentDraw(key, i, a))).join();
    expect(draws(augmentKey(9, 4))).not.toBe(draws(k));
    expect(draws(augmentKey(10, 3))).not.toBe(draws(k));
  });

  it('augment text: crop:N and flip, either alone, round trip; bad parts refused', () => {
    expect(parseAugment('crop:4,flip')).toEqual({ crop: 4, flip: true });
    expect(parseAugment('flip')).toEqual({ crop: 0, flip: true });
    expect(parseAugment(' crop:2 ')).toEqual({ crop: 2, flip: false });
    expect(parseAugment('none')).toBe(null);
    expect(parseAugment('')).toBe(null);
    for (const t of ['crop:4,flip', 'flip', 'crop:1', 'none']) expect(formatAugment(parseAugment(t))).toBe(t);
    expect(() => parseAugment('crop:0')).toThrow(/crop padding 0/);
    expect(() => parseAugment('crop:4,rotate')).toThrow(/"rotate"/);
    expect(() => parseAugment('crop:x')).toThrow(/crop:x/);
  });
});
