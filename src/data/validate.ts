// The last gate before a dataset replaces the current one: sizes agree, labels in range, at least two
// classes present, finite values. Every loader ends here; a failure names the split and the index.

import { featureSize, type Dataset, type Split } from './dataset';
import { DataError } from './errors';

export function validateDataset(ds: Dataset): Dataset {
  const file = ds.source.files.join(' + ') || ds.name;
  if (ds.shape.length === 0 || !ds.shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new DataError(`feature shape [${ds.shape.join(', ')}] must be positive integers`, { file });
  }
  const size = featureSize(ds.shape);
  const classes = ds.classNames.length;
  if (classes < 2) throw new DataError(`found ${classes} class${classes === 1 ? '' : 'es'}; a classifier needs at least 2`, { file });
  if (new Set(ds.classNames).size !== classes) throw new DataError(`class names repeat: ${ds.classNames.join(', ')}`, { file });
  const present = new Set<number>();
  for (const [name, s] of [['train', ds.train], ['validation', ds.val]] as const) {
    checkSplit(name, s, size, classes, file, present);
  }
  if (ds.test) checkSplit('test', ds.test, size, classes, file, new Set<number>());
  if (ds.train.count === 0) throw new DataError('the training split is empty', { file });
  if (ds.val.count === 0) throw new DataError('the validation split is empty', { file });
  if (present.size < 2) {
    throw new DataError(`all examples have the same label (${ds.classNames[[...present][0]]}); a classifier needs at least 2 classes`, { file });
  }
  if (ds.normalization.kind === 'standardize') {
    const { mean, std } = ds.normalization;
    if (mean.length !== size || std.length !== size) throw new DataError(`normalisation has ${mean.length} means for ${size} features`, { file });
    for (let j = 0; j < size; j++) {
      if (!Number.isFinite(mean[j]) || !Number.isFinite(std[j])) {
        throw new DataError(`feature ${j} has a non-finite mean or standard deviation (values too large for float32?)`, { file });
      }
    }
  }
  return ds;
}

function checkSplit(name: string, s: Split, size: number, classes: number, file: string, present: Set<number>): void {
  if (s.y.length !== s.count) throw new DataError(`${name} split has ${s.y.length} labels for ${s.count} examples`, { file });
  if (s.x.length !== s.count * size) {
    throw new DataError(`${name} split has ${s.x.length} feature values; ${s.count} examples × ${size} features need ${s.count * size}`, { file });
  }
  for (let i = 0; i < s.count; i++) {
    const label = s.y[i];
    if (label >= classes) throw new DataError(`${name} example ${i} has label ${label}, outside [0, ${classes})`, { file });
    present.add(label);
  }
  if (s.x instanceof Float32Array) {
    for (let i = 0; i < s.x.length; i++) {
      if (!Number.isFinite(s.x[i])) {
        const row = Math.floor(i / size);
        throw new DataError(`${name} example ${row}, feature ${i - row * size} is ${s.x[i]} (values must be finite)`, { file });
      }
    }
  }
}
