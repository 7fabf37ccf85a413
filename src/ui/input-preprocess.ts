// The user's drawing or image as the dataset's raw features. For 28×28 grey data it is prepared as
// MNIST's digits were (LeCun et al.): the ink's bounding box is scaled, keeping its aspect ratio, to
// fit a 20×20 box (area-averaged, so strokes turn grey at their edges), then placed in the 28×28 frame
// with its centre of mass at the centre. Other image shapes are area-resized to the data's size.

/** Grey values (0–255, ink bright) of a canvas's RGBA pixels: the mean of R, G and B. */
export function greyOf(rgba: ArrayLike<number>, width: number, height: number): Float32Array {
  const g = new Float32Array(width * height);
  for (let p = 0; p < width * height; p++) g[p] = (rgba[p * 4] + rgba[p * 4 + 1] + rgba[p * 4 + 2]) / 3;
  return g;
}

/** Dark ink on a light background (a photo of paper) becomes light ink on black, as MNIST has it. */
export function inkOnBlack(g: Float32Array, width: number, height: number): Float32Array {
  let border = 0;
  let n = 0;
  for (let x = 0; x < width; x++) for (const y of [0, height - 1]) (border += g[y * width + x]), n++;
  for (let y = 0; y < height; y++) for (const x of [0, width - 1]) (border += g[y * width + x]), n++;
  return border / n > 128 ? g.map((v) => 255 - v) : g;
}

/** Area-average resize of a (h × w) plane to (th × tw): each target pixel averages the source it covers. */
export function resizePlane(src: ArrayLike<number>, w: number, h: number, tw: number, th: number): Float32Array {
  const out = new Float32Array(tw * th);
  const sx = w / tw;
  const sy = h / th;
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx++) {
      const x0 = tx * sx, x1 = x0 + sx, y0 = ty * sy, y1 = y0 + sy;
      let sum = 0;
      let area = 0;
      for (let y = Math.floor(y0); y < Math.min(h, Math.ceil(y1)); y++) {
        const fy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.min(w, Math.ceil(x1)); x++) {
          const f = fy * (Math.min(x + 1, x1) - Math.max(x, x0));
          sum += f * src[y * w + x];
          area += f;
        }
      }
      out[ty * tw + tx] = area > 0 ? sum / area : 0;
    }
  }
  return out;
}

/** MNIST-style 28×28 bytes from a grey plane (ink bright); an empty drawing gives zeros. */
export function mnistPreprocess(g: ArrayLike<number>, w: number, h: number, threshold = 8): Uint8Array {
  let [x0, y0, x1, y1] = [w, h, -1, -1];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (g[y * w + x] > threshold) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  const out = new Uint8Array(28 * 28);
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const crop = new Float32Array(bw * bh);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) crop[y * bw + x] = g[(y0 + y) * w + x0 + x];
  const k = 20 / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * k));
  const th = Math.max(1, Math.round(bh * k));
  const small = resizePlane(crop, bw, bh, tw, th);
  // Centre of mass of the fitted digit, placed at (14, 14) of the frame, kept inside it.
  let m = 0, mx = 0, my = 0;
  for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) (m += small[y * tw + x]), (mx += x * small[y * tw + x]), (my += y * small[y * tw + x]);
  const cx = m > 0 ? mx / m : (tw - 1) / 2;
  const cy = m > 0 ? my / m : (th - 1) / 2;
  const ox = Math.min(28 - tw, Math.max(0, Math.round(13.5 - cx)));
  const oy = Math.min(28 - th, Math.max(0, Math.round(13.5 - cy)));
  for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) out[(oy + y) * 28 + ox + x] = Math.min(255, Math.round(small[y * tw + x]));
  return out;
}

/** A canvas's RGBA as the data's raw CHW bytes for `shape` [C, H, W]: MNIST-style for 1×28×28, else resized. */
export function imageToFeatures(rgba: ArrayLike<number>, width: number, height: number, shape: readonly number[], mnistStyle: boolean): Uint8Array {
  const [c, h, w] = shape;
  if (c === 1) {
    const g = inkOnBlack(greyOf(rgba, width, height), width, height);
    if (mnistStyle && h === 28 && w === 28) return mnistPreprocess(g, width, height);
    return Uint8Array.from(resizePlane(g, width, height, w, h), (v) => Math.round(v));
  }
  const out = new Uint8Array(c * h * w);
  for (let ch = 0; ch < c; ch++) {
    const plane = new Float32Array(width * height);
    for (let p = 0; p < width * height; p++) plane[p] = rgba[p * 4 + Math.min(ch, 2)];
    out.set(Uint8Array.from(resizePlane(plane, width, height, w, h), (v) => Math.round(v)), ch * h * w);
  }
  return out;
}
