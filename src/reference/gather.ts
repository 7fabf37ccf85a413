// CPU reference of the batch gather (shaders/gather.wgsl): the examples of a batch, by index, normalised
// (x·scale + shift), optionally augmented and resized — what the network sees, computed per batch so no
// resized or augmented dataset is ever materialised.
//   1. augment (training only; torchvision's order): RandomCrop(padding p) on the RAW image padded with
//      zero pixels (raw 0, as torchvision pads the uint8 image), then RandomHorizontalFlip:
//      a[c, y, x] = raw[c, y + oy − p, x' + ox − p] with x' = W − 1 − x when flipped, raw = 0 outside;
//      (oy, ox) uniform in [0, 2p]², flip with probability ½, drawn from (seed, epoch, example index)
//   2. normalise at the source resolution: n[j] = f32(f32(a[j]·scale[j]) + shift[j]) (the padding's raw
//      zeros become shift[j], as Normalize after ToTensor makes them)
//   3. resize to (outH, outW) by PyTorch's F.interpolate(mode='bilinear', align_corners=False, antialias
//      off): source coordinate (o + ½)·(in/out) − ½, clamped below at 0; taps ⌊·⌋ and ⌊·⌋ + 1 (clamped
//      to the edge), weighted by the fractional part; per channel, NCHW
import { mixKey, randomU32, streamKey, Stream } from './random';

/** Random crop with `crop` pixels of zero padding each side (0 = none) and/or a horizontal flip. */
export interface Augment {
  crop: number;
  flip: boolean;
}

/** The largest crop padding accepted. */
export const maxCropPadding = 64;

/** What a gather produces from a split whose examples have `shape` ([C, H, W], or [D] for tabular rows). */
export interface GatherShape {
  shape: readonly number[];
  /** Output plane (outH, outW); omitted or null = the source's. Images only. */
  resize?: readonly [number, number] | null;
  /** Training batches only; omitted or null = none. Images only. */
  augment?: Augment | null;
}

/** The per-example output shape: [C, outH, outW] (or the source shape without a resize). */
export function gatherOutShape(g: GatherShape): number[] {
  if (!g.resize) return [...g.shape];
  if (g.shape.length !== 3) throw new Error(`resize needs images (C, H, W), not shape [${g.shape.join(', ')}]`);
  const [oh, ow] = g.resize;
  if (!Number.isInteger(oh) || !Number.isInteger(ow) || oh < 1 || ow < 1) throw new Error(`resize to ${oh}×${ow}: sizes must be whole numbers ≥ 1`);
  return [g.shape[0], oh, ow];
}

/** `crop:4,flip`, `crop:4`, `flip`; `none` or empty = no augmentation (null). */
export function parseAugment(text: string): Augment | null {
  const t = text.trim();
  if (t === '' || t === 'none') return null;
  const out: Augment = { crop: 0, flip: false };
  for (const part of t.split(',').map((s) => s.trim())) {
    const crop = /^crop:(\d+)$/.exec(part);
    if (crop) {
      const p = Number(crop[1]);
      if (p < 1 || p > maxCropPadding) throw new Error(`augment "${text}": crop padding ${p} must be 1 to ${maxCropPadding}`);
      out.crop = p;
    } else if (part === 'flip') {
      out.flip = true;
    } else {
      throw new Error(`augment "${text}": "${part}" is not crop:N or flip`);
    }
  }
  return out;
}

/** The canonical text of an augmentation (`crop:4,flip`, `flip`, `none`), which parseAugment reads back. */
export function formatAugment(a: Augment | null | undefined): string {
  if (!a || (a.crop === 0 && !a.flip)) return 'none';
  return [a.crop > 0 ? `crop:${a.crop}` : '', a.flip ? 'flip' : ''].filter(Boolean).join(',');
}

/** The key of an epoch's augmentation draws: streamKey(seed, Stream.augment, epoch). */
export function augmentKey(seed: number, epoch: number): number {
  return streamKey(seed, Stream.augment, epoch);
}

/** An example's crop offsets (each in [0, 2p]) and flip, a pure function of (epoch key, example index). */
export function augmentDraw(key: number, index: number, a: Augment): { oy: number; ox: number; flip: boolean } {
  const k = mixKey(key, index);
  const n = 2 * a.crop + 1;
  // ⌊(r >> 16)·n / 2^16⌋: exact in u32 on the GPU for n ≤ 2^16 (no 64-bit product needed).
  const offset = (counter: number) => Math.floor(((randomU32(k, counter) >>> 16) * n) / 65536);
  return { oy: offset(0), ox: offset(1), flip: a.flip && randomU32(k, 2) >>> 31 === 1 };
}

/** The batch of examples `indices` of a split: (rows, prod(out shape)) floats and their labels. */
export function gatherBatch(
  split: { x: ArrayLike<number>; y: ArrayLike<number> },
  indices: ArrayLike<number>,
  scale: ArrayLike<number>,
  shift: ArrayLike<number>,
  g: GatherShape,
  /** augmentKey(seed, epoch), used when g.augment is set. */
  key = 0,
): { x: Float64Array; y: Uint32Array } {
  const d = g.shape.reduce((a, b) => a * b, 1);
  const outD = gatherOutShape(g).reduce((a, b) => a * b, 1);
  const rows = indices.length;
  const x = new Float64Array(rows * outD);
  const y = new Uint32Array(rows);
  const augment = g.augment && (g.augment.crop > 0 || g.augment.flip) ? g.augment : null;
  if ((augment || g.resize) && g.shape.length !== 3) throw new Error(`augment and resize need images (C, H, W), not shape [${g.shape.join(', ')}]`);
  const src = new Float64Array(d);
  for (let b = 0; b < rows; b++) {
    const idx = indices[b];
    y[b] = split.y[idx];
    if (augment) {
      augmentImage(split.x, idx * d, g.shape, augment, augmentDraw(key, idx, augment), src);
    } else {
      for (let j = 0; j < d; j++) src[j] = split.x[idx * d + j];
    }
    for (let j = 0; j < d; j++) src[j] = Math.fround(Math.fround(src[j] * scale[j]) + shift[j]);
    const out = x.subarray(b * outD, (b + 1) * outD);
    if (g.resize) resizeBilinear(src, g.shape[0], g.shape[1], g.shape[2], g.resize[0], g.resize[1], out);
    else out.set(src);
  }
  return { x, y };
}

// a[c, y, x] = raw[c, y + oy − p, x' + ox − p] (x' = W − 1 − x when flipped), 0 outside the raw image
function augmentImage(raw: ArrayLike<number>, base: number, shape: readonly number[], a: Augment, draw: { oy: number; ox: number; flip: boolean }, out: Float64Array): void {
  const [c, h, w] = shape;
  for (let ch = 0; ch < c; ch++) {
    for (let yy = 0; yy < h; yy++) {
      for (let xx = 0; xx < w; xx++) {
        const sy = yy + draw.oy - a.crop;
        const sx = (draw.flip ? w - 1 - xx : xx) + draw.ox - a.crop;
        const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
        out[(ch * h + yy) * w + xx] = inside ? raw[base + (ch * h + sy) * w + sx] : 0;
      }
    }
  }
}

// x: (C, H, W) → out: (C, OH, OW), PyTorch's bilinear with align_corners=False and no antialias
export function resizeBilinear(x: ArrayLike<number>, c: number, h: number, w: number, oh: number, ow: number, out: Float64Array = new Float64Array(c * oh * ow)): Float64Array {
  const ys = Array.from({ length: oh }, (_, i) => sourceTaps(i, h, oh));
  const xs = Array.from({ length: ow }, (_, j) => sourceTaps(j, w, ow));
  for (let ch = 0; ch < c; ch++) {
    const plane = ch * h * w;
    for (let i = 0; i < oh; i++) {
      const ty = ys[i];
      for (let j = 0; j < ow; j++) {
        const tx = xs[j];
        const top = (1 - tx.l) * x[plane + ty.i0 * w + tx.i0] + tx.l * x[plane + ty.i0 * w + tx.i1];
        const bottom = (1 - tx.l) * x[plane + ty.i1 * w + tx.i0] + tx.l * x[plane + ty.i1 * w + tx.i1];
        out[(ch * oh + i) * ow + j] = (1 - ty.l) * top + ty.l * bottom;
      }
    }
  }
  return out;
}

/** Output index o of `out` along an axis of `size` inputs: taps i0, i1 and the weight l of i1. */
function sourceTaps(o: number, size: number, out: number): { i0: number; i1: number; l: number } {
  const s = Math.max(0, (o + 0.5) * (size / out) - 0.5);
  const i0 = Math.min(Math.floor(s), size - 1);
  return { i0, i1: Math.min(i0 + 1, size - 1), l: s - i0 };
}
