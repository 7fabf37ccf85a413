// Hyper-parameters of a run: what the form edits, the URL carries, the CLI parses and the manifest
// records. One type, one set of defaults (d2l's: batch 256, SGD lr 0.1), and per-model presets.
import type { InitKind } from './architecture';

export type ModelName = 'softmax' | 'mlp' | 'lenet' | 'lenet-bn';
export type OptimizerName = 'sgd' | 'momentum' | 'adam';
export type ScheduleName = 'constant' | 'step' | 'cosine';
/** The hidden layers' activation (MLP and LeNet). */
export type ActivationName = 'relu' | 'sigmoid';
/** LeNet's pooling. */
export type PoolName = 'max' | 'avg';

export const modelNames: readonly ModelName[] = ['softmax', 'mlp', 'lenet', 'lenet-bn'];
export const optimizerNames: readonly OptimizerName[] = ['sgd', 'momentum', 'adam'];
export const scheduleNames: readonly ScheduleName[] = ['constant', 'step', 'cosine'];
export const activationNames: readonly ActivationName[] = ['relu', 'sigmoid'];
export const poolNames: readonly PoolName[] = ['max', 'avg'];
export const initNames: readonly InitKind[] = ['normal', 'xavier-uniform', 'he'];

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
  /** SGD momentum μ (optimizer `momentum`); Adam uses β1 = 0.9, β2 = 0.999, ε = 1e-8. */
  momentum: number;
  weightDecay: number;
  schedule: ScheduleName;
  /** σ of the normal initialisation (d2l: 0.01). */
  initSigma: number;
  /** Weight initialisation (d2l: normal(σ) for the MLPs, Xavier-uniform for the CNNs). */
  init: InitKind;
  activation: ActivationName;
  pool: PoolName;
  /** Dropout probability after each hidden activation of the MLP (0: none). */
  dropout: number;
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
  init: 'normal',
  activation: 'relu',
  pool: 'max',
  dropout: 0,
};

/** The settings a preset fixes: everything but epochs, seed and limit. */
export type PresetSettings = Omit<TrainConfig, 'epochs' | 'seed' | 'limit'>;

export interface Preset {
  name: string;
  title: string;
  /** Where the settings come from (d2l section, or the lab's own tuning). */
  source: string;
  settings: PresetSettings;
}

const sgd = { optimizer: 'sgd', momentum: 0.9, weightDecay: 0, schedule: 'constant' } as const;
const mlpLike = { hidden: [256], initSigma: 0.01, dropout: 0 };

/**
 * Named settings: d2l's for every model (`<model>-d2l`), and the lab's best LeNet (`lenet-lab`:
 * ReLU, max pooling, He init, Adam with a cosine schedule, 10 epochs ≥ 0.89 on Fashion-MNIST).
 */
export const presets = {
  'softmax-d2l': {
    name: 'softmax-d2l', title: 'Softmax regression, d2l', source: 'd2l §4.5',
    settings: { model: 'softmax', batchSize: 256, lr: 0.1, ...sgd, ...mlpLike, init: 'normal', activation: 'relu', pool: 'max' },
  },
  'mlp-d2l': {
    name: 'mlp-d2l', title: 'MLP, d2l', source: 'd2l §5.2',
    settings: { model: 'mlp', batchSize: 256, lr: 0.1, ...sgd, ...mlpLike, init: 'normal', activation: 'relu', pool: 'max' },
  },
  'mlp-dropout-d2l': {
    name: 'mlp-dropout-d2l', title: 'MLP with dropout, d2l', source: 'd2l §5.6',
    settings: { model: 'mlp', batchSize: 256, lr: 0.1, ...sgd, ...mlpLike, hidden: [256, 256], dropout: 0.5, init: 'normal', activation: 'relu', pool: 'max' },
  },
  'lenet-d2l': {
    name: 'lenet-d2l', title: 'LeNet, d2l', source: 'd2l §7.6',
    settings: { model: 'lenet', batchSize: 128, lr: 0.1, ...sgd, ...mlpLike, init: 'xavier-uniform', activation: 'sigmoid', pool: 'avg' },
  },
  'lenet-bn-d2l': {
    name: 'lenet-bn-d2l', title: 'LeNet + BatchNorm, d2l', source: 'd2l §8.5',
    settings: { model: 'lenet-bn', batchSize: 128, lr: 0.1, ...sgd, ...mlpLike, init: 'xavier-uniform', activation: 'sigmoid', pool: 'avg' },
  },
  'lenet-lab': {
    name: 'lenet-lab', title: 'LeNet, the lab\'s best', source: 'Classifier Lab: ReLU, max pooling, He init, Adam, cosine schedule',
    settings: { model: 'lenet', batchSize: 128, lr: 0.002, ...sgd, optimizer: 'adam', schedule: 'cosine', ...mlpLike, init: 'he', activation: 'relu', pool: 'max' },
  },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof presets;

/** d2l's settings for a model: what the form and the CLI start from when the model is picked. */
export function modelPreset(model: ModelName): Preset {
  return presets[`${model}-d2l`];
}

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(presets, name);
}

/** A config with a preset's settings over `base` (epochs, seed and limit kept). */
export function applyPreset(base: TrainConfig, preset: Preset): TrainConfig {
  return { ...base, ...preset.settings, hidden: [...preset.settings.hidden] };
}

/** Throws with the offending value when a setting cannot train. */
export function validateConfig(c: TrainConfig): void {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`Invalid ${name}: ${v} (a positive integer is needed)`);
  };
  const oneOf = <T extends string>(name: string, v: T, names: readonly T[]) => {
    if (!names.includes(v)) throw new Error(`Invalid ${name}: ${JSON.stringify(v)} (one of ${names.join(', ')})`);
  };
  oneOf('model', c.model, modelNames);
  positiveInt('epochs', c.epochs);
  positiveInt('batch size', c.batchSize);
  if (c.limit !== undefined) positiveInt('limit', c.limit);
  if (!(c.lr > 0) || !Number.isFinite(c.lr)) throw new Error(`Invalid learning rate: ${c.lr}`);
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 0xffffffff) throw new Error(`Invalid seed: ${c.seed} (0 … 2^32−1)`);
  if (!Array.isArray(c.hidden) || (c.model === 'mlp' && c.hidden.length === 0)) throw new Error(`Invalid hidden sizes: ${JSON.stringify(c.hidden)} (the MLP needs at least one)`);
  c.hidden.forEach((h) => positiveInt('hidden size', h));
  oneOf('optimizer', c.optimizer, optimizerNames);
  if (!(c.momentum >= 0 && c.momentum < 1)) throw new Error(`Invalid momentum: ${c.momentum} (0 ≤ μ < 1)`);
  if (!(c.weightDecay >= 0) || !Number.isFinite(c.weightDecay)) throw new Error(`Invalid weight decay: ${c.weightDecay}`);
  oneOf('schedule', c.schedule, scheduleNames);
  if (!(c.initSigma > 0) || !Number.isFinite(c.initSigma)) throw new Error(`Invalid init σ: ${c.initSigma}`);
  oneOf('init', c.init, initNames);
  oneOf('activation', c.activation, activationNames);
  oneOf('pool', c.pool, poolNames);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new Error(`Invalid dropout: ${c.dropout} (0 ≤ p < 1)`);
}
