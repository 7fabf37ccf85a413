// gzip as a stream: fflate's streaming Gunzip fed in small slices through the metered driver (inflate.ts),
// every output byte counted against the load's budget, a 100:1 ratio, and — as soon as the first bytes
// show an IDX or .npy header — the size that header declares, so a bomb behind a 6-image header stops
// after 6 images. Then each member's CRC-32 and ISIZE are checked against its trailer (fflate checks
// neither). Truncation, junk after the data and corrupt blocks all fail here.

import { Gunzip } from 'fflate';
import { ByteBudget } from './budget';
import { crc32Update } from './crc32';
import { DataError } from './errors';
import { idxDeclaredSize } from './idx';
import { deflateFailure, meteredInflate } from './inflate';
import { npyDeclaredSize } from './npy';
import type { ByteSink } from './sink';

export function isGzip(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 8;
}

export type ByteProgress = (done: number, total: number) => void;

/** How far into the output a header that declares the size may start to show (a .npy header is at most 64 KiB). */
const SNIFF_WINDOW = 70 * 1024;

export function gunzip(bytes: Uint8Array, file: string, budget: ByteBudget, progress?: ByteProgress): Uint8Array {
  if (bytes.length < 20) throw new DataError(`truncated gzip: ${bytes.length} bytes cannot hold a header, data and trailer`, { file, offset: bytes.length });
  if (bytes[3] & 0xe0) throw new DataError(`gzip header sets reserved flag bits (0x${bytes[3].toString(16)})`, { file, offset: 3 });
  const members: { start: number; crc: number; size: number }[] = [{ start: 0, crc: 0, size: 0 }];
  let sniffed = false;
  const run = meteredInflate(
    (ondata) => {
      const g = new Gunzip((data) => {
        const m = members[members.length - 1];
        m.crc = crc32Update(m.crc, data);
        m.size += data.length;
        ondata(data);
      });
      g.onmember = (offset) => members.push({ start: offset, crc: 0, size: 0 });
      return g;
    },
    bytes,
    {
      where: file,
      budget,
      // The last member's ISIZE is a claim: it only sizes the first allocation, within what is plausible.
      claim: new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 4, true),
      progress,
      watch: (out, meter) => {
        if (sniffed) return;
        const d = declaredSize(out);
        if (d === 'more' && out.length < SNIFF_WINDOW) return;
        sniffed = true;
        if (d && d !== 'more') meter.declare(d.bytes, d.what);
      },
    },
  );
  if (run.failure) throw new DataError(deflateFailure(run.failure.why, 'gzip'), { file, offset: Math.min(run.failure.offset, bytes.length) });
  members.forEach((m, i) => {
    const end = i + 1 < members.length ? members[i + 1].start : bytes.length;
    checkTrailer(bytes, end - 8, m, file);
  });
  return run.out;
}

/** The first `want` bytes (or more, by one push) of a gzip stream, uncharged and unchecked: for reading headers. */
export function gunzipPrefix(bytes: Uint8Array, want: number): Uint8Array {
  const run = meteredInflate((ondata) => new Gunzip(ondata), bytes, {
    where: '',
    budget: new ByteBudget(Infinity),
    claim: want,
    watch: (out) => (out.length >= want ? 'stop' : undefined),
  });
  return run.out;
}

/** What an IDX or .npy header at the front of the output declares the whole stream to be. */
function declaredSize(out: ByteSink): { bytes: number; what: string } | 'more' | null {
  const head = out.view(SNIFF_WINDOW);
  const idx = idxDeclaredSize(head);
  if (idx !== null) return idx;
  return npyDeclaredSize(head);
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
