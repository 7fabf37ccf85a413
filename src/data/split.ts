// Seeded, stratified train/validation split. Every class gives its share to validation (largest
// remainder, so the total is exact), then both sides are shuffled, so any prefix of train is
// class-balanced-ish (what `--limit N` takes). scripts/prepare-data.mjs mirrors this file exactly.

import { Stream, permutation, streamKey } from '../reference/random';
import type { Features, Split } from './dataset';

export const DEFAULT_SPLIT_SEED = 0;
/** The validation share used when the data brings no split of its own. */
export const DEFAULT_VAL_FRACTION = 0.1;

export interface SplitIndices {
  train: Uint32Array;
  val: Uint32Array;
}

/**
 * Validation examples per class: c's exact share valTotal·counts[c]/n rounded by largest remainder
 * (ties to the lower class), never taking a class's last training example.
 */
export function valCountsPerClass(counts: readonly number[], valTotal: number): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return counts.map(() => 0);
  const floor = counts.map((c) => Math.floor((valTotal * c) / n));
  const rem = counts.map((c, i) => ({ i, r: (valTotal * c) % n }));
  rem.sort((a, b) => b.r - a.r || a.i - b.i);
  let left = valTotal - floor.reduce((a, b) => a + b, 0);
  for (let k = 0; k < rem.length && left > 0; k++, left--) floor[rem[k].i]++;
  return floor.map((v, c) => Math.min(v, Math.max(counts[c] - 1, 0)));
}

/** Indices of the train and validation examples of labels `y` (classes in [0, classes)). */
export function stratifiedSplit(y: Uint32Array, classes: number, valTotal: number, seed: number): SplitIndices {
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < y.length; i++) byClass[y[i]].push(i);
  const nVal = valCountsPerClass(byClass.map((c) => c.length), valTotal);
  const train: number[] = [];
  const val: number[] = [];
  for (let c = 0; c < classes; c++) {
    const members = byClass[c];
    const p = permutation(members.length, streamKey(seed, Stream.split, 0, c));
    for (let k = 0; k < members.length; k++) (k < nVal[c] ? val : train).push(members[p[k]]);
  }
  return {
    train: shuffled(train, streamKey(seed, Stream.split, 1)),
    val: shuffled(val, streamKey(seed, Stream.split, 2)),
  };
}

function shuffled(items: number[], key: number): Uint32Array {
  const p = permutation(items.length, key);
  const out = new Uint32Array(items.length);
  for (let i = 0; i < items.length; i++) out[i] = items[p[i]];
  return out;
}

/** The rows `indices` of a row-major feature array, in that order (same element type). */
export function gatherRows<T extends Features | Float64Array>(x: T, rowSize: number, indices: Uint32Array): T {
  const out = new (x.constructor as new (n: number) => T)(indices.length * rowSize);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * rowSize;
    out.set(x.subarray(from, from + rowSize) as ArrayLike<number>, i * rowSize);
  }
  return out;
}

/** Builds a Split from all rows `x`/`y` and the chosen indices. */
export function takeSplit(x: Features, y: Uint32Array, rowSize: number, indices: Uint32Array): Split {
  const labels = new Uint32Array(indices.length);
  for (let i = 0; i < indices.length; i++) labels[i] = y[indices[i]];
  return { x: gatherRows(x, rowSize, indices), y: labels, count: indices.length };
}
