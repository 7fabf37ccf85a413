// The common last steps of every user-data loader: split when the data brings no split of its own
// (seeded, stratified 90/10), choose the normalisation (bytes: 1/255; anything else: train-set
// mean/std), then validate.

import { checkClassCount, checkTrainCoverage } from './classes';
import type { Dataset, Features, Normalization, Split } from './dataset';
import { DEFAULT_SPLIT_SEED, DEFAULT_VAL_FRACTION, stratifiedSplit, takeSplit } from './split';
import { validateDataset } from './validate';

export interface AssembleInput {
  name: string;
  format: string;
  files: string[];
  shape: number[];
  classNames: string[];
  /** Numeric label ids of the classes (see Dataset.classIds). */
  classIds?: number[];
  /** More classes than this are refused (default 1,000). */
  maxClasses?: number;
  /** All examples when `val` is absent, else the training split. */
  train: Split;
  val?: Split;
  /** Where `val` came from, for the card ("the t10k-* files"). */
  valSource?: string;
  /** A test split, and where it came from. */
  test?: Split;
  testSource?: string;
  seed?: number;
  warnings?: string[];
}

export function assemble(a: AssembleInput): Dataset {
  const size = a.shape.reduce((p, d) => p * d, 1);
  const seed = a.seed ?? DEFAULT_SPLIT_SEED;
  const file = a.files.join(' + ') || a.name;
  checkClassCount(a.classNames.length, a.maxClasses, file);
  if (a.val) checkTrainCoverage(a.classNames, a.train.y, a.val.y, file, a.valSource);
  if (a.test) checkTrainCoverage(a.classNames, a.train.y, a.test.y, file, a.testSource ?? 'the test split');
  let train = a.train;
  let val = a.val;
  let splitNote: string;
  if (val) {
    splitNote = `Validation split from the data: ${a.valSource ?? 'as given'} (${val.count.toLocaleString('en-US')} examples).`;
  } else {
    const n = train.count;
    const idx = stratifiedSplit(train.y, a.classNames.length, Math.max(1, Math.round(n * DEFAULT_VAL_FRACTION)), seed);
    val = takeSplit(train.x, train.y, size, idx.val);
    train = takeSplit(train.x, train.y, size, idx.train);
    splitNote = `No split in the data: seeded (seed ${seed}), stratified 90/10 train/validation split of the ${n.toLocaleString('en-US')} examples.`;
  }
  const ds: Dataset = {
    name: a.name,
    shape: a.shape,
    classNames: a.classNames,
    train,
    val,
    splitNote,
    normalization: normalizationFor(train.x, size),
    source: { format: a.format, files: a.files },
  };
  if (a.test) {
    ds.test = a.test;
    ds.splitNote += ` Test split: ${a.testSource ?? 'as given'} (${a.test.count.toLocaleString('en-US')} examples), evaluated once at the end.`;
  }
  if (a.classIds) ds.classIds = a.classIds;
  if (a.warnings?.length) ds.warnings = a.warnings;
  return validateDataset(ds);
}

/** Bytes scale by 1/255; other features are standardised with the train split's mean and (population) std. */
export function normalizationFor(x: Features, size: number): Normalization {
  if (x instanceof Uint8Array) return { kind: 'scale', scale: 1 / 255 };
  const n = x.length / size;
  const sum = new Float64Array(size);
  for (let i = 0; i < n; i++) for (let j = 0; j < size; j++) sum[j] += x[i * size + j];
  const mean = new Float64Array(size);
  for (let j = 0; j < size; j++) mean[j] = n > 0 ? sum[j] / n : 0;
  const sq = new Float64Array(size);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < size; j++) {
      const d = x[i * size + j] - mean[j];
      sq[j] += d * d;
    }
  }
  const std = new Float32Array(size);
  // A constant feature (std 0) is only centred: std 1, so every weights file's std can be divided by.
  for (let j = 0; j < size; j++) std[j] = n > 0 && sq[j] > 0 ? Math.sqrt(sq[j] / n) : 1;
  return { kind: 'standardize', mean: Float32Array.from(mean), std };
}
