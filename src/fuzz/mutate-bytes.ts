// Format-blind mutations: bit flips, bytes set to 0 / FF / random, truncation, appended junk, inserted,
// deleted and duplicated ranges. Truncation and junk break every format whose sizes are exact (IDX, .npy,
// gzip, zip, safetensors), so there they must be refused; elsewhere anything clean goes.

import { ANY, REFUSE, type Mutated } from './case';
import type { Rng } from './rng';
import type { FuzzFile, Seed, SeedFormat } from './seeds';

/** Formats where any change of a file's length breaks a size it declares. */
const EXACT: ReadonlySet<SeedFormat> = new Set(['idx', 'idx-gz', 'idx-f32', 'npy', 'npz', 'zip-png', 'zip-jpeg', 'zip-split', 'csv-gz', 'safetensors', 'lab-export', 'lab-export-bn']);

function replaceFile(seed: Seed, k: number, bytes: Uint8Array): FuzzFile[] {
  return seed.files.map((f, i) => (i === k ? { name: f.name, bytes } : f));
}

export type ByteMutation = (seed: Seed, r: Rng) => Mutated | null;

export const byteMutations: Record<string, ByteMutation> = {
  bitflips(seed, r) {
    const k = r.int(seed.files.length);
    const b = seed.files[k].bytes.slice();
    const n = 1 + r.int(8);
    const at: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = r.int(b.length);
      b[p] ^= 1 << r.int(8);
      at.push(p);
    }
    return { files: replaceFile(seed, k, b), detail: `${seed.files[k].name}: ${n} bit flips at ${at.join(', ')}`, expect: ANY };
  },
  setBytes(seed, r) {
    const k = r.int(seed.files.length);
    const b = seed.files[k].bytes.slice();
    const p = r.int(b.length);
    const len = 1 + r.int(8);
    const v = r.pick([0, 0xff, -1]);
    for (let i = p; i < Math.min(b.length, p + len); i++) b[i] = v < 0 ? r.int(256) : v;
    return { files: replaceFile(seed, k, b), detail: `${seed.files[k].name}: ${len} bytes at ${p} set to ${v < 0 ? 'random' : v}`, expect: ANY };
  },
  truncate(seed, r) {
    const k = r.int(seed.files.length);
    const b = seed.files[k].bytes;
    const at = r.int(b.length);
    return { files: replaceFile(seed, k, b.slice(0, at)), detail: `${seed.files[k].name}: cut to ${at} of ${b.length} bytes`, expect: EXACT.has(seed.format) ? REFUSE : ANY };
  },
  appendJunk(seed, r) {
    const k = r.int(seed.files.length);
    const b = seed.files[k].bytes;
    const junk = Uint8Array.from({ length: 1 + r.int(64) }, () => r.int(256));
    const out = new Uint8Array(b.length + junk.length);
    out.set(b);
    out.set(junk, b.length);
    return { files: replaceFile(seed, k, out), detail: `${seed.files[k].name}: ${junk.length} random bytes appended`, expect: EXACT.has(seed.format) ? REFUSE : ANY };
  },
  insertRange(seed, r) {
    const k = r.int(seed.files.length);
    const b = seed.files[k].bytes;
    const at = r.int(b.length);
    const ins = Uint8Array.from({ length: 1 + r.int(32) }, () => r.int(256));
    const out = new Uint8Array(b.length + ins.length);
    out.set(b.subarray(0, at));
    out.set(ins, at);
    out.set(b.subarray(at), at + ins.length);
    return { files: replaceFile(seed, k, out), detail: `${seed.files[k].name}: ${ins.length} random bytes inserted at ${at}`, expect: ANY };
  },
  deleteRange(seed, r) {
    const k = r.int(seed.files.length);
    const b = seed.files[k].bytes;
    const at = r.int(b.length);
    const len = 1 + r.int(Math.min(64, b.length - at));
    const out = new Uint8Array(b.length - len);
    out.set(b.subarray(0, at));
    out.set(b.subarray(at + len), at);
    return { files: replaceFile(seed, k, out), detail: `${seed.files[k].name}: ${len} bytes deleted at ${at}`, expect: ANY };
  },
  duplicateRange(seed, r) {
    const k = r.int(seed.files.length);
    const b = seed.files[k].bytes;
    const at = r.int(b.length);
    const len = 1 + r.int(Math.min(256, b.length - at));
    const out = new Uint8Array(b.length + len);
    out.set(b.subarray(0, at + len));
    out.set(b.subarray(at, at + len), at + len);
    out.set(b.subarray(at + len), at + 2 * len);
    return { files: replaceFile(seed, k, out), detail: `${seed.files[k].name}: bytes ${at}–${at + len} repeated`, expect: ANY };
  },
};
