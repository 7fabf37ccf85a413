// Mutations that know the format: IDX dimensions, dtype and rank; gzip trailer fields and flags; .npy
// header dictionaries and magic; zip directory fields, duplicate, removed and unsafe entries; PNG header
// fields (with their CRC fixed, so the size checks are what must catch them) and filter bytes; JPEG frame
// sizes; CSV cells, labels, rows and encodings; safetensors header lengths and JSON; the lab's manifest
// values. Each says whether the result must be refused, or which image must be skipped.

import { gunzipSync, gzipSync, unzipSync, unzlibSync, zlibSync } from 'fflate';
import { enc, pngChunk, zip } from '../data/fixtures/make';
import { crc32 } from '../data/crc32';
import { IDX_DTYPES } from '../data/idx';
import { readZipDirectory } from '../data/zip';
import { ANY, REFUSE, skip, type Mutated } from './case';
import type { Rng } from './rng';
import type { FuzzFile, Seed } from './seeds';

const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const isGz = (f: FuzzFile) => f.bytes[0] === 0x1f && f.bytes[1] === 0x8b;
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const with1 = (seed: Seed, k: number, bytes: Uint8Array, name = seed.files[k].name) => seed.files.map((f, i) => (i === k ? { name, bytes } : f));

export type FormatMutation = (seed: Seed, r: Rng) => Mutated | null;

function idxDim(seed: Seed, r: Rng): Mutated | null {
  if (!seed.format.startsWith('idx')) return null;
  const k = r.int(seed.files.length);
  const f = seed.files[k];
  const raw = isGz(f) ? gunzipSync(f.bytes) : f.bytes.slice();
  const which = r.pick(['dim', 'ndim', 'dtype'] as const);
  const ndim = raw[3];
  let detail: string;
  let expect = REFUSE;
  if (which === 'dim') {
    const i = r.int(ndim);
    const d = dv(raw).getUint32(4 + 4 * i);
    const v = r.pick([0, 1, 0xffffffff, 0x80000000, d + 1, Math.max(0, d - 1), d * 2]);
    if (v === d) return null;
    dv(raw).setUint32(4 + 4 * i, v);
    detail = `IDX dim ${i}: ${d} → ${v}`;
  } else if (which === 'ndim') {
    const v = r.pick([0, 9, 255, ndim + 1, ndim - 1]);
    raw[3] = v;
    detail = `IDX ndim: ${ndim} → ${v}`;
  } else {
    const v = r.pick([0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x00, 0x0a, 0xff]);
    if (v === raw[2]) return null;
    detail = `IDX dtype: 0x${raw[2].toString(16)} → 0x${v.toString(16)}`;
    // The same element size (u8 ↔ i8, f32 ↔ i32) reads the same bytes another way: may still be a dataset.
    if (IDX_DTYPES[v] && IDX_DTYPES[v].size === IDX_DTYPES[raw[2]]?.size) expect = ANY;
    raw[2] = v;
  }
  return { files: with1(seed, k, isGz(f) ? gzipSync(raw) : raw), detail: `${f.name}: ${detail}`, expect };
}

function gzField(seed: Seed, r: Rng): Mutated | null {
  const k = seed.files.findIndex(isGz);
  if (k < 0) return null;
  const b = seed.files[k].bytes.slice();
  const which = r.pick(['isize', 'crc', 'flags'] as const);
  if (which === 'isize') dv(b).setUint32(b.length - 4, (dv(b).getUint32(b.length - 4, true) + 1 + r.int(1000)) >>> 0, true);
  else if (which === 'crc') b[b.length - 8 + r.int(4)] ^= 1 << r.int(8);
  else b[3] |= 0x20 << r.int(3);
  return { files: with1(seed, k, b), detail: `${seed.files[k].name}: gzip ${which} changed`, expect: REFUSE };
}

function npyHeader(seed: Seed, r: Rng): Mutated | null {
  if (seed.format !== 'npy') return null;
  const k = r.int(seed.files.length);
  const b = seed.files[k].bytes.slice();
  const which = r.pick(['shape', 'descr', 'magic', 'fortran'] as const);
  if (which === 'magic') {
    const i = r.int(6);
    b[i] ^= 1 << r.int(8);
    return { files: with1(seed, k, b), detail: `${seed.files[k].name}: magic byte ${i} damaged`, expect: REFUSE };
  }
  const len = dv(b).getUint16(8, true);
  const header = text(b.subarray(10, 10 + len));
  let next = header;
  let expect = REFUSE;
  if (which === 'shape') {
    const v = r.pick(['(0, 5)', '(40, 6)', '(41,)', '(1000000000000, 5)', '(-1, 5)', '(40, 5, 1)', '()', '(4294967296, 5)']);
    next = header.replace(/\(\d+(, \d+)*,?\)/, v);
    if (v === '(40, 5, 1)' && header.includes('(40, 5)')) expect = ANY;
  } else if (which === 'descr') {
    const v = r.pick(['<f8', '>f4', '<c8', '|O', '<U3', '<f2', '<i4']);
    next = header.replace(/'descr': '[^']*'/, `'descr': '${v}'`);
    if (['>f4', '<i4'].includes(v)) expect = ANY;
  } else {
    next = header.replace('False', 'True');
    if (!/\(\d+, \d+\)/.test(header)) expect = ANY;
  }
  if (next === header) return null;
  next = next.trimEnd().padEnd(len - 1, ' ') + '\n';
  if (next.length !== len) return null;
  b.set(enc(next), 10);
  return { files: with1(seed, k, b), detail: `${seed.files[k].name}: header ${JSON.stringify(header.trim())} → ${JSON.stringify(next.trim())}`, expect };
}

function zipField(seed: Seed, r: Rng): Mutated | null {
  if (!seed.format.startsWith('zip') && seed.format !== 'npz') return null;
  const b = seed.files[0].bytes.slice();
  const entries = readZipDirectory(b, seed.files[0].name);
  const i = r.int(entries.length);
  const e = entries[i];
  // The i-th central directory record.
  let p = dv(b).getUint32(b.length - 22 + 16, true);
  for (let j = 0; j < i; j++) p += 46 + dv(b).getUint16(p + 28, true) + dv(b).getUint16(p + 30, true) + dv(b).getUint16(p + 32, true);
  const images = seed.format !== 'npz';
  const which = r.pick(['crc', 'size', 'compressed', 'offset', 'duplicate', 'slip'] as const);
  let expect = images ? skip(e.name) : REFUSE;
  if (which === 'crc') b[p + 16 + r.int(4)] ^= 1 << r.int(8);
  else if (which === 'size') {
    const v = r.pick([0, e.size + 1, e.size - 1, e.size * 2, 0xfffffffe]);
    if (v === e.size || v < 0) return null;
    dv(b).setUint32(p + 24, v, true);
  } else if (which === 'compressed') {
    const v = r.pick([e.compressedSize - 1, e.compressedSize + 1, 0xfffffff0]);
    if (v < 0) return null;
    dv(b).setUint32(p + 20, v, true);
    // Longer runs into the next entry or the directory; one byte shorter may still inflate whole (the end-of-block code).
    expect = v > e.compressedSize ? REFUSE : ANY;
  } else if (which === 'offset') {
    dv(b).setUint32(p + 42, r.pick([e.headerOffset + 1, entries[(i + 1) % entries.length].headerOffset, 0xfffff000]), true);
    if (dv(b).getUint32(p + 42, true) === e.headerOffset) return null;
    expect = REFUSE;
  } else {
    // Rename in the directory and the local header alike: to the next entry's name (same length), or to "../…".
    const other = entries.find((x) => x !== e && x.name.length === e.name.length);
    const name = which === 'duplicate' ? other?.name : `../${e.name.slice(3)}`;
    if (!name) return null;
    b.set(enc(name), p + 46);
    b.set(enc(name), e.headerOffset + 30);
    expect = REFUSE;
  }
  return { files: [{ name: seed.files[0].name, bytes: b }], detail: `${seed.files[0].name}: entry "${e.name}" ${which} changed`, expect };
}

function zipRemove(seed: Seed, r: Rng): Mutated | null {
  if (!seed.format.startsWith('zip') && seed.format !== 'npz') return null;
  const all = unzipSync(seed.files[0].bytes);
  const names = Object.keys(all);
  const gone = r.pick(names);
  delete all[gone];
  return { files: [{ name: seed.files[0].name, bytes: zip(all) }], detail: `${seed.files[0].name}: entry "${gone}" removed`, expect: ANY };
}

/** A PNG entry's IHDR field or a row's filter byte changed, CRCs recomputed: only the size and filter checks can catch it. */
function pngField(seed: Seed, r: Rng): Mutated | null {
  if (seed.format !== 'zip-png' && seed.format !== 'zip-split') return null;
  const all = unzipSync(seed.files[0].bytes);
  const name = r.pick(Object.keys(all));
  const b = all[name].slice();
  const which = r.pick(['width', 'height', 'depth', 'colour', 'interlace', 'compression', 'filter', 'crc'] as const);
  let detail: string;
  if (which === 'filter' || which === 'crc') {
    if (which === 'crc') {
      b[29 + r.int(4)] ^= 1 << r.int(8);
      detail = 'IHDR CRC damaged';
    } else {
      const idatAt = 33;
      const len = dv(b).getUint32(idatAt);
      const raw = unzlibSync(b.subarray(idatAt + 8, idatAt + 8 + len)).slice();
      const row = r.int(8);
      const rowBytes = raw.length / 8;
      raw[row * rowBytes] = 5 + r.int(251);
      const chunk = pngChunk('IDAT', zlibSync(raw));
      all[name] = concat2([b.subarray(0, idatAt), chunk, b.subarray(idatAt + 12 + len)]);
      return { files: [{ name: seed.files[0].name, bytes: zip(all) }], detail: `${name}: row ${row} filter byte → ${raw[row * rowBytes]}`, expect: skip(name) };
    }
  } else {
    const at = { width: 16, height: 20, depth: 24, colour: 25, interlace: 28, compression: 26 }[which];
    if (which === 'width' || which === 'height') {
      const v = r.pick([0, 1, 9, 4096, 65536, 0x7fffffff, 0x80000000, 0xffffffff]);
      dv(b).setUint32(at, v);
      detail = `IHDR ${which} → ${v}`;
    } else {
      const v = r.pick(which === 'depth' ? [1, 2, 4, 16, 3, 0] : which === 'colour' ? [2, 3, 4, 6, 1, 7] : [1, 2]);
      if (v === b[at]) return null;
      b[at] = v;
      detail = `IHDR ${which} → ${v}`;
    }
    dv(b).setUint32(29, crc32(b.subarray(12, 29)));
  }
  all[name] = b;
  return { files: [{ name: seed.files[0].name, bytes: zip(all) }], detail: `${name}: ${detail}`, expect: skip(name) };
}

function jpegFrame(seed: Seed, r: Rng): Mutated | null {
  if (seed.format !== 'zip-jpeg') return null;
  const all = unzipSync(seed.files[0].bytes);
  const name = r.pick(Object.keys(all));
  const b = all[name].slice();
  const sof = b.findIndex((x, i) => x === 0xff && b[i + 1] === 0xc0);
  const v = r.pick([0, 4096, 65535, 9, 16]);
  // A claim of 4096×4096 or more cannot fit in a file of a few hundred bytes; a small change may still decode.
  const fields = v >= 4096 ? [5, 7] : [r.pick([5, 7])];
  for (const at of fields) dv(b).setUint16(sof + at, v);
  all[name] = b;
  return { files: [{ name: seed.files[0].name, bytes: zip(all) }], detail: `${name}: frame ${fields.length === 2 ? 'width and height' : fields[0] === 5 ? 'height' : 'width'} → ${v}`, expect: v === 0 || v >= 4096 ? skip(name) : ANY };
}

function csvCell(seed: Seed, r: Rng): Mutated | null {
  if (!['csv', 'tsv', 'csv-two', 'csv-gz'].includes(seed.format)) return null;
  const k = r.int(seed.files.length);
  const f = seed.files[k];
  const gz = isGz(f);
  const delim = seed.format === 'tsv' ? '\t' : ',';
  const lines = text(gz ? gunzipSync(f.bytes) : f.bytes).split('\n');
  const row = 1 + r.int(lines.length - 2);
  const cells = lines[row].replace(/\r$/, '').split(delim);
  const which = r.pick(['number', 'long', 'label', 'ragged', 'quote', 'utf16'] as const);
  let expect = REFUSE;
  let detail: string;
  if (which === 'number') {
    const v = r.pick(['', '0x1F', '12px', 'NaN', '1e39', '-1e999', '١', 'Infinity', '1e', '--1', ' ']);
    cells[r.int(cells.length - 1)] = v;
    detail = `row ${row + 1}: a feature cell → ${JSON.stringify(v)}`;
  } else if (which === 'long') {
    const n = r.pick([1001, 30_000, 100_000]);
    cells[r.int(cells.length)] = (r.int(2) ? '7' : 'x').repeat(n);
    detail = `row ${row + 1}: a cell of ${n} characters`;
  } else if (which === 'label') {
    const v = r.pick(['cat\u0000', '\u001b[31mred', 'a\u0007b', 'new class']);
    cells[cells.length - 1] = v;
    detail = `row ${row + 1}: label → ${JSON.stringify(v)}`;
    if (v === 'new class') expect = ANY;
  } else if (which === 'ragged') {
    cells.splice(r.int(cells.length), 1);
    detail = `row ${row + 1}: a field removed`;
  } else if (which === 'quote') {
    const c = r.int(cells.length);
    cells[c] = `"${cells[c]}`;
    detail = `row ${row + 1}: an unmatched quote opens cell ${c + 1}`;
  } else {
    detail = 're-encoded as UTF-16LE';
  }
  lines[row] = cells.join(delim) + (lines[row].endsWith('\r') ? '\r' : '');
  let bytes: Uint8Array = enc(lines.join('\n'));
  if (which === 'utf16') {
    const s = lines.join('\n');
    bytes = new Uint8Array(2 + 2 * s.length);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < s.length; i++) dv(bytes).setUint16(2 + 2 * i, s.charCodeAt(i), true);
  }
  return { files: with1(seed, k, gz ? gzipSync(bytes) : bytes), detail: `${f.name}: ${detail}`, expect };
}

function concat2(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
}

export const formatMutations: Record<string, FormatMutation> = { idxDim, gzField, npyHeader, zipField, zipRemove, pngField, jpegFrame, csvCell };
