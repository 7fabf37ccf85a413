// One or two parsed CSV/TSV tables to a dataset: labels that are all non-negative integers are class
// indices, anything else is a class name (sorted names become the class list); two files are train
// (the larger) and validation and must have the same columns.

import { assemble } from './assemble';
import { MAX_LABEL_ID } from './classes';
import type { Dataset, Split } from './dataset';
import { DataError } from './errors';
import type { Table } from './csv';
import { strictNumber } from './strict-number';

export function tablesToDataset(tables: Table[], o: { name: string; format?: string; files: string[]; seed?: number; maxClasses?: number }): Dataset {
  const [train, val] = [...tables].sort((a, b) => b.rows - a.rows);
  if (tables.length > 2) throw new DataError(`got ${tables.length} tables; give one file, or two (train and validation)`, { file: tables[2].file });
  if (val) {
    if (val.columns !== train.columns) throw new DataError(`has ${val.columns} columns, ${train.file} has ${train.columns}`, { file: val.file });
    if (train.header && val.header && train.header.join('\u0000') !== val.header.join('\u0000')) {
      throw new DataError(`its header differs from ${train.file}'s: ${val.header.join(', ')} vs ${train.header.join(', ')}`, { file: val.file, row: 1 });
    }
    if (val.labelColumn !== train.labelColumn) throw new DataError(`its label column differs from ${train.file}'s`, { file: val.file });
  }
  const all = val ? [...train.labels, ...val.labels] : train.labels;
  const ints = all.every((l) => {
    const v = strictNumber(l);
    return v !== null && Number.isInteger(v) && v >= 0 && v <= MAX_LABEL_ID;
  });
  let classNames: string[];
  let classIds: number[] | undefined;
  let index: (label: string) => number;
  if (ints) {
    // Integer labels keep their ids; only those that occur are classes ("01" and "1" are both id 1).
    classIds = [...new Set(all.map((l) => strictNumber(l)!))].sort((a, b) => a - b);
    classNames = classIds.map(String);
    const map = new Map(classIds.map((id, i) => [id, i]));
    index = (l) => map.get(strictNumber(l)!)!;
  } else {
    classNames = [...new Set(all)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const map = new Map(classNames.map((c, i) => [c, i]));
    index = (l) => map.get(l)!;
  }
  const split = (t: Table): Split => ({ x: t.x, y: Uint32Array.from(t.labels, index), count: t.rows });
  const dataset = assemble({
    name: o.name,
    format: o.format ?? (train.delimiter === '\t' ? 'tsv' : 'csv'),
    files: o.files,
    shape: [train.columns - 1],
    classNames,
    classIds,
    maxClasses: o.maxClasses,
    train: split(train),
    val: val && split(val),
    valSource: val && `${val.file}, the smaller file`,
    seed: o.seed,
  });
  return train.header ? { ...dataset, featureNames: train.header.filter((_, c) => c !== train.labelColumn) } : dataset;
}
