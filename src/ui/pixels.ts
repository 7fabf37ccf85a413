// Turning tensors into pixels for the views: an example's features (CHW, grey or RGB, bytes or floats),
// weights on a diverging scale (blue < 0 < red, symmetric about 0) and activations on a grey ramp.

/** RGBA pixels of one CHW example: bytes as they are, floats stretched from their min to their max. */
export function examplePixels(x: ArrayLike<number>, shape: readonly number[]): { width: number; height: number; data: Uint8ClampedArray } {
  const [c, h, w] = shape.length === 3 ? shape : [1, 1, shape[0]];
  const bytes = x instanceof Uint8Array;
  let lo = 0;
  let hi = 255;
  if (!bytes) {
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < x.length; i++) {
      lo = Math.min(lo, x[i]);
      hi = Math.max(hi, x[i]);
    }
  }
  const k = hi > lo ? 255 / (hi - lo) : 0;
  const data = new Uint8ClampedArray(w * h * 4);
  for (let p = 0; p < w * h; p++) {
    for (let ch = 0; ch < 3; ch++) data[p * 4 + ch] = (x[(c >= 3 ? ch : 0) * w * h + p] - lo) * k;
    data[p * 4 + 3] = 255;
  }
  return { width: w, height: h, data };
}

/** RGBA of an (h × w) plane of signed values: white at 0, red up to +scale, blue down to −scale. */
export function divergingPixels(v: ArrayLike<number>, offset: number, h: number, w: number, scale: number): Uint8ClampedArray {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let p = 0; p < w * h; p++) {
    const t = Math.max(-1, Math.min(1, v[offset + p] / (scale || 1)));
    const fade = 255 * (1 - Math.abs(t));
    data.set(t >= 0 ? [255, fade, fade, 255] : [fade, fade, 255, 255], p * 4);
  }
  return data;
}

/** RGBA of an (h × w) plane on a grey ramp from the plane's min (black) to its max (white). */
export function greyPixels(v: ArrayLike<number>, offset: number, h: number, w: number): Uint8ClampedArray {
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < w * h; p++) {
    lo = Math.min(lo, v[offset + p]);
    hi = Math.max(hi, v[offset + p]);
  }
  const k = hi > lo ? 255 / (hi - lo) : 0;
  const data = new Uint8ClampedArray(w * h * 4);
  for (let p = 0; p < w * h; p++) {
    const g = (v[offset + p] - lo) * k;
    data.set([g, g, g, 255], p * 4);
  }
  return data;
}

/** Largest |v| of a range: the symmetric scale of a diverging plot. */
export function absMax(v: ArrayLike<number>, from = 0, to = v.length): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

/** Draws tiles (each h × w RGBA) in a grid of `cols` onto a canvas with a 1-pixel gap; CSS scales it up. */
export function drawTiles(canvas: HTMLCanvasElement, tiles: Uint8ClampedArray[], h: number, w: number, cols: number): void {
  const rows = Math.ceil(tiles.length / cols);
  canvas.width = Math.max(1, cols * (w + 1) - 1);
  canvas.height = Math.max(1, rows * (h + 1) - 1);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  tiles.forEach((t, i) => ctx.putImageData(new ImageData(new Uint8ClampedArray(t), w, h), (i % cols) * (w + 1), Math.floor(i / cols) * (h + 1)));
}
