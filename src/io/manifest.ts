// The manifest travels in a weights file's `__metadata__` as JSON: everything needed to rebuild the
// model and to know how it was trained. `format` is fixed by DESIGN.md. A file is user input, so
// parseManifest checks every field the model is rebuilt from.

import { parseCheckedJson } from './json-check';
import { featureSize } from '../data/dataset';
import { flatNet, graphOf, type Architecture } from '../model/architecture';
import type { NodeSpec } from '../model/graph/spec';
import { defaultsFor, settingList, settings, type TrainConfig } from '../model/config';
import type { MetricRecord } from '../model/metrics';
import type { TrainerPosition } from '../model/trainer';

export const FORMAT = 'classifier-lab/1';

/** Normalisation as stored in JSON (typed arrays become plain arrays). */
export type ManifestNormalization =
  | { kind: 'scale'; scale: number }
  | { kind: 'standardize'; mean: number[]; std: number[] };

export interface Manifest {
  format: typeof FORMAT;
  architecture: Architecture;
  /** How weights are laid out in the file: PyTorch's (dense (out, in), conv (out, in, kh, kw)). */
  weightLayout: 'pytorch';
  config: TrainConfig;
  classNames: string[];
  /** Where the data's labels were numbers: the label each class stands for (class i is label classIds[i]). */
  classIds?: number[];
  /** Applied to raw features before the first layer: x' = x * scale + shift (see dataset.ts). */
  normalization: ManifestNormalization;
  /**
   * Per-example shape of the raw features (the dataset's), where config.resize makes the network's input
   * (architecture.inputShape) another size: predict, ONNX and PyTorch take this shape and resize.
   */
  dataShape?: number[];
  dataset: { name: string; train: number; val: number };
  history: MetricRecord[];
  /** Epochs completed when the file was written. */
  epochsDone: number;
  /** The adapter that trained it and any per-adapter kernel choices. */
  adapter?: string;
  kernels?: Record<string, string>;
  /**
   * The generated kernels that `kernels` names blocks of (src/gpu/autotune.ts kernelsVersion): a block name
   * may stand for other code in another version, so a resume pins the choices only where this matches.
   */
  kernelsVersion?: string;
  createdAt: string;
  /** What the file is for: an export (model tensors) or a checkpoint (plus optimizer state). Absent: export. */
  contents?: 'export' | 'checkpoint';
  /** Where training stands: resuming continues at `step` of epoch `epoch` (0-based, = completed epochs). */
  position?: TrainPosition;
  /** The random-number state: generators are counter-based, so the seed and the global step are all of it. */
  rng?: { kind: 'counter'; seed: number; step: number };
  /** The optimizer whose state the `optim.*` tensors hold, its slots, and the updates applied so far. */
  optimizer?: { kind: string; slots: string[]; steps: number };
  /** The dataset the run trained on, to tell an exact resume from training on other data. */
  fingerprint?: DatasetFingerprint;
}

/** The trainer's position (completed epochs, next step, the epoch's train loss so far) and the global step. */
export interface TrainPosition extends TrainerPosition {
  /** epoch × stepsPerEpoch + step: the updates applied so far. */
  globalStep: number;
  stepsPerEpoch: number;
}

/** A dataset's identity: sizes, shape, classes and a hash of every byte of features and labels. */
export interface DatasetFingerprint {
  name: string;
  train: number;
  val: number;
  shape: number[];
  classes: number;
  /** `sha256:<hex>` of the data (see io/dataset-fingerprint.ts), or `none` where WebCrypto is missing. */
  hash: string;
}

const show = (v: unknown) => (v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v)).slice(0, 80));

function check(ok: boolean, path: string, want: string, v: unknown): void {
  if (!ok) throw new Error(`manifest.${path}: expected ${want}, found ${show(v)}`);
}

function record(v: unknown, path: string): Record<string, unknown> {
  check(typeof v === 'object' && v !== null && !Array.isArray(v), path, 'an object', v);
  return v as Record<string, unknown>;
}

function integer(v: unknown, path: string, min: number): number {
  check(Number.isSafeInteger(v) && (v as number) >= min, path, `an integer ≥ ${min}`, v);
  return v as number;
}

function finite(v: unknown, path: string): number {
  check(typeof v === 'number' && Number.isFinite(v), path, 'a finite number', v);
  return v as number;
}

function text(v: unknown, path: string): string {
  check(typeof v === 'string', path, 'a string', v);
  return v as string;
}

/**
 * The architecture, rebuilt and checked by the graph compiler (every layer's fields, every shape). A
 * file written before graphs holds a flat `layers` list: it becomes the sequential named `layers`, so its
 * tensor names (`layers.{i}.*`) are what the model expects.
 */
function checkArchitecture(v: unknown): Architecture {
  const a = record(v, 'architecture');
  text(a.name, 'architecture.name');
  check(Array.isArray(a.inputShape) && a.inputShape.length > 0, 'architecture.inputShape', 'a non-empty list', a.inputShape);
  (a.inputShape as unknown[]).forEach((d, i) => integer(d, `architecture.inputShape[${i}]`, 1));
  integer(a.numClasses, 'architecture.numClasses', 2);
  if (a.net === undefined && Array.isArray(a.layers)) {
    a.net = flatNet(a.layers as NodeSpec[]);
    delete a.layers;
  }
  check(Array.isArray(a.net) && a.net.length > 0, 'architecture.net', 'a non-empty list of layers', a.net);
  const init = record(a.init, 'architecture.init');
  check(['normal', 'xavier-uniform', 'he'].includes(init.kind as string), 'architecture.init.kind', 'normal, xavier-uniform or he', init.kind);
  check(finite(init.sigma, 'architecture.init.sigma') >= 0, 'architecture.init.sigma', 'a number ≥ 0', init.sigma);
  const arch = a as unknown as Architecture;
  try {
    graphOf(arch);
  } catch (e) {
    throw new Error(`manifest.architecture.net: ${(e as Error).message}`);
  }
  return arch;
}

/** The shape of the raw features a caller gives the model: the dataset's, before any resize. */
export function featuresShape(m: Pick<Manifest, 'dataShape' | 'architecture'>): number[] {
  return m.dataShape ?? m.architecture.inputShape;
}

/** dataShape and config.resize go together, and resizing dataShape gives the network's input. */
function checkDataShape(m: Manifest): void {
  const resize = (m.config as { resize?: unknown }).resize;
  if (m.dataShape === undefined) {
    check(resize === undefined, 'dataShape', `the raw shape the run resized to ${String(resize)}×${String(resize)}`, undefined);
    return;
  }
  check(Array.isArray(m.dataShape) && m.dataShape.length === 3, 'dataShape', 'C, H, W of the raw images', m.dataShape);
  m.dataShape.forEach((d, i) => integer(d, `dataShape[${i}]`, 1));
  const want = [m.dataShape[0], resize, resize];
  check(m.architecture.inputShape.every((d, i) => d === want[i]), 'architecture.inputShape', `the raw ${m.dataShape.join('×')} resized by config.resize (${want.join('×')})`, m.architecture.inputShape);
}

/** Every setting as the settings schema declares it (model/config.ts); one a file predates takes its model's default. */
function checkConfig(v: unknown): void {
  const c = record(v, 'config');
  check(settings.model.kind.valid(c.model), 'config.model', settings.model.kind.need, c.model);
  const defaults: Partial<TrainConfig> = defaultsFor(c.model as TrainConfig['model']);
  for (const s of settingList) {
    if (!(s.key in c) && defaults[s.key] !== undefined) c[s.key] = defaults[s.key];
    check(s.kind.valid(c[s.key]), `config.${s.key}`, s.kind.need, c[s.key]);
  }
}

function checkNormalization(v: unknown, features: number): void {
  const n = record(v, 'normalization');
  if (n.kind === 'scale') return void finite(n.scale, 'normalization.scale');
  check(n.kind === 'standardize', 'normalization.kind', 'scale or standardize', n.kind);
  for (const k of ['mean', 'std'] as const) {
    const a = n[k];
    check(Array.isArray(a) && a.length === features, `normalization.${k}`, `a list of ${features} numbers (one per input feature)`, a);
    (a as unknown[]).forEach((x, i) => finite(x, `normalization.${k}[${i}]`));
  }
}

function checkHistory(v: unknown): void {
  check(Array.isArray(v), 'history', 'a list', v);
  (v as unknown[]).forEach((r, i) => {
    const rec = record(r, `history[${i}]`);
    integer(rec.step, `history[${i}].step`, 0);
    finite(rec.epoch, `history[${i}].epoch`);
    check(rec.key === 'loss' || rec.key === 'acc', `history[${i}].key`, 'loss or acc', rec.key);
    check(rec.split === 'train' || rec.split === 'val', `history[${i}].split`, 'train or val', rec.split);
    // JSON has no NaN: JSON.stringify writes a diverged value as null, and it comes back as NaN.
    if (rec.value === null) rec.value = NaN;
    check(typeof rec.value === 'number', `history[${i}].value`, 'a number (or null for a non-finite one)', rec.value);
  });
}

/** The optional fields a checkpoint adds (contents, position, rng, optimizer, fingerprint). */
function checkRunState(m: Record<string, unknown>): void {
  if (m.contents !== undefined) check(m.contents === 'export' || m.contents === 'checkpoint', 'contents', 'export or checkpoint', m.contents);
  if (m.position !== undefined) {
    const p = record(m.position, 'position');
    const steps = integer(p.stepsPerEpoch, 'position.stepsPerEpoch', 1);
    const epoch = integer(p.epoch, 'position.epoch', 0);
    const step = integer(p.step, 'position.step', 0);
    check(step < steps, 'position.step', `a step below stepsPerEpoch (${steps})`, step);
    check(p.globalStep === epoch * steps + step, 'position.globalStep', `epoch × stepsPerEpoch + step (${epoch * steps + step})`, p.globalStep);
    check(finite(p.epochLossSum, 'position.epochLossSum') >= 0, 'position.epochLossSum', 'a number ≥ 0', p.epochLossSum);
    integer(p.epochRows, 'position.epochRows', 0);
    check(epoch === m.epochsDone, 'position.epoch', `the completed epochs (epochsDone = ${String(m.epochsDone)})`, epoch);
  }
  if (m.rng !== undefined) {
    const r = record(m.rng, 'rng');
    check(r.kind === 'counter', 'rng.kind', '"counter"', r.kind);
    integer(r.seed, 'rng.seed', 0);
    integer(r.step, 'rng.step', 0);
    check(r.seed === (m.config as Record<string, unknown>).seed, 'rng.seed', 'the seed of the config', r.seed);
  }
  if (m.optimizer !== undefined) {
    const o = record(m.optimizer, 'optimizer');
    text(o.kind, 'optimizer.kind');
    check(Array.isArray(o.slots), 'optimizer.slots', 'a list', o.slots);
    (o.slots as unknown[]).forEach((s, i) => text(s, `optimizer.slots[${i}]`));
    integer(o.steps, 'optimizer.steps', 0);
  }
  if (m.fingerprint !== undefined) {
    const f = record(m.fingerprint, 'fingerprint');
    text(f.name, 'fingerprint.name');
    integer(f.train, 'fingerprint.train', 0);
    integer(f.val, 'fingerprint.val', 0);
    check(Array.isArray(f.shape) && f.shape.length > 0, 'fingerprint.shape', 'a non-empty list', f.shape);
    (f.shape as unknown[]).forEach((d, i) => integer(d, `fingerprint.shape[${i}]`, 1));
    integer(f.classes, 'fingerprint.classes', 2);
    check(typeof f.hash === 'string' && /^(sha256:[0-9a-f]{64}|none)$/.test(f.hash), 'fingerprint.hash', 'sha256:<64 hex digits> or none', f.hash);
  }
}

/**
 * Parses the manifest JSON of a weights file and checks every field the model is rebuilt from; throws
 * `manifest.<path>: expected …, found …`. Unknown extra fields are kept (later formats may add some).
 */
export function parseManifest(json: string): Manifest {
  let value: unknown;
  try {
    value = parseCheckedJson(json); // #15: depth bound and our own syntax messages, not JSON.parse's
  } catch (e) {
    throw new Error(`manifest: not valid JSON (${(e as Error).message})`);
  }
  const m = record(value, '(root)');
  check(m.format === FORMAT, 'format', `"${FORMAT}"`, m.format);
  check(m.weightLayout === 'pytorch', 'weightLayout', '"pytorch"', m.weightLayout);
  const arch = checkArchitecture(m.architecture);
  check(Array.isArray(m.classNames) && m.classNames.length === arch.numClasses, 'classNames', `a list of ${arch.numClasses} names (numClasses)`, m.classNames);
  (m.classNames as unknown[]).forEach((c, i) => text(c, `classNames[${i}]`));
  if (m.classIds !== undefined) {
    check(Array.isArray(m.classIds) && m.classIds.length === arch.numClasses, 'classIds', `a list of ${arch.numClasses} labels (numClasses)`, m.classIds);
    (m.classIds as unknown[]).forEach((c, i) => check(Number.isSafeInteger(c) && (c as number) >= 0 && (c as number) <= 65535, `classIds[${i}]`, 'a label from 0 to 65,535', c));
  }
  checkConfig(m.config);
  checkDataShape(m as unknown as Manifest);
  checkNormalization(m.normalization, featureSize(featuresShape(m as unknown as Manifest)));
  const d = record(m.dataset, 'dataset');
  text(d.name, 'dataset.name');
  integer(d.train, 'dataset.train', 0);
  integer(d.val, 'dataset.val', 0);
  checkHistory(m.history);
  integer(m.epochsDone, 'epochsDone', 0);
  text(m.createdAt, 'createdAt');
  if (m.adapter !== undefined) text(m.adapter, 'adapter');
  if (m.kernels !== undefined) Object.entries(record(m.kernels, 'kernels')).forEach(([k, s]) => text(s, `kernels.${k}`));
  if (m.kernelsVersion !== undefined) text(m.kernelsVersion, 'kernelsVersion');
  checkRunState(m);
  return m as unknown as Manifest;
}
