// Hyper-parameters of a run: what the form edits, the URL carries, the CLI parses and the manifest
// records. One type, one set of defaults (d2l's: batch 256, SGD lr 0.1).

export type ModelName = 'softmax' | 'mlp' | 'lenet' | 'lenet-bn';
export type OptimizerName = 'sgd' | 'momentum' | 'adam';
export type ScheduleName = 'constant' | 'step' | 'cosine';

export interface TrainConfig {
  model: ModelName;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** Train on the first `limit` training examples only (tests, quick looks). */
  limit?: number;
  /** Hidden layer sizes of the MLP. */
  hidden: number[];
  optimizer: OptimizerName;
  momentum: number;
  weightDecay: number;
  schedule: ScheduleName;
  /** σ of the normal initialisation (d2l: 0.01). */
  initSigma: number;
}

export const defaultConfig: TrainConfig = {
  model: 'softmax',
  epochs: 10,
  batchSize: 256,
  lr: 0.1,
  seed: 0,
  hidden: [256],
  optimizer: 'sgd',
  momentum: 0.9,
  weightDecay: 0,
  schedule: 'constant',
  initSigma: 0.01,
};

/** Throws with the offending value when a setting cannot train. */
export function validateConfig(c: TrainConfig): void {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`Invalid ${name}: ${v} (a positive integer is needed)`);
  };
  positiveInt('epochs', c.epochs);
  positiveInt('batch size', c.batchSize);
  if (c.limit !== undefined) positiveInt('limit', c.limit);
  if (!(c.lr > 0) || !Number.isFinite(c.lr)) throw new Error(`Invalid learning rate: ${c.lr}`);
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 0xffffffff) throw new Error(`Invalid seed: ${c.seed} (0 … 2^32−1)`);
  c.hidden.forEach((h) => positiveInt('hidden size', h));
  if (!(c.weightDecay >= 0)) throw new Error(`Invalid weight decay: ${c.weightDecay}`);
  if (!(c.initSigma > 0)) throw new Error(`Invalid init σ: ${c.initSigma}`);
}
