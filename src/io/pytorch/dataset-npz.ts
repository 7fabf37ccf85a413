// data.npz: the run's train and validation splits as the lab holds them (after any limit; bytes stay
// uint8), with the class names, the normalisation and the dataset fingerprint in `meta` (JSON), so that
// train.py needs no loader of its own and can tell data from another dataset.
import { featureSize, type Dataset } from '../../data/dataset';
import type { DatasetFingerprint, ManifestNormalization } from '../manifest';
import { npzBytes, textArray, type NpyArray } from './npz';

/** What `meta` holds besides the arrays. */
export interface DatasetMeta {
  format: 'classifier-lab-data/1';
  name: string;
  /** Per-example raw feature shape ([C, H, W] or [D]). */
  shape: number[];
  classNames: string[];
  normalization: ManifestNormalization;
  /** The training examples kept (config.limit), when the run trained on fewer than the split holds. */
  limit?: number;
  /** Of the dataset as loaded (before the limit), as checkpoints record it. */
  fingerprint?: DatasetFingerprint;
}

/** The dataset as an .npz; `limit` keeps the first N training examples, as the run's DataModule does. */
export function datasetNpz(d: Dataset, options: { limit?: number; normalization?: ManifestNormalization; fingerprint?: DatasetFingerprint } = {}): Uint8Array {
  const size = featureSize(d.shape);
  const train = options.limit !== undefined && options.limit < d.train.count ? options.limit : d.train.count;
  const n = d.normalization;
  const meta: DatasetMeta = {
    format: 'classifier-lab-data/1',
    name: d.name,
    shape: [...d.shape],
    classNames: d.classNames,
    normalization: options.normalization ?? (n.kind === 'scale' ? n : { kind: 'standardize', mean: [...n.mean], std: [...n.std] }),
    ...(train < d.train.count && { limit: train }),
    ...(options.fingerprint && { fingerprint: options.fingerprint }),
  };
  const split = (x: Dataset['train']['x'], y: Uint32Array, count: number): [NpyArray, NpyArray] => [
    { data: x.subarray(0, count * size), shape: [count, ...d.shape] },
    { data: y.subarray(0, count), shape: [count] },
  ];
  const [xTrain, yTrain] = split(d.train.x, d.train.y, train);
  const [xVal, yVal] = split(d.val.x, d.val.y, d.val.count);
  return npzBytes({ x_train: xTrain, y_train: yTrain, x_val: xVal, y_val: yVal, meta: textArray(JSON.stringify(meta)) });
}
