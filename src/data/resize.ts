// Our one resize: exact area averaging (each output pixel is the coverage-weighted mean of the source
// pixels under it), separable, in float64 with integer rounding at the end — the same bytes in every
// JavaScript engine. Downscaling averages; upscaling repeats pixels and blends at the seams.

/** (H, W, C) bytes → (dh, dw, C) bytes. */
export function resizeArea(src: Uint8Array, sw: number, sh: number, channels: number, dw: number, dh: number): Uint8Array {
  if (sw === dw && sh === dh) return src;
  const wx = weights(sw, dw);
  const wy = weights(sh, dh);
  // Horizontal pass: (sh, dw, C).
  const tmp = new Float64Array(sh * dw * channels);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < dw; x++) {
      const { first, w } = wx[x];
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let k = 0; k < w.length; k++) s += w[k] * src[(y * sw + first + k) * channels + c];
        tmp[(y * dw + x) * channels + c] = s;
      }
    }
  }
  // Vertical pass: (dh, dw, C), rounded and clamped.
  const out = new Uint8Array(dh * dw * channels);
  for (let y = 0; y < dh; y++) {
    const { first, w } = wy[y];
    for (let x = 0; x < dw; x++) {
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let k = 0; k < w.length; k++) s += w[k] * tmp[((first + k) * dw + x) * channels + c];
        out[(y * dw + x) * channels + c] = Math.min(255, Math.max(0, Math.round(s)));
      }
    }
  }
  return out;
}

/** For each output index, the source pixels covering [i·s/d, (i+1)·s/d) and their coverage / span. */
function weights(s: number, d: number): { first: number; w: number[] }[] {
  const span = s / d;
  const out: { first: number; w: number[] }[] = [];
  for (let i = 0; i < d; i++) {
    const a = i * span;
    const b = (i + 1) * span;
    const first = Math.floor(a);
    const last = Math.min(s - 1, Math.ceil(b) - 1);
    const w: number[] = [];
    for (let j = first; j <= last; j++) w.push((Math.min(b, j + 1) - Math.max(a, j)) / span);
    out.push({ first, w });
  }
  return out;
}

/** (H, W, 3) RGB → (H, W) grey with BT.601 weights in integer arithmetic: round(.299R + .587G + .114B). */
export function rgbToGrey(rgb: Uint8Array): Uint8Array {
  const n = rgb.length / 3;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor((299 * rgb[3 * i] + 587 * rgb[3 * i + 1] + 114 * rgb[3 * i + 2] + 500) / 1000);
  return out;
}
