// From loose arrays (IDX files, .npy files, .npz members) to a dataset: labels are the 1-D (or N×1)
// integer arrays, features the rest; each features array pairs with the labels of the same item
// count (names only break ties); with two pairs the larger is train, the smaller validation.

import { assemble } from './assemble';
import { compactLabels } from './classes';
import type { Dataset, Features, Split } from './dataset';
import { DataError } from './errors';
import { elementCount, type NdArray } from './ndarray';

export interface Pair {
  features: NdArray;
  labels: NdArray;
}

const isLabelShaped = (a: NdArray) => a.dims.length === 1 || (a.dims.length === 2 && a.dims[1] === 1);

export function pairArrays(arrays: NdArray[]): Pair[] {
  const features = arrays.filter((a) => !isLabelShaped(a)).sort((a, b) => b.dims[0] - a.dims[0]);
  const labels = arrays.filter(isLabelShaped);
  const list = (xs: NdArray[]) => xs.map((a) => `${a.file} (${a.dims[0]} items)`).join(', ') || 'none';
  if (features.length === 0) {
    throw new DataError(`found no features array (examples × features, 2 or more dimensions) among ${list(labels)}`, { file: arrays[0]?.file });
  }
  const pairs: Pair[] = [];
  const free = new Set(labels);
  for (const f of features) {
    const same = [...free].filter((l) => l.dims[0] === f.dims[0]);
    if (same.length === 0) {
      throw new DataError(`holds ${f.dims[0]} examples but no labels array has that many items (labels: ${list(labels)}): counts disagree`, {
        file: f.file,
      });
    }
    same.sort((a, b) => affinity(f.file, b.file) - affinity(f.file, a.file));
    free.delete(same[0]);
    pairs.push({ features: f, labels: same[0] });
  }
  if (free.size) throw new DataError(`labels with no features array of the same count: ${list([...free])}`, { file: [...free][0].file });
  if (pairs.length > 2) {
    throw new DataError(`found ${pairs.length} features/labels pairs; give one pair, or two (train and validation)`, { file: pairs[2].features.file });
  }
  return pairs;
}

/** Shared name prefix + suffix: "train-images-idx3-ubyte" pairs with "train-labels-idx1-ubyte". */
function affinity(a: string, b: string): number {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return p + s;
}

/** Labels as numeric ids: every value an integer in [0, 65535]. */
export function toLabels(a: NdArray): { y: Uint32Array } {
  const y = new Uint32Array(a.dims[0]);
  for (let i = 0; i < y.length; i++) {
    const v = a.data[i];
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) {
      throw new DataError(`label ${i} is ${v}; labels must be integers in [0, 65535]`, { file: a.file, offset: a.dataOffset + i * a.itemSize });
    }
    y[i] = v;
  }
  return { y };
}

/**
 * Features and their per-example shape: (N, D) → [D]; (N, H, W) → [1, H, W]; (N, C, H, W) stays;
 * (N, H, W, C) with C ∈ {1, 3, 4} is transposed to [C, H, W]. u1 stays bytes, the rest becomes float32.
 */
export function toFeatures(a: NdArray): { x: Features; shape: number[] } {
  const [n, ...rest] = a.dims;
  if (rest.length > 3) throw new DataError(`has ${a.dims.length} dimensions; features need 2 (N, D), 3 (N, H, W) or 4 (N, C, H, W)`, { file: a.file });
  const hwc = rest.length === 3 && [1, 3, 4].includes(rest[2]) && ![1, 3, 4].includes(rest[0]);
  const shape = rest.length === 1 ? rest : rest.length === 2 ? [1, ...rest] : hwc ? [rest[2], rest[0], rest[1]] : rest;
  const bytes = a.dtype === 'u1';
  let x: Features = bytes ? (a.data as Uint8Array) : a.data instanceof Float32Array ? a.data : Float32Array.from(a.data);
  if (!bytes) {
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) {
        const at = a.dataOffset + i * a.itemSize;
        throw new DataError(`value ${a.data[i]} at example ${Math.floor(i / (x.length / n))} is not a finite float32`, { file: a.file, offset: at });
      }
    }
  }
  if (hwc) x = toChw(x, n, rest[0], rest[1], rest[2]);
  return { x, shape };
}

function toChw(x: Features, n: number, h: number, w: number, c: number): Features {
  const out = new (x.constructor as new (len: number) => Features)(x.length);
  const size = h * w * c;
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) out[i * size + k * h * w + p] = x[i * size + p * c + k];
  }
  return out;
}

/** The whole route from paired arrays to a validated dataset. */
export function arraysToDataset(arrays: NdArray[], o: { name: string; format: string; files: string[]; seed?: number; maxClasses?: number; classNames?: readonly string[] }): Dataset {
  const pairs = pairArrays(arrays);
  if (pairs.length === 2 && pairs[0].features.dims[0] === pairs[1].features.dims[0] && /train/i.test(pairs[1].features.file)) pairs.reverse();
  const splits = pairs.map((p) => {
    const { x, shape } = toFeatures(p.features);
    const { y } = toLabels(p.labels);
    return { split: { x, y, count: y.length } as Split, shape, file: p.features.file };
  });
  const [train, val] = splits;
  if (val && train.shape.join() !== val.shape.join()) {
    throw new DataError(`features of shape [${val.shape.join(', ')}] do not match the train features' [${train.shape.join(', ')}] (${train.file})`, {
      file: val.file,
    });
  }
  if (val && train.split.x.constructor !== val.split.x.constructor) {
    throw new DataError(`features are ${pairs[1].features.dtype} while the train features (${train.file}) are ${pairs[0].features.dtype}`, { file: val.file });
  }
  // Classes are the label ids that occur (a lone label 65535 is one class, not 65,536).
  const { ids, splits: ys } = compactLabels(splits.map((s) => s.split.y));
  splits.forEach((s, i) => (s.split.y = ys[i]));
  if (elementCount(train.shape) === 0) throw new DataError('features have a zero-sized dimension', { file: train.file });
  return assemble({
    name: o.name,
    format: o.format,
    files: o.files,
    shape: train.shape,
    classNames: ids.map((id) => o.classNames?.[id] ?? String(id)),
    classIds: ids,
    maxClasses: o.maxClasses,
    train: train.split,
    val: val?.split,
    valSource: val && `${val.file}, paired by item count`,
    seed: o.seed,
  });
}
