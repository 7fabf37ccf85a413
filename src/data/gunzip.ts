// gzip as a stream: fflate's streaming Gunzip fed in small slices, every output byte counted against
// the load's budget (DEFLATE reaches ~1000:1), then each member's CRC-32 and ISIZE checked against its
// trailer (fflate checks neither). Truncation, junk after the data and corrupt blocks all fail here.

import { Gunzip } from 'fflate';
import type { ByteBudget } from './budget';
import { crc32Update } from './crc32';
import { DataError } from './errors';
import { ByteSink } from './sink';

/** Input slice: bounds what one push can inflate past the cap (~1032 × this). */
const SLICE = 16 * 1024;

export function isGzip(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 8;
}

export type ByteProgress = (done: number, total: number) => void;

export function gunzip(bytes: Uint8Array, file: string, budget: ByteBudget, progress?: ByteProgress): Uint8Array {
  if (bytes.length < 20) throw new DataError(`truncated gzip: ${bytes.length} bytes cannot hold a header, data and trailer`, { file, offset: bytes.length });
  if (bytes[3] & 0xe0) throw new DataError(`gzip header sets reserved flag bits (0x${bytes[3].toString(16)})`, { file, offset: 3 });
  const members: { start: number; crc: number; size: number }[] = [{ start: 0, crc: 0, size: 0 }];
  // The last member's ISIZE is a claim: it only sizes the first allocation, within what is plausible.
  const sink = new ByteSink(new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 4, true), bytes.length, budget.left);
  const g = new Gunzip((data) => {
    budget.take(data.length, file);
    const m = members[members.length - 1];
    m.crc = crc32Update(m.crc, data);
    m.size += data.length;
    sink.push(data);
  });
  g.onmember = (offset) => members.push({ start: offset, crc: 0, size: 0 });
  let at = 0;
  try {
    for (; at < bytes.length; at += SLICE) {
      const end = Math.min(at + SLICE, bytes.length);
      g.push(bytes.subarray(at, end), end === bytes.length);
      progress?.(end, bytes.length);
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    const text = why === 'unexpected EOF' ? 'the gzip data ends early (truncated file)' : `corrupt gzip data (${why})`;
    throw new DataError(text, { file, offset: Math.min(at + SLICE, bytes.length) });
  }
  members.forEach((m, i) => {
    const end = i + 1 < members.length ? members[i + 1].start : bytes.length;
    checkTrailer(bytes, end - 8, m, file);
  });
  return sink.bytes();
}

/** The 8-byte trailer: CRC-32 then ISIZE (size mod 2^32), little-endian. */
function checkTrailer(bytes: Uint8Array, at: number, m: { crc: number; size: number }, file: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const crc = view.getUint32(at, true);
  const isize = view.getUint32(at + 4, true);
  if (crc !== m.crc || isize !== m.size % 2 ** 32) {
    throw new DataError(
      `gzip trailer check failed: stored CRC-32 0x${hex(crc)} and size ${isize}, the data gives 0x${hex(m.crc)} and ${m.size} ` +
        `(the file is truncated or corrupt, or has bytes after the end of the gzip data)`,
      { file, offset: at },
    );
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
