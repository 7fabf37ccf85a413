// The first `train` training and `val` validation examples of a built-in dataset (views, no copies).
import type { Dataset } from '../../src/data/dataset';
import { featureSize } from '../../src/data/dataset';

export function firstExamples(full: Dataset, train: number, val: number): Dataset {
  const d = featureSize(full.shape);
  return {
    ...full,
    train: { x: full.train.x.subarray(0, train * d), y: full.train.y.subarray(0, train), count: train },
    val: { x: full.val.x.subarray(0, val * d), y: full.val.y.subarray(0, val), count: val },
  };
}
