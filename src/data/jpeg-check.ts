// A JPEG checked before jpeg-js sees it, so that what is wrong is said about the file ("the file ends
// inside a segment") rather than in the decoder's words ("marker was not found"): segment structure,
// one frame header of a coding the decoder reads, a scan, and the end marker at the end.

import { DataError, bytesText } from './errors';
import { ImageEndFinder } from './image-end';

/** SOF markers jpeg-js decodes: baseline, extended and progressive Huffman. */
const READABLE_SOF = new Set([0xc0, 0xc1, 0xc2]);

export function checkJpeg(b: Uint8Array): void {
  const end = new ImageEndFinder('jpeg').feed(b);
  if (end === undefined) throw new DataError('the file ends before its end marker (EOI): truncated or damaged');
  if (end < b.length) throw new DataError(`${bytesText(b.length - end)} follow the end marker (EOI) that ends the image`, { offset: end });
  let p = 2;
  let frames = 0;
  let scans = 0;
  while (p + 4 <= b.length && scans === 0) {
    const m = b[p + 1];
    if (m === 0xff) {
      p++;
      continue;
    }
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd8)) {
      p += 2;
      continue;
    }
    const len = (b[p + 2] << 8) | b[p + 3];
    if (len < 2) throw new DataError(`a segment (marker FF ${hex(m)}) has length ${len}`, { offset: p + 2 });
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      frames++;
      if (!READABLE_SOF.has(m)) throw new DataError(`uses a JPEG coding the decoder does not read (frame marker FF ${hex(m)}: lossless, arithmetic or hierarchical)`, { offset: p });
      const comps = b[p + 9];
      if (b[p + 4] !== 8) throw new DataError(`has ${b[p + 4]}-bit samples; the decoder reads 8-bit JPEGs`, { offset: p + 4 });
      if (comps !== 1 && comps !== 3) throw new DataError(`has ${comps} colour components; the decoder reads grey (1) and colour (3)`, { offset: p + 9 });
      if (len !== 8 + 3 * comps) throw new DataError(`its frame header is ${len} bytes, not ${8 + 3 * comps} for ${comps} components`, { offset: p + 2 });
      for (let c = 0; c < comps; c++) {
        const s = b[p + 11 + 3 * c];
        if (s >> 4 < 1 || s >> 4 > 4 || (s & 15) < 1 || (s & 15) > 4) throw new DataError(`component ${c + 1} has sampling factors ${s >> 4}×${s & 15} (1–4 allowed)`, { offset: p + 11 + 3 * c });
      }
    }
    if (m === 0xda) {
      if (frames !== 1) throw new DataError(frames === 0 ? 'a scan comes before any frame header (SOF)' : `has ${frames} frame headers; one is allowed`, { offset: p });
      scans++;
    }
    p += 2 + len;
  }
  if (scans === 0) throw new DataError('holds no image scan (SOS segment)');
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0').toUpperCase();
}
