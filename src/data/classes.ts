// Which classes a dataset has: the labels that occur, no more. Numeric labels (IDX, .npy, integer CSV
// cells) keep their ids beside the compact 0..k-1 indices the engine trains on, so a single label of
// 65535 makes one class, not 65,536; every class needs a training example, and more than 1,000
// classes needs an explicit option.

import { DataError } from './errors';

/** Above this many classes a load needs `maxClasses` (a typo'd label column gives thousands). */
export const DEFAULT_MAX_CLASSES = 1000;

/** The largest numeric label (labels are stored as u16 ids). */
export const MAX_LABEL_ID = 0xffff;

/** Numeric labels → the sorted ids that occur and each split's labels as indices into them. */
export function compactLabels(splits: readonly Uint32Array[]): { ids: number[]; splits: Uint32Array[] } {
  const seen = new Uint8Array(MAX_LABEL_ID + 1);
  for (const y of splits) for (let i = 0; i < y.length; i++) seen[y[i]] = 1;
  const index = new Int32Array(MAX_LABEL_ID + 1).fill(-1);
  const ids: number[] = [];
  for (let id = 0; id <= MAX_LABEL_ID; id++) {
    if (seen[id]) {
      index[id] = ids.length;
      ids.push(id);
    }
  }
  return { ids, splits: splits.map((y) => y.map((v) => index[v])) };
}

/** Refuses more classes than `max` allows, before any work that scales with them. */
export function checkClassCount(classes: number, max: number | undefined, file: string): void {
  const limit = max ?? DEFAULT_MAX_CLASSES;
  if (classes > limit) {
    throw new DataError(
      `found ${classes.toLocaleString('en-US')} classes, more than ${limit.toLocaleString('en-US')}: check the label column, ` +
        `or raise the limit (maxClasses; --max-classes N on the command line)`,
      { file },
    );
  }
}

/** Refuses a class that only validation examples have: a model cannot learn it, and its accuracy would mislead. */
export function checkTrainCoverage(classNames: readonly string[], train: Uint32Array, val: Uint32Array, file: string, valFrom = 'the validation split'): void {
  const inTrain = new Uint8Array(classNames.length);
  for (let i = 0; i < train.length; i++) inTrain[train[i]] = 1;
  const missing = new Map<number, number>();
  for (let i = 0; i < val.length; i++) if (!inTrain[val[i]]) missing.set(val[i], (missing.get(val[i]) ?? 0) + 1);
  if (missing.size === 0) return;
  const list = [...missing].slice(0, 5).map(([c, n]) => `"${classNames[c]}" (${n} in ${valFrom})`).join(', ');
  const more = missing.size > 5 ? ` and ${missing.size - 5} more` : '';
  throw new DataError(`class${missing.size === 1 ? '' : 'es'} ${list}${more} ha${missing.size === 1 ? 's' : 've'} no training example: every class needs at least one`, { file });
}
