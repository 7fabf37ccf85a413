// `classifier-lab inspect FILE...`: what the loaders understood, as one JSON-ready object. The CLI
// entry prints it (exit 0) or prints the DataError message (exit 2).

import { classCounts, type Dataset } from '../data/dataset';
import { loadFiles, type InputFile, type LoadOptions } from '../data/load-files';

export interface InspectResult {
  name: string;
  format: string;
  splits: { train: number; val: number };
  feature_shape: number[];
  classes: { name: string; train: number; val: number }[];
  split_note: string;
  warnings?: string[];
}

export async function inspectFiles(files: InputFile[], options?: LoadOptions): Promise<InspectResult> {
  return describeDataset(await loadFiles(files, options));
}

export function describeDataset(ds: Dataset): InspectResult {
  const k = ds.classNames.length;
  const train = classCounts(ds.train.y, k);
  const val = classCounts(ds.val.y, k);
  const out: InspectResult = {
    name: ds.name,
    format: ds.source.format,
    splits: { train: ds.train.count, val: ds.val.count },
    feature_shape: ds.shape,
    classes: ds.classNames.map((name, i) => ({ name, train: train[i], val: val[i] })),
    split_note: ds.splitNote,
  };
  if (ds.warnings?.length) out.warnings = ds.warnings;
  return out;
}
