// PNG and JPEG to 8-bit pixels with pure-JS decoders (fast-png, jpeg-js), so the browser and the CLI
// get the same bytes. Other kinds (WebP, GIF, BMP) need a decoder the host supplies (the browser's).
// Each file is checked first (png-check, jpeg-check), and whatever a decoder still throws becomes a
// DataError about the file: no library text reaches the user.

import { decode as decodePng } from 'fast-png';
import { decode as decodeJpeg } from 'jpeg-js';
import { DataError } from './errors';
import { decodedBytes, type ImageHeader, type ImageKind } from './image-header';
import { checkJpeg } from './jpeg-check';
import { checkPng } from './png-check';

/** Decoded pixels, row-major (H, W, channels), channels 1 (grey) or 3 (RGB); alpha is dropped. */
export interface Pixels {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** A host decoder for kinds the pure-JS path lacks: returns RGBA (as ImageData does). */
export type ExternalDecoder = (bytes: Uint8Array, kind: ImageKind) => Promise<{ width: number; height: number; data: Uint8Array | Uint8ClampedArray }>;

export async function decodePixels(bytes: Uint8Array, header: ImageHeader, external?: ExternalDecoder): Promise<Pixels> {
  if (header.kind === 'png') checkPng(bytes, header);
  if (header.kind === 'jpeg') checkJpeg(bytes);
  try {
    return await decodeChecked(bytes, header, external);
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(decoderFailure(header.kind, e));
  }
}

/** A decoder's exception as what is wrong with the file (the decoder's own words stay out of messages). */
function decoderFailure(kind: ImageKind, e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const name = kind.toUpperCase();
  if (e instanceof RangeError || /outside the bounds|out of range/i.test(text)) return `the ${name} data ends early (truncated or damaged)`;
  if (/maxMemoryUsage|maxResolution|allocate/i.test(text)) return `the ${name} needs more memory to decode than its header's size allows (damaged)`;
  if (/marker|SOI|huffman|ACn|DQT|sampling/i.test(text)) return `the ${name}'s compressed data is damaged (the decoder could not read it)`;
  return `the ${name} could not be decoded (its data is damaged or uses a feature the decoder lacks)`;
}

async function decodeChecked(bytes: Uint8Array, header: ImageHeader, external?: ExternalDecoder): Promise<Pixels> {
  if (header.kind === 'png') return pngPixels(bytes);
  if (header.kind === 'jpeg') {
    // jpeg-js's own caps, from the header: it allocates ~4 bytes a pixel a component, plus the output.
    const maxMemoryUsageInMB = Math.ceil((decodedBytes(header) * 6) / 2 ** 20) + 16;
    const img = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: (header.width * header.height) / 1e6 + 1, maxMemoryUsageInMB });
    if (!header.grey) return { width: img.width, height: img.height, channels: 3, data: img.data };
    return { width: img.width, height: img.height, channels: 1, data: pick(img.data, 3, 1) };
  }
  if (!external) throw new DataError(`${header.kind.toUpperCase()} needs the browser's image decoder (the CLI decodes only PNG and JPEG)`);
  const img = await external(bytes, header.kind);
  return { width: img.width, height: img.height, channels: 3, data: pick(img.data, 4, 3) };
}

function pngPixels(bytes: Uint8Array): Pixels {
  const png = decodePng(bytes, { checkCrc: true });
  const { width, height, depth } = png;
  const n = width * height;
  if (png.palette) {
    const idx = depth < 8 ? unpack(png.data as Uint8Array, width, height, depth, false) : (png.data as Uint8Array);
    const out = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) {
      const c = png.palette[idx[i]] ?? [0, 0, 0];
      out[3 * i] = c[0];
      out[3 * i + 1] = c[1];
      out[3 * i + 2] = c[2];
    }
    return { width, height, channels: 3, data: out };
  }
  let data: Uint8Array;
  if (depth === 16) data = Uint8Array.from(png.data as Uint16Array, (v) => v >>> 8);
  else if (depth < 8) data = unpack(png.data as Uint8Array, width, height, depth, true);
  else data = png.data as Uint8Array;
  // Channels 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
  const ch = png.channels;
  if (ch === 1) return { width, height, channels: 1, data };
  if (ch === 2) return { width, height, channels: 1, data: pick(data, 2, 1) };
  return { width, height, channels: 3, data: ch === 3 ? data : pick(data, 4, 3) };
}

/** Unpacks 1/2/4-bit samples (rows padded to bytes); grey samples are scaled to 0–255. */
function unpack(src: Uint8Array, w: number, h: number, depth: number, scale: boolean): Uint8Array {
  const out = new Uint8Array(w * h);
  const rowBytes = Math.ceil((w * depth) / 8);
  const max = (1 << depth) - 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const bit = x * depth;
      const v = (src[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & max;
      out[y * w + x] = scale ? Math.round((v * 255) / max) : v;
    }
  }
  return out;
}

/** Keeps the first `keep` of every `stride` bytes. */
function pick(src: Uint8Array | Uint8ClampedArray, stride: number, keep: number): Uint8Array {
  const n = Math.floor(src.length / stride);
  const out = new Uint8Array(n * keep);
  for (let i = 0; i < n; i++) for (let c = 0; c < keep; c++) out[i * keep + c] = src[i * stride + c];
  return out;
}
