// What the headers of array files (IDX, .npy, gzipped or not) tell before any payload is inflated: their
// pairing by item count and the total they would inflate to, against the load's cap. A pair whose counts
// disagree is refused after reading a few KiB, not after inflating 47 MB of images first. Only headers
// that agree with their file's size (a gzip's ISIZE) are trusted here; the full read reports the others.

import { pairArrays } from './arrays';
import type { ByteBudget } from './budget';
import { gunzipPrefix, isGzip } from './gunzip';
import { idxDeclaredSize } from './idx';
import type { NdArray } from './ndarray';
import { npyDeclaredSize } from './npy';

/** Enough for an IDX header and any .npy header (≤ 64 KiB). */
const HEAD_BYTES = 70 * 1024;

interface Head {
  name: string;
  bytes: Uint8Array;
}

/** Throws what pairing or the cap would throw later, when every file is an array with a readable header; else returns. */
export function preflightArrays(files: Head[], budget: ByteBudget): void {
  let inflated = 0;
  const stubs: NdArray[] = [];
  for (const f of files) {
    const gz = isGzip(f.bytes);
    let head: Uint8Array;
    try {
      head = gz ? gunzipPrefix(f.bytes, HEAD_BYTES) : f.bytes.subarray(0, HEAD_BYTES);
    } catch {
      return; // a damaged stream: the full read says what is wrong
    }
    const d = idxDeclaredSize(head) ?? npyDeclaredSize(head);
    if (d === null || d === 'more' || !Number.isSafeInteger(d.bytes)) return;
    // A header that disagrees with the file's size (or a gzip's ISIZE) is a lie the full read reports exactly.
    const size = gz ? new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength).getUint32(f.bytes.length - 4, true) : f.bytes.length;
    if ((gz ? d.bytes % 2 ** 32 : d.bytes) !== size) return;
    if (gz) inflated += d.bytes;
    stubs.push({ file: f.name, dtype: '', dims: d.dims, data: new Uint8Array(0), dataOffset: 0, itemSize: 1 });
  }
  if (inflated > 0) budget.check(inflated, files.map((f) => f.name).join(' + '), "the sum of the arrays' headers");
  if (stubs.every((s) => s.dims.length > 0)) pairArrays(stubs);
}
