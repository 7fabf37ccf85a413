// d2l §sec_oo-design DataModule: the dataset, the batch size and the per-epoch example order.
// The order is a seeded permutation keyed by (seed, epoch), so any epoch can be replayed alone.
import { limitSplit, featureSize, type Dataset } from '../data/dataset';
import { permutation, Stream, streamKey } from '../reference/random';

export class DataModule {
  readonly data: Dataset;

  constructor(dataset: Dataset, readonly batchSize: number, readonly seed: number, limit?: number) {
    const size = featureSize(dataset.shape);
    this.data = { ...dataset, train: limitSplit(dataset.train, limit, size) };
    if (this.data.train.count < 1) throw new Error('the training split is empty');
  }

  get numTrain(): number {
    return this.data.train.count;
  }

  get numVal(): number {
    return this.data.val.count;
  }

  /** Steps per epoch; the last, partial batch is kept (60,000 = 234 × 256 + 96). */
  get stepsPerEpoch(): number {
    return Math.ceil(this.numTrain / this.batchSize);
  }

  /** Examples in step `s` of an epoch. */
  rowsAt(s: number): number {
    return Math.min(this.batchSize, this.numTrain - s * this.batchSize);
  }

  /** d2l's shuffled train_dataloader, as the index order of epoch `epoch` (0-based). */
  order(epoch: number): Uint32Array {
    return permutation(this.numTrain, streamKey(this.seed, Stream.shuffle, epoch));
  }
}
