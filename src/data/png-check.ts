// A PNG checked before the decoder sees it, so that every way it can be wrong is said in words about the
// file (fast-png's own are "Unsupported filter: undefined", "Offset is outside the bounds of the DataView",
// "Error while decompressing the data:"): chunk structure and CRCs, IHDR's fields, and the image data
// inflated with a meter that stops one chunk past the size the header implies (rows × (1 + row bytes)),
// so an 8×8 PNG whose IDAT inflates to 64 MiB costs about 1 MiB (its first push), not 64.

import { Unzlib } from 'fflate';
import { ByteBudget } from './budget';
import { crc32 } from './crc32';
import { DataError, bytesText } from './errors';
import { PNG_SAMPLES, pngRawBytes, type ImageHeader } from './image-header';
import { deflateFailure, meteredInflate } from './inflate';

/** Bit depths each colour type allows (PNG spec, table 11.1). */
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/** Throws a DataError (what is wrong, and at which byte) unless `b` is a PNG the decoder can read as its header says. */
export function checkPng(b: Uint8Array, header: ImageHeader, work = new ByteBudget(Infinity)): void {
  const fail = (why: string, at: number): never => {
    throw new DataError(why, { offset: at });
  };
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const idat: Uint8Array[] = [];
  let pos = 8;
  let seenPlte = false;
  let idatEnded = false;
  for (let index = 0; ; index++) {
    if (pos + 12 > b.length) fail(`the file ends inside a chunk header (truncated; no IEND chunk)`, pos);
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...b.subarray(pos + 4, pos + 8));
    if (len > 0x7fffffff || pos + 12 + len > b.length) fail(`chunk "${printable(type)}" claims ${len} bytes, past the end of the file (truncated)`, pos);
    if (!/^[A-Za-z]{4}$/.test(type)) fail(`a chunk has the type ${JSON.stringify(type)}, not four letters: the chunk structure is damaged`, pos + 4);
    const data = b.subarray(pos + 8, pos + 8 + len);
    const stored = view.getUint32(pos + 8 + len);
    if (crc32(b.subarray(pos + 4, pos + 8 + len)) !== stored) fail(`chunk "${type}" fails its CRC check (damaged)`, pos + 8 + len);
    if (index === 0 && type !== 'IHDR') fail(`the first chunk is "${type}", not IHDR`, pos);
    if (type === 'IHDR') {
      if (index !== 0 || len !== 13) fail('IHDR must be the first chunk and 13 bytes long', pos);
      checkIhdr(data, pos + 8, header, fail);
    } else if (type === 'PLTE') {
      if (len % 3 !== 0 || len === 0 || len > 768) fail(`the palette holds ${len} bytes, not 1–256 RGB entries`, pos);
      seenPlte = true;
    } else if (type === 'IDAT') {
      if (idatEnded) fail('the image data (IDAT chunks) is split by another chunk', pos);
      idat.push(data);
    } else if (idat.length) idatEnded = true;
    pos += 12 + len;
    if (type === 'IEND') break;
  }
  if (pos !== b.length) fail(`${bytesText(b.length - pos)} follow the IEND chunk that ends the image`, pos);
  const p = header.png!;
  if (p.colourType === 3 && !seenPlte) fail('a palette image without its palette (PLTE chunk)', 8);
  if (idat.length === 0) fail('no image data (IDAT chunk)', 8);
  checkImageData(idat, header, work);
}

function checkIhdr(d: Uint8Array, at: number, h: ImageHeader, fail: (why: string, at: number) => never): void {
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const [w, hh, depth, ct, compression, filter, interlace] = [v.getUint32(0), v.getUint32(4), d[8], d[9], d[10], d[11], d[12]];
  if (w === 0 || hh === 0 || w > 0x7fffffff || hh > 0x7fffffff) fail(`IHDR gives a size of ${w}×${hh}`, at);
  if (!DEPTHS[ct]) fail(`IHDR gives colour type ${ct} (PNG has 0, 2, 3, 4 and 6)`, at + 9);
  if (!DEPTHS[ct].includes(depth)) fail(`IHDR gives bit depth ${depth}, which colour type ${ct} does not allow (${DEPTHS[ct].join(', ')})`, at + 8);
  if (compression !== 0 || filter !== 0) fail(`IHDR gives compression method ${compression} and filter method ${filter} (PNG defines only 0)`, at + 10);
  if (interlace > 1) fail(`IHDR gives interlace method ${interlace} (PNG defines 0 and 1)`, at + 12);
  if (w !== h.width || hh !== h.height) fail('IHDR differs from the header read before', at);
}

/** Inflates the IDAT stream, metered at the size the header implies, and checks each row's filter byte. */
function checkImageData(idat: Uint8Array[], h: ImageHeader, work: ByteBudget): void {
  const p = h.png!;
  const expected = pngRawBytes(h.width, h.height, p);
  const all = idat.length === 1 ? idat[0] : concat(idat);
  const what = `an image of ${h.width}×${h.height} needs (rows × (1 + row bytes))`;
  // The size is exact and the pixel budget is held beforehand, so no ratio rule here: a blank image inflates ~1000:1.
  let run: ReturnType<typeof meteredInflate>;
  try {
    run = meteredInflate((ondata) => new Unzlib(ondata), all, { where: 'IDAT', budget: work, claim: expected, ratio: false, watch: (_, m) => m.declare(expected, what) });
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    throw new DataError(`its image data inflates past the ${bytesText(expected)} ${what} (a decompression bomb); stopped there`);
  }
  if (run.failure) throw new DataError(`its image data does not inflate: ${deflateFailure(run.failure.why, 'deflate')}`);
  const out = run.out;
  if (out.length < expected) throw new DataError(`its image data inflates to ${bytesText(out.length)}, short of the ${bytesText(expected)} ${what} (truncated or damaged)`);
  const bitsPerPixel = (PNG_SAMPLES[p.colourType] ?? 1) * p.depth;
  const passes = p.interlace === 1 ? ADAM7 : [[0, 0, 1, 1]];
  let at = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((h.width - x0) / dx);
    const rows = Math.ceil((h.height - y0) / dy);
    if (w === 0 || rows === 0) continue;
    const rowBytes = 1 + Math.ceil((w * bitsPerPixel) / 8);
    for (let r = 0; r < rows; r++, at += rowBytes) {
      if (out[at] > 4) throw new DataError(`row ${r + 1}${passes.length > 1 ? ' of an interlace pass' : ''} has filter type ${out[at]} (PNG defines 0–4): the image data is damaged`);
    }
  }
}

const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, x) => s + x.length, 0));
  let o = 0;
  for (const x of parts) out.set(x, (o += x.length) - x.length);
  return out;
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}
