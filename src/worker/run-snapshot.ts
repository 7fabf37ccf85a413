// A run turned into files: the checkpoint or export of its current state (tensors, optimizer state and
// the manifest with position, RNG state, fingerprint and kernel choices), the settings a file's run
// resumes with, and the ONNX export checked by a runtime against the lab's forward pass.
import { featureSize, type Dataset } from '../data/dataset';
import { kernelsVersion } from '../gpu/autotune';
import { optimizerSlots, type RunFile } from '../io/checkpoint';
import { datasetFingerprint } from '../io/dataset-fingerprint';
import { labLogits } from '../io/lab-forward';
import { featuresShape, FORMAT, type Manifest } from '../io/manifest';
import { buildOnnxModel } from '../io/onnx/onnx-model';
import { compareLogits } from '../io/onnx/parity';
import type { OnnxRunner } from '../io/onnx/runner';
import type { Architecture } from '../model/architecture';
import type { Backend } from '../model/backend';
import type { TrainConfig } from '../model/config';
import type { DataModule } from '../model/data-module';
import type { MetricRecord } from '../model/metrics';
import type { Trainer } from '../model/trainer';
import type { OnnxExport } from './protocol';
import { slug } from './run-files';

/** What of a run its files are made from (lab-engine's Run has these and more). */
export interface RunView {
  config: TrainConfig;
  arch: Architecture;
  data: DataModule;
  backend: Backend;
  trainer: Trainer;
  history: MetricRecord[];
  datasetName: string;
  /** The dataset as loaded (before the limit): the fingerprint is of this. */
  source: Dataset;
}

/** Validation examples an ONNX export is checked on. */
const ONNX_CHECK_ROWS = 256;

export const fileNameOf = (run: RunView, kind: 'export' | 'checkpoint' | 'onnx'): string =>
  `${slug(run.datasetName)}-${run.config.model}${kind === 'checkpoint' ? '-checkpoint' : ''}.${kind === 'onnx' ? 'onnx' : 'safetensors'}`;

/** The run as a file; call between ranges of steps (after fit() returned, or in the trainer's afterEpoch). */
export async function snapshotRun(run: RunView, contents: 'export' | 'checkpoint', env: { adapter: string; kernels?: Record<string, string> }): Promise<RunFile> {
  const params = await run.backend.readParams();
  const optimizerState = contents === 'checkpoint' ? await run.backend.readOptimizerState() : new Map<string, Float32Array>();
  const d = run.data.data;
  const n = d.normalization;
  const pos = run.trainer.position;
  const steps = run.data.stepsPerEpoch;
  const globalStep = pos.epoch * steps + pos.step;
  const manifest: Manifest = {
    format: FORMAT,
    architecture: run.arch,
    weightLayout: 'pytorch',
    config: run.config,
    classNames: d.classNames,
    ...(d.classIds && { classIds: [...d.classIds] }),
    normalization: n.kind === 'scale' ? n : { kind: 'standardize', mean: [...n.mean], std: [...n.std] },
    ...(run.config.resize !== undefined && { dataShape: d.shape }),
    dataset: { name: d.name, train: d.train.count, val: d.val.count },
    history: run.history,
    epochsDone: pos.epoch,
    adapter: env.adapter,
    kernels: env.kernels,
    kernelsVersion: env.kernels ? kernelsVersion : undefined,
    createdAt: new Date().toISOString(),
    contents,
    position: { ...pos, globalStep, stepsPerEpoch: steps },
    rng: { kind: 'counter', seed: run.config.seed, step: globalStep },
    optimizer: contents === 'checkpoint' ? { kind: run.config.optimizer, slots: optimizerSlots(optimizerState), steps: globalStep } : undefined,
    fingerprint: await datasetFingerprint(run.source),
  };
  return { manifest, params, optimizerState };
}

/** A file's run with a new total of epochs (if asked), and what the user should know about resuming it. */
export function planRestore(file: RunFile, fileName: string, epochs: number | undefined): { manifest: Manifest; notes: string[] } {
  const m = file.manifest;
  const notes: string[] = [];
  const config = { ...m.config };
  if (epochs !== undefined && epochs !== config.epochs) {
    if (!Number.isInteger(epochs) || epochs < m.epochsDone) throw new Error(`${fileName}: cannot train to ${epochs} epochs, the run has done ${m.epochsDone}`);
    if (config.schedule !== 'constant') notes.push(`The ${config.schedule} learning-rate schedule now spans ${epochs} epochs instead of ${config.epochs}.`);
    config.epochs = epochs;
  }
  if (m.contents !== 'checkpoint' && config.optimizer !== 'sgd') notes.push(`The file holds no optimizer state: ${config.optimizer} starts afresh from here.`);
  if (m.kernels && !recordedKernels(m)) {
    notes.push(
      `The file's GPU kernel choices were made for ${m.kernelsVersion ? `kernels "${m.kernelsVersion}"` : 'an earlier version of the lab'}, and this lab has "${kernelsVersion}": ` +
        'they are chosen afresh, so from here the run may differ in the last bits from one that was never interrupted.',
    );
  }
  return { manifest: { ...m, config }, notes };
}

/**
 * The kernel choices a resumed run pins, so that it computes as the original did: the file's, where the
 * kernels that recorded them are this lab's (in another version a block's name may stand for other code).
 */
export function recordedKernels(m: Manifest): Record<string, string> | undefined {
  return m.kernelsVersion === kernelsVersion ? m.kernels : undefined;
}

/** The ONNX graph of an export snapshot, run by `runner` (where there is one) on held-out raw examples. */
export async function onnxExport(run: RunView, file: RunFile, runner: OnnxRunner | undefined, options: { softmax?: boolean }): Promise<OnnxExport> {
  const bytes = buildOnnxModel(file.manifest, file.params, options);
  const filename = fileNameOf(run, 'onnx');
  if (!runner) return { filename, bytes };
  // The first validation examples (training examples if there is no validation split), as loaded.
  const split = run.source.val.count > 0 ? run.source.val : run.source.train;
  const rows = Math.min(ONNX_CHECK_ROWS, split.count);
  const shape = featuresShape(file.manifest);
  const x = Float32Array.from(split.x.subarray(0, rows * featureSize(shape)));
  const lab = labLogits(file.manifest, file.params, x, rows);
  const out = await runner(bytes, x, [rows, ...shape]);
  const p = compareLogits(out.logits, lab, rows, run.arch.numClasses);
  return { filename, bytes, check: { rows, maxAbsDiff: p.maxAbsDiff, argmaxAgree: p.argmaxAgree, withinTolerance: p.withinTolerance, runtime: out.runtime } };
}
