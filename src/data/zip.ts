// Strict zip reading. The central directory is parsed here (fflate's streaming Unzip only sees local
// headers, so it cannot spot overlapping entries or trust data-descriptor sizes); each entry then
// inflates through fflate's streaming Inflate with a byte counter, and its size and CRC are verified.

import { Inflate } from 'fflate';
import { ByteBudget } from './budget';
import { crc32 } from './crc32';
import { DataError, bytesText } from './errors';
import { RATIO_AFTER, RATIO_LIMIT, deflateFailure, meteredInflate, type MeterOptions } from './inflate';

export interface ZipEntry {
  /** Normalised path ("/" separators). */
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  crc: number;
  /** Byte offset of the local header and of the entry's data in the archive. */
  headerOffset: number;
  dataOffset: number;
  isDirectory: boolean;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

export function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));
}

/** True when the file ends with an end-of-central-directory record (a zip, whatever its first bytes). */
export function hasZipEnd(b: Uint8Array): boolean {
  return b.length >= 22 && findEocd(b, new DataView(b.buffer, b.byteOffset, b.byteLength)) >= 0;
}

export function readZipDirectory(bytes: Uint8Array, file: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);
  const u64 = (o: number, what: string) => {
    const v = u32(o) + u32(o + 4) * 2 ** 32;
    if (v > Number.MAX_SAFE_INTEGER) throw new DataError(`${what} is too large (${v})`, { file, offset: o });
    return v;
  };
  const eocd = findEocd(bytes, view);
  if (eocd < 0) {
    throw new DataError('a zip file whose central directory is missing (no end-of-central-directory record at its end): truncated, or damaged', { file, offset: bytes.length });
  }
  if (u16(eocd + 4) !== 0 || u16(eocd + 6) !== 0 || u16(eocd + 8) !== u16(eocd + 10)) {
    throw new DataError('multi-part (split) zip archives are not supported', { file, offset: eocd });
  }
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  let cdEnd = eocd;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // ZIP64: a locator just before the EOCD points at the 64-bit record.
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== SIG_LOCATOR64) throw new DataError('ZIP64 archive without its locator record', { file, offset: Math.max(loc, 0) });
    const rec = u64(loc + 8, 'ZIP64 record offset');
    if (rec + 56 > loc || u32(rec) !== SIG_EOCD64) throw new DataError('ZIP64 end record missing or misplaced', { file, offset: rec });
    count = u64(rec + 32, 'entry count');
    cdSize = u64(rec + 40, 'central directory size');
    cdOffset = u64(rec + 48, 'central directory offset');
    cdEnd = rec;
  }
  if (cdOffset + cdSize > cdEnd) {
    throw new DataError(`central directory claims bytes ${cdOffset}–${cdOffset + cdSize}, past its end record at ${cdEnd}`, { file, offset: eocd + 16 });
  }
  if (count * 46 > cdSize) throw new DataError(`central directory claims ${count} entries in ${cdSize} bytes`, { file, offset: eocd + 10 });
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cdOffset + cdSize || u32(p) !== SIG_CENTRAL) throw new DataError(`central directory entry ${i} is damaged`, { file, offset: p });
    const flags = u16(p + 8);
    const method = u16(p + 10);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    const commentLen = u16(p + 32);
    const next = p + 46 + nameLen + extraLen + commentLen;
    if (next > cdOffset + cdSize) throw new DataError(`central directory entry ${i} runs past the directory`, { file, offset: p });
    const rawName = bytes.subarray(p + 46, p + 46 + nameLen);
    const name = entryName(rawName, flags, file, p + 46);
    let compressedSize = u32(p + 20);
    let size = u32(p + 24);
    let headerOffset = u32(p + 42);
    // ZIP64 extra field (id 1) holds, in order, whichever of size, compressed size, offset are 0xFFFFFFFF.
    if (size === 0xffffffff || compressedSize === 0xffffffff || headerOffset === 0xffffffff) {
      let x = findExtra(view, p + 46 + nameLen, extraLen, 1);
      if (x < 0) throw new DataError(`entry "${name}" needs a ZIP64 extra field and has none`, { file, offset: p });
      if (size === 0xffffffff) (size = u64(x, 'entry size')), (x += 8);
      if (compressedSize === 0xffffffff) (compressedSize = u64(x, 'entry size')), (x += 8);
      if (headerOffset === 0xffffffff) headerOffset = u64(x, 'entry offset');
    }
    if (flags & 1) throw new DataError(`entry "${name}" is encrypted; the lab reads only unencrypted archives`, { file, offset: p });
    if (names.has(name)) throw new DataError(`entry "${name}" appears twice`, { file, offset: p });
    names.add(name);
    if (headerOffset + 30 > cdOffset || u32(headerOffset) !== SIG_LOCAL) {
      throw new DataError(`entry "${name}" points at byte ${headerOffset}, where no local header is`, { file, offset: p + 42 });
    }
    const localName = bytes.subarray(headerOffset + 30, headerOffset + 30 + u16(headerOffset + 26));
    if (!sameBytes(localName, rawName)) throw new DataError(`entry "${name}": the local header names a different file`, { file, offset: headerOffset });
    const dataOffset = headerOffset + 30 + u16(headerOffset + 26) + u16(headerOffset + 28);
    if (dataOffset + compressedSize > cdOffset) {
      throw new DataError(`entry "${name}" claims ${bytesText(compressedSize)} of data, past the start of the central directory`, { file, offset: dataOffset });
    }
    const isDirectory = name.endsWith('/');
    entries.push({ name, method, flags, compressedSize, size, crc: u32(p + 16), headerOffset, dataOffset, isDirectory });
    p = next;
  }
  refuseOverlaps(entries, file);
  return entries;
}

/** The EOCD record: its comment must end exactly at the end of the file. */
function findEocd(bytes: Uint8Array, view: DataView): number {
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === SIG_EOCD && i + 22 + view.getUint16(i + 20, true) === bytes.length) return i;
  }
  return -1;
}

function findExtra(view: DataView, start: number, len: number, id: number): number {
  for (let q = start; q + 4 <= start + len; q += 4 + view.getUint16(q + 2, true)) {
    if (view.getUint16(q, true) === id) return q + 4;
  }
  return -1;
}

/** Refuses zip-slip paths: "..", absolute, drive letters, NUL. Backslashes count as separators. */
function entryName(raw: Uint8Array, flags: number, file: string, offset: number): string {
  let name: string;
  try {
    name = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    if (flags & 0x800) throw new DataError('entry name is not valid UTF-8', { file, offset });
    name = Array.from(raw, (c) => String.fromCharCode(c)).join('');
  }
  const norm = name.replace(/\\/g, '/');
  if (norm.startsWith('/') || /^[A-Za-z]:/.test(norm) || norm.includes('\0') || norm.split('/').includes('..')) {
    throw new DataError(`entry "${name}" has an unsafe path (absolute, or with "..")`, { file, offset });
  }
  return norm;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Entries whose [header, data end) ranges overlap are the classic zip-bomb construction. */
function refuseOverlaps(entries: ZipEntry[], file: string): void {
  const sorted = [...entries].sort((a, b) => a.headerOffset - b.headerOffset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (sorted[i].headerOffset < prev.dataOffset + prev.compressedSize) {
      throw new DataError(`entries "${prev.name}" and "${sorted[i].name}" overlap (a zip-bomb construction)`, { file, offset: sorted[i].headerOffset });
    }
  }
}

/** The entry's bytes, inflated with a counter (never past its declared size or the budget), CRC verified. */
export function extractEntry(bytes: Uint8Array, e: ZipEntry, file: string, budget: ByteBudget): Uint8Array {
  const where = `${file}:${e.name}`;
  const { out } = inflateEntry(bytes, e, file, budget);
  if (out.length !== e.size) {
    throw new DataError(`inflated to ${bytesText(out.length)}, but the directory declares ${bytesText(e.size)} (truncated or corrupt)`, { file: where });
  }
  checkEntryCrc(e, out, where);
  return out;
}

export function checkEntryCrc(e: ZipEntry, out: Uint8Array, where: string): void {
  const crc = crc32(out);
  if (crc !== e.crc) throw new DataError(`CRC-32 mismatch: stored 0x${e.crc.toString(16)}, data gives 0x${crc.toString(16)}`, { file: where });
}

/**
 * Inflates an entry through the metered driver: refused past its declared size, past the budget, or
 * past 100:1 (checked on the directory's claim first, so a bomb is refused before any byte is inflated);
 * `watch` may stop it early (an image that ended). No CRC check here: the caller has the whole entry or not.
 */
export function inflateEntry(bytes: Uint8Array, e: ZipEntry, file: string, budget: ByteBudget, watch?: MeterOptions['watch']): { out: Uint8Array; stopped: boolean } {
  const where = `${file}:${e.name}`;
  const raw = bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
  if (e.method === 0) {
    if (e.compressedSize !== e.size) throw new DataError(`stored entry size ${e.size} ≠ its data size ${e.compressedSize}`, { file: where });
    budget.take(e.size, where);
    return { out: raw, stopped: false };
  }
  if (e.method !== 8) throw new DataError(`compression method ${e.method} is not supported (only stored and deflate)`, { file: where, offset: e.headerOffset });
  if (!watch) {
    budget.check(e.size, where, 'this entry');
    if (e.size > RATIO_AFTER && e.size > RATIO_LIMIT * e.compressedSize) {
      throw new DataError(
        `declares ${bytesText(e.size)} from ${bytesText(e.compressedSize)} of compressed data, more than ${RATIO_LIMIT}:1: a decompression bomb; real data compresses far less`,
        { file: where, offset: e.headerOffset },
      );
    }
  }
  const run = meteredInflate((ondata) => new Inflate(ondata), raw, {
    where,
    budget,
    claim: e.size,
    offset: e.dataOffset,
    watch: (out, meter) => {
      if (meter.declared > e.size) meter.declare(e.size, 'that the zip directory declares for this entry');
      return watch?.(out, meter);
    },
  });
  if (run.failure) throw new DataError(deflateFailure(run.failure.why, 'deflate'), { file: where, offset: run.failure.offset });
  return { out: run.out, stopped: run.stopped };
}

/** At least the first `want` bytes of an entry (all of it when shorter), for header sniffing: no CRC check. */
export function entryPrefix(bytes: Uint8Array, e: ZipEntry, file: string, want: number): Uint8Array {
  if (e.method === 0) return bytes.subarray(e.dataOffset, e.dataOffset + Math.min(e.compressedSize, want));
  // A prefix is transient and bounded by `want` plus one chunk, so it is not charged.
  return inflateEntry(bytes, e, file, new ByteBudget(Infinity), (out) => (out.length >= want ? 'stop' : undefined)).out;
}
