// Hyper-parameters of a run, declared once: each setting's config key, URL parameter and CLI flag (one
// name), form label, help, parser and range, default per model, which models use it and what to warn
// about. The form, the URL, the CLI (flags and usage), validateConfig and the manifest check are all
// generated from `settings`; adding a setting = a TrainConfig field + one declaration here.
import type { InitKind } from './architecture';
import { decimal, jsonObjectText, oneOf, optional, sizeList, wholeNumber, type ValueKind } from './setting-kinds';
import { parseArchitectureText, zoo, type ZooName } from './zoo';
import { formatAugment, maxCropPadding, parseAugment, type Augment } from '../reference/gather';

export type ModelName = ZooName;
export type OptimizerName = 'sgd' | 'momentum' | 'adam';
export type ScheduleName = 'constant' | 'step' | 'cosine';
/** The hidden layers' activation (MLP and LeNet). */
export type ActivationName = 'relu' | 'sigmoid';
/** LeNet's pooling. */
export type PoolName = 'max' | 'avg';

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
  /** Images resized to resize × resize inside the GPU batch gather (absent: native size). */
  resize?: number;
  /** Random crop / horizontal flip of the training batches in the batch gather (absent: none; validation never). */
  augment?: Augment;
  /** The architecture text of the `custom` model (graph/spec.ts). */
  arch?: string;
  /** Where training runs; `auto` is decided per run (src/worker/backend-choice.ts). */
  backend: BackendName;
  /** Which finished epoch is the run's best (kept and offered by Export): lowest validation loss or highest accuracy. */
  bestBy: BestBy;
}

export type BestBy = 'val-loss' | 'val-acc';

export type BackendName = 'auto' | 'webgpu' | 'wasm' | 'reference';

/** What a setting's warning may look at: the config and the loaded data's split sizes (when known). */
export interface WarnContext {
  config: TrainConfig;
  trainExamples?: number;
  valExamples?: number;
}

export interface Setting<K extends keyof TrainConfig> {
  key: K;
  /** The URL parameter and the CLI flag (`--name`): one name for both. */
  name: string;
  /** Older URL parameter names still read (`batch` for `batch-size`). */
  aliases?: readonly string[];
  /** The form's label. */
  label: string;
  /** One line: the form field's tooltip and the CLI usage. */
  help: string;
  kind: ValueKind<TrainConfig[K]>;
  /** The default, the same for every model or per model (d2l's settings for that model). */
  default: TrainConfig[K] | ((model: ModelName) => TrainConfig[K]);
  /** The models that use it (absent: every model). */
  models?: readonly ModelName[];
  /** Whether it acts given the other settings (the momentum only for SGD with momentum). */
  when?(c: TrainConfig): boolean;
  /** Set per run, never by a preset (epochs, seed, the example limit). */
  perRun?: true;
  /** The URL writes it always, or (by default) only where it differs from the model's default. */
  url?: 'always';
  /** A warning (not an error: the run can start) for a value likely to waste the run. */
  warn?(v: TrainConfig[K], ctx: WarnContext): string | undefined;
  /** A valid value other than the default, for the round-trip tests. */
  example: TrainConfig[K];
  form?: { wide?: boolean; placeholder?: string; multiline?: boolean };
  /** The CLI flag takes a file whose text is the value (`--arch FILE.json`); the URL carries the text. */
  cliFile?: true;
}

type Settings = { readonly [K in keyof TrainConfig]-?: Setting<K> };

/** d2l's per-model values, and `otherwise` for every other model. */
const byModel = <V>(values: Partial<Record<ModelName, V>>, otherwise: V) => (m: ModelName): V => values[m] ?? otherwise;
const cnn = ['lenet', 'lenet-bn'] as const;
/** d2l chapter 8's models: batch 128, Xavier-uniform (d2l's init_cnn), SGD at d2l's rates. */
const modern = { alexnet: 0.01, vgg11: 0.01, nin: 0.05, googlenet: 0.01, resnet18: 0.01, densenet: 0.01 } as const satisfies Partial<Record<ModelName, number>>;
const eachModern = <V>(v: V) => Object.fromEntries(Object.keys(modern).map((m) => [m, v])) as Partial<Record<ModelName, V>>;
const imageModels = zoo.filter((e) => e.images).map((e) => e.name);
/** What the custom model starts from: an MLP with one hidden layer, as text to edit. */
const starterArchitecture = JSON.stringify({ net: [{ type: 'flatten' }, { type: 'dense', out: 256 }, { type: 'relu' }, { type: 'dense', out: 'classes' }] }, null, 2);
const defaultModel: ModelName = 'softmax';

/** `crop:4,flip`, `crop:4`, `flip`, or `none` (absent): src/reference/gather.ts's parseAugment. */
const augmentKind: ValueKind<Augment | undefined> = {
  parse: (t) => {
    try {
      return { value: parseAugment(t) ?? undefined };
    } catch {
      return undefined;
    }
  },
  format: (v) => formatAugment(v),
  valid: (v): v is Augment | undefined =>
    v === undefined ||
    (typeof v === 'object' && v !== null && Number.isInteger((v as Augment).crop) && (v as Augment).crop >= 0 && (v as Augment).crop <= maxCropPadding &&
      typeof (v as Augment).flip === 'boolean' && ((v as Augment).crop > 0 || (v as Augment).flip)),
  equals: (a, b) => formatAugment(a) === formatAugment(b),
  need: `none, crop:N (N from 1 to ${maxCropPadding}), flip, or crop:N,flip`,
  inputMode: 'text',
};

/** Every training setting, in the form's order. */
export const settings: Settings = {
  model: {
    key: 'model', name: 'model', label: 'Model', help: 'the architecture, from the model zoo (picking one applies its d2l settings)',
    kind: oneOf<ModelName>(() => zoo.map((e) => e.name as ModelName), Object.fromEntries(zoo.map((e) => [e.name, e.title]))),
    default: defaultModel, url: 'always', example: 'mlp',
  },
  hidden: {
    key: 'hidden', name: 'hidden', label: 'Hidden sizes', help: 'units of each hidden layer, comma-separated',
    kind: sizeList(), default: [256], models: ['mlp'], example: [64, 32], form: { wide: true },
  },
  epochs: {
    key: 'epochs', name: 'epochs', label: 'Epochs', help: 'passes over the training examples',
    kind: wholeNumber(1), default: 10, perRun: true, url: 'always', example: 3,
  },
  batchSize: {
    key: 'batchSize', name: 'batch-size', aliases: ['batch'], label: 'Batch size', help: 'examples per step',
    kind: wholeNumber(1), default: byModel({ lenet: 128, 'lenet-bn': 128, ...eachModern(128), 'resnet-narrow': 128 }, 256), url: 'always', example: 64,
    warn: (v, { config, trainExamples }) => {
      const n = trainExamples === undefined ? undefined : Math.min(trainExamples, config.limit ?? Infinity);
      return n !== undefined && v > n ? `larger than the ${n.toLocaleString('en-US')} training examples: every step is one batch of all of them` : undefined;
    },
  },
  lr: {
    key: 'lr', name: 'lr', label: 'Learning rate', help: 'step size of the optimizer',
    kind: decimal({ gt: 0 }), default: byModel<number>({ ...modern, 'resnet-narrow': 0.005 }, 0.1), url: 'always', example: 0.05,
    warn: (v) => (v > 10 ? 'above 10: the loss will most likely diverge' : v < 1e-6 ? 'below 1e-6: the weights will barely move' : undefined),
  },
  seed: {
    key: 'seed', name: 'seed', label: 'Seed', help: 'the data order, initial weights and dropout masks',
    kind: wholeNumber(0), default: 0, perRun: true, url: 'always', example: 7,
  },
  limit: {
    key: 'limit', name: 'limit', label: 'Train examples', help: 'train on the first N training examples only (empty: all)',
    kind: optional(wholeNumber(1), 'all'), default: undefined, perRun: true, example: 4096, form: { placeholder: 'all' },
  },
  backend: {
    key: 'backend', name: 'backend', label: 'Compute', help: 'where training runs: auto (WebGPU on a hardware GPU, else the faster of WebAssembly and a software WebGPU adapter), webgpu, wasm (WebAssembly SIMD on every core) or reference (the float64 CPU reference: slow)',
    kind: oneOf<BackendName>(['auto', 'webgpu', 'wasm', 'reference'], { auto: 'Auto', webgpu: 'WebGPU', wasm: 'WebAssembly (CPU)', reference: 'CPU reference (slow)' }), default: 'auto', perRun: true, example: 'wasm',
  },
  bestBy: {
    key: 'bestBy', name: 'best-by', label: 'Best epoch by', help: 'the epoch kept as the run\'s best (Export offers it beside the last): lowest validation loss or highest validation accuracy; a test split never takes part',
    kind: oneOf<BestBy>(['val-loss', 'val-acc'], { 'val-loss': 'validation loss', 'val-acc': 'validation accuracy' }), default: 'val-loss', perRun: true, example: 'val-acc',
  },
  optimizer: {
    key: 'optimizer', name: 'optimizer', label: 'Optimizer', help: 'the update rule',
    kind: oneOf(['sgd', 'momentum', 'adam'] as const, { sgd: 'SGD', momentum: 'SGD + momentum', adam: 'Adam' }), default: byModel<OptimizerName>({ 'resnet-narrow': 'adam' }, 'sgd'), example: 'adam',
  },
  momentum: {
    key: 'momentum', name: 'momentum', label: 'Momentum', help: 'μ of SGD with momentum',
    kind: decimal({ ge: 0, lt: 1 }), default: 0.9, when: (c) => c.optimizer === 'momentum', example: 0.8,
  },
  weightDecay: {
    key: 'weightDecay', name: 'weight-decay', label: 'Weight decay', help: 'L2 penalty λ added to every gradient (λ·w)',
    kind: decimal({ ge: 0 }), default: 0, example: 1e-4,
  },
  schedule: {
    key: 'schedule', name: 'schedule', label: 'LR schedule', help: 'learning rate over the run',
    kind: oneOf(['constant', 'step', 'cosine'] as const, { step: 'step (÷10 at 50 %, 75 %)' }), default: byModel<ScheduleName>({ 'resnet-narrow': 'cosine' }, 'constant'), example: 'cosine',
  },
  init: {
    key: 'init', name: 'init', label: 'Init', help: 'weight initialisation',
    kind: oneOf(['normal', 'xavier-uniform', 'he'] as const, { normal: 'normal(σ)', 'xavier-uniform': 'Xavier-uniform', he: 'He' }),
    default: byModel<InitKind>({ lenet: 'xavier-uniform', 'lenet-bn': 'xavier-uniform', ...eachModern<InitKind>('xavier-uniform'), 'resnet-narrow': 'he' }, 'normal'), example: 'he',
  },
  initSigma: {
    key: 'initSigma', name: 'init-sigma', label: 'Init σ', help: 'σ of the normal initialisation',
    kind: decimal({ gt: 0 }), default: 0.01, when: (c) => c.init === 'normal', example: 0.02,
  },
  activation: {
    key: 'activation', name: 'activation', label: 'Activation', help: 'the hidden layers\' activation',
    kind: oneOf(['relu', 'sigmoid'] as const, { relu: 'ReLU' }), default: byModel<ActivationName>({ lenet: 'sigmoid', 'lenet-bn': 'sigmoid' }, 'relu'),
    models: ['mlp', ...cnn], example: 'sigmoid',
  },
  pool: {
    key: 'pool', name: 'pool', label: 'Pooling', help: 'LeNet\'s pooling',
    kind: oneOf(['max', 'avg'] as const, { avg: 'average' }), default: byModel<PoolName>({ lenet: 'avg', 'lenet-bn': 'avg' }, 'max'),
    models: cnn, example: 'max',
  },
  dropout: {
    key: 'dropout', name: 'dropout', label: 'Dropout', help: 'probability of dropping each hidden unit in training',
    kind: decimal({ ge: 0, lt: 1 }), default: 0, models: ['mlp'], example: 0.2,
  },
  resize: {
    key: 'resize', name: 'resize', label: 'Resize', help: 'images resized to N×N (bilinear) in the GPU batch gather; d2l uses 224 for AlexNet, VGG, NiN and 96 for GoogLeNet, ResNet, DenseNet',
    kind: optional(wholeNumber(4, 512), 'native size'), default: undefined, models: [...imageModels, 'custom'], example: 96, form: { placeholder: 'native' },
  },
  augment: {
    key: 'augment', name: 'augment', label: 'Augment', help: 'training batches only, inside the GPU batch gather: crop:N takes a random crop of the image zero-padded by N pixels, flip mirrors it with probability ½ (e.g. crop:4,flip); keyed by the seed, epoch and example, so a run repeats bit for bit',
    kind: augmentKind, default: undefined, models: [...imageModels, 'custom'], example: { crop: 4, flip: true }, form: { placeholder: 'none' },
  },
  arch: {
    key: 'arch', name: 'arch', label: 'Architecture', help: 'the custom model as JSON text (layers, residual and concat blocks; see the README)',
    kind: optional(jsonObjectText(parseArchitectureText), 'none'), default: byModel<string | undefined>({ custom: starterArchitecture }, undefined),
    models: ['custom'], cliFile: true, example: '{"net": [{"type": "flatten"}, {"type": "dense", "out": "classes"}]}', form: { wide: true, multiline: true },
  },
};

/** A setting of any key (the declarations as one list, in the form's order). */
export type AnySetting = { [K in keyof TrainConfig]-?: Setting<K> }[keyof TrainConfig];
export const settingList: readonly AnySetting[] = Object.values(settings) as AnySetting[];

export const modelNames: readonly ModelName[] = zoo.map((e) => e.name as ModelName);
export const optimizerNames = settings.optimizer.kind.choices!().map(([v]) => v);
export const scheduleNames = settings.schedule.kind.choices!().map(([v]) => v);
export const activationNames = settings.activation.kind.choices!().map(([v]) => v);
export const poolNames = settings.pool.kind.choices!().map(([v]) => v);
export const initNames = settings.init.kind.choices!().map(([v]) => v);

const copy = <V>(v: V): V => (Array.isArray(v) ? ([...v] as V) : v);

/** A setting's default for a model (a fresh copy of a list). */
export function defaultOf<K extends keyof TrainConfig>(s: Setting<K>, model: ModelName): TrainConfig[K] {
  const d = s.default;
  return copy(typeof d === 'function' ? (d as (m: ModelName) => TrainConfig[K])(model) : d);
}

/** Every setting at its default for `model`: d2l's settings for it. */
export function defaultsFor(model: ModelName): TrainConfig {
  const c = {} as Record<string, unknown>;
  for (const s of settingList) {
    const v = s.key === 'model' ? model : defaultOf(s, model);
    if (v !== undefined) c[s.key] = v;
  }
  return c as unknown as TrainConfig;
}

export const defaultConfig: TrainConfig = defaultsFor(defaultModel);

/** Whether a setting acts on this config's run: used by its model, and by the other settings' choices. */
export function inEffect(c: TrainConfig, key: keyof TrainConfig): boolean {
  const s = settings[key] as AnySetting;
  return (!s.models || s.models.includes(c.model)) && (!s.when || s.when(c));
}

/** Whether two configs agree on a setting. */
export function sameValue<K extends keyof TrainConfig>(key: K, a: TrainConfig, b: TrainConfig): boolean {
  return (settings[key].kind as ValueKind<TrainConfig[K]>).equals(a[key], b[key]);
}

/** The text of a config's setting (the form's field, the URL's parameter, the CLI's flag). */
export function settingText<K extends keyof TrainConfig>(key: K, c: TrainConfig): string {
  return (settings[key].kind as ValueKind<TrainConfig[K]>).format(c[key]);
}

/** The warnings of a config on data of these sizes: one line per setting likely to waste the run. */
export function configWarnings(ctx: WarnContext): { key: keyof TrainConfig; label: string; message: string }[] {
  const out: { key: keyof TrainConfig; label: string; message: string }[] = [];
  for (const s of settingList) {
    if (!s.warn || !inEffect(ctx.config, s.key)) continue;
    const message = (s.warn as (v: unknown, ctx: WarnContext) => string | undefined)(ctx.config[s.key], ctx);
    if (message) out.push({ key: s.key, label: s.label, message });
  }
  return out;
}

/** The settings a preset fixes: everything but epochs, seed and limit. */
export type PresetSettings = Omit<TrainConfig, 'epochs' | 'seed' | 'limit'>;

export interface Preset {
  name: string;
  title: string;
  /** Where the settings come from (d2l section, or the lab's own tuning). */
  source: string;
  /** The model, and the settings that differ from that model's defaults. */
  settings: Partial<PresetSettings> & { model: ModelName };
}

/**
 * Named settings: d2l's for every model (`<model>-d2l`: the model's defaults), d2l's MLP with dropout,
 * and the lab's best LeNet (`lenet-lab`: ReLU, max pooling, He init, Adam with a cosine schedule, 10
 * epochs ≥ 0.89 on Fashion-MNIST).
 */
export const presets = {
  'softmax-d2l': { name: 'softmax-d2l', title: 'Softmax regression, d2l', source: 'd2l §4.5', settings: { model: 'softmax' } },
  'mlp-d2l': { name: 'mlp-d2l', title: 'MLP, d2l', source: 'd2l §5.2', settings: { model: 'mlp' } },
  'mlp-dropout-d2l': { name: 'mlp-dropout-d2l', title: 'MLP with dropout, d2l', source: 'd2l §5.6', settings: { model: 'mlp', hidden: [256, 256], dropout: 0.5 } },
  'lenet-d2l': { name: 'lenet-d2l', title: 'LeNet, d2l', source: 'd2l §7.6', settings: { model: 'lenet' } },
  'lenet-bn-d2l': { name: 'lenet-bn-d2l', title: 'LeNet + BatchNorm, d2l', source: 'd2l §8.5', settings: { model: 'lenet-bn' } },
  'alexnet-d2l': { name: 'alexnet-d2l', title: 'AlexNet, d2l', source: 'd2l §8.1 (224×224 in the book: Resize 224)', settings: { model: 'alexnet' } },
  'vgg11-d2l': { name: 'vgg11-d2l', title: 'VGG-11, d2l', source: 'd2l §8.2 (224×224 in the book)', settings: { model: 'vgg11' } },
  'nin-d2l': { name: 'nin-d2l', title: 'NiN, d2l', source: 'd2l §8.3 (224×224 in the book)', settings: { model: 'nin' } },
  'googlenet-d2l': { name: 'googlenet-d2l', title: 'GoogLeNet, d2l', source: 'd2l §8.4 (96×96 in the book)', settings: { model: 'googlenet' } },
  'resnet18-d2l': { name: 'resnet18-d2l', title: 'ResNet-18, d2l', source: 'd2l §8.6 (96×96 in the book)', settings: { model: 'resnet18' } },
  'densenet-d2l': { name: 'densenet-d2l', title: 'DenseNet, d2l', source: 'd2l §8.7 (96×96 in the book)', settings: { model: 'densenet' } },
  'resnet-lab': {
    name: 'resnet-lab', title: 'Narrow ResNet, the lab\'s', source: 'Classifier Lab: CIFAR-style ResNet (16–64 channels), He init, Adam, cosine schedule, batch 128',
    settings: { model: 'resnet-narrow' },
  },
  // For long runs: crop and flip pay off over epochs, but cost a 1-epoch, 2,000-example run about 0.15 of
  // validation accuracy (0.395 vs 0.548 measured side by side), so the short-run preset goes without.
  'resnet-lab-augment': {
    name: 'resnet-lab-augment', title: 'Narrow ResNet with crop and flip, the lab\'s', source: 'Classifier Lab: resnet-lab with RandomCrop(padding 4) and horizontal flips in the batch gather, for runs of many epochs',
    settings: { model: 'resnet-narrow', augment: { crop: 4, flip: true } },
  },
  'lenet-lab': {
    name: 'lenet-lab', title: 'LeNet, the lab\'s best', source: 'Classifier Lab: ReLU, max pooling, He init, Adam, cosine schedule',
    settings: { model: 'lenet', lr: 0.002, optimizer: 'adam', schedule: 'cosine', init: 'he', activation: 'relu', pool: 'max' },
  },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof presets;
export const presetList: readonly Preset[] = Object.values(presets) as readonly Preset[];

/** d2l's settings for a model: what the form and the CLI start from when the model is picked. */
export function modelPreset(model: ModelName): Preset {
  return presetList.find((p) => p.name === `${model}-d2l`) ?? { name: `${model}-d2l`, title: model, source: '', settings: { model } };
}

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(presets, name);
}

/** Every setting a preset fixes: its model's defaults with the preset's own values over them. */
export function presetValues(preset: Preset): PresetSettings {
  const { epochs: _e, seed: _s, limit: _l, ...d } = defaultsFor(preset.settings.model);
  const own = Object.fromEntries(Object.entries(preset.settings).map(([k, v]) => [k, copy(v)]));
  return { ...d, ...own };
}

/** A config with a preset's settings over `base` (epochs, seed and limit kept). */
export function applyPreset(base: TrainConfig, preset: Preset): TrainConfig {
  return { ...base, ...presetValues(preset) };
}

/** The preset whose settings the config has, if any (settings that do not act on the run aside). */
export function matchingPreset(c: TrainConfig): Preset | undefined {
  return presetList.find((p) => {
    // A setting the preset leaves unset (augment, resize) must be unset in the config too.
    const pv = presetValues(p) as Partial<Record<keyof TrainConfig, unknown>>;
    return settingList.every((s) => s.perRun || !inEffect(c, s.key) || sameValue(s.key, c, { ...c, [s.key]: pv[s.key] } as TrainConfig));
  });
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? JSON.stringify(v) : String(v));

/** Throws with the setting, the offending value and what it needs when a config cannot train. */
export function validateConfig(c: TrainConfig): void {
  for (const s of settingList) {
    const v = c[s.key];
    if (!s.kind.valid(v)) throw new Error(`Invalid ${s.label.toLowerCase()}: ${show(v)} (${s.kind.need})`);
  }
}
