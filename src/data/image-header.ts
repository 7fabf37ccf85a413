// Image type and size from the first bytes of a file, before any decoding: the pixel and byte budgets
// are held against these claims, so a 100,000×100,000 PNG of a few bytes is refused without allocating
// it, and a 4096×4096 16-bit RGBA PNG (128 MiB decoded) is skipped before it is inflated.

export type ImageKind = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp';

export interface ImageHeader {
  kind: ImageKind;
  width: number;
  height: number;
  /** True when the format says the pixels are grey (PNG colour type 0/4, one-component JPEG). */
  grey: boolean;
  /** Bytes per pixel the decoder produces: samples × bytes per sample (16-bit PNG: 2 a sample; palette: 3). */
  bytesPerPixel: number;
  /** PNG only: bit depth, colour type and interlace method from IHDR. */
  png?: { depth: number; colourType: number; interlace: number };
  /** JPEG only: the frame's components and its SOF marker (C0 baseline, C2 progressive, ...). */
  jpeg?: { components: number; sof: number };
}

/** Samples per pixel of each PNG colour type as stored (grey, -, RGB, palette index, grey+alpha, -, RGBA). */
export const PNG_SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** What one image costs once decoded, by its header: width × height × bytes per pixel. */
export function decodedBytes(h: ImageHeader): number {
  return h.width * h.height * h.bytesPerPixel;
}

/**
 * The fewest bytes a file of this header can have: a PNG's filtered rows deflate at most 1032:1; a JPEG
 * codes every 8×8 block of its full-resolution component with at least one bit. A smaller file is lying.
 */
export function minimumFileBytes(h: ImageHeader): number {
  if (h.png) return Math.floor(pngRawBytes(h.width, h.height, h.png) / 1032);
  if (h.jpeg) return Math.floor((Math.ceil(h.width / 8) * Math.ceil(h.height / 8)) / 8);
  return 0;
}

/** Bytes of a PNG's inflated image data: each row is a filter byte plus its packed samples, per Adam7 pass when interlaced. */
export function pngRawBytes(width: number, height: number, p: { depth: number; colourType: number; interlace: number }): number {
  const bitsPerPixel = (PNG_SAMPLES[p.colourType] ?? 1) * p.depth;
  const rows = (w: number, h: number) => (w === 0 || h === 0 ? 0 : h * (1 + Math.ceil((w * bitsPerPixel) / 8)));
  if (p.interlace !== 1) return rows(width, height);
  // Adam7: (x0, y0, dx, dy) of the 7 passes.
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
  return passes.reduce((s, [x0, y0, dx, dy]) => s + rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)), 0);
}

export function imageKind(b: Uint8Array): ImageKind | null {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return 'gif';
  if (b.length >= 26 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
  return null;
}

/** The header's claims, or null when the bytes hold no readable header. */
export function readImageHeader(b: Uint8Array): ImageHeader | null {
  const kind = imageKind(b);
  if (!kind) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const has = (n: number) => b.length >= n;
  switch (kind) {
    case 'png': {
      if (!has(29) || ascii(b, 12, 4) !== 'IHDR') return null;
      const [depth, colourType, interlace] = [b[24], b[25], b[28]];
      const bytesPerPixel = colourType === 3 ? 3 : (PNG_SAMPLES[colourType] ?? 4) * (depth === 16 ? 2 : 1);
      return { kind, width: v.getUint32(16), height: v.getUint32(20), grey: colourType === 0 || colourType === 4, bytesPerPixel, png: { depth, colourType, interlace } };
    }
    case 'jpeg':
      return jpegHeader(b, v);
    case 'webp':
      return webpHeader(b, v);
    case 'gif':
      return has(10) ? { kind, width: v.getUint16(6, true), height: v.getUint16(8, true), grey: false, bytesPerPixel: 4 } : null;
    case 'bmp':
      return { kind, width: Math.abs(v.getInt32(18, true)), height: Math.abs(v.getInt32(22, true)), grey: false, bytesPerPixel: 4 };
    default:
      return kind satisfies never;
  }
}

/** Walks the JPEG segments up to the first SOFn (not DHT C4, JPG C8, DAC CC). */
function jpegHeader(b: Uint8Array, v: DataView): ImageHeader | null {
  let p = 2;
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) return null;
    const m = b[p + 1];
    if (m === 0xff) {
      p++;
      continue;
    }
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd8)) {
      p += 2;
      continue;
    }
    if (m === 0xda || m === 0xd9) return null;
    const len = v.getUint16(p + 2);
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      if (p + 10 > b.length) return null;
      // jpeg-js hands back RGB whatever the component count.
      return { kind: 'jpeg', height: v.getUint16(p + 5), width: v.getUint16(p + 7), grey: b[p + 9] === 1, bytesPerPixel: 3, jpeg: { components: b[p + 9], sof: m } };
    }
    p += 2 + len;
  }
  return null;
}

function webpHeader(b: Uint8Array, v: DataView): ImageHeader | null {
  const chunk = ascii(b, 12, 4);
  const u24 = (o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
  if (chunk === 'VP8X' && b.length >= 30) return { kind: 'webp', width: u24(24) + 1, height: u24(27) + 1, grey: false, bytesPerPixel: 4 };
  if (chunk === 'VP8 ' && b.length >= 30) return { kind: 'webp', width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff, grey: false, bytesPerPixel: 4 };
  if (chunk === 'VP8L' && b.length >= 25 && b[20] === 0x2f) {
    const bits = v.getUint32(21, true);
    return { kind: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, grey: false, bytesPerPixel: 4 };
  }
  return null;
}

function ascii(b: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...b.subarray(at, at + n));
}
