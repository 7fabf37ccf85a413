// The files of `classifier-lab train`: `--resume FILE` (a checkpoint or export from the page or the CLI),
// `--checkpoint FILE` (a full checkpoint, saved at every epoch end, on Ctrl-C and at the end), `--out FILE`
// (an export: model tensors, no optimizer state) and `--onnx FILE` (checked with onnxruntime-node when installed).
import { writeFile } from 'node:fs/promises';
import { builtinDatasets, isBuiltinName } from '../data/builtin';
import { decodeRunFile } from '../io/checkpoint';
import { describeFingerprint } from '../io/dataset-fingerprint';
import { settingList, type BackendName } from '../model/config';
import type { Manifest } from '../io/manifest';
import type { OnnxRunner } from '../io/onnx/runner';
import type { LabEngine } from '../worker/lab-engine';
import { slug } from '../worker/run-files';
import { InputError, parseUserFile } from './input-error';

/** Options that set up a new run (every training setting but the epochs, and a preset): a resumed run keeps its own. */
const RUN_SETTINGS = ['preset', ...settingList.filter((s) => s.key !== 'epochs').map((s) => s.name)];

export interface ResumeFile {
  path: string;
  bytes: Uint8Array;
  manifest: Manifest;
}

/** Reads and validates `--resume FILE` before any GPU work, and refuses settings a resumed run cannot change. */
export async function readResumeFile(path: string, values: Record<string, unknown>): Promise<ResumeFile> {
  const clash = RUN_SETTINGS.filter((k) => values[k] !== undefined);
  if (clash.length > 0) {
    throw new InputError(`--resume continues the run with its own settings; drop ${clash.map((k) => `--${k}`).join(', ')} (only --epochs may change, to set a new total)`);
  }
  return parseUserFile(path, (bytes) => ({ path, bytes, manifest: decodeRunFile(bytes, path).manifest }));
}

/** The built-in dataset a file was trained on, for `--resume` without `--dataset`. */
export function builtinOf(m: Manifest): string {
  const name = slug(m.dataset.name);
  if (isBuiltinName(name)) return name;
  const names = builtinDatasets.map((b) => b.name).join(', ');
  throw new InputError(`the run trained on ${m.dataset.name}, which is not a built-in dataset (${names}): give --dataset`);
}

/** Opens the resumed run on the loaded dataset; a different dataset is refused, naming what differs. */
export async function openResumed(engine: LabEngine, file: ResumeFile, epochs: number | undefined, backend?: BackendName) {
  const restored = await engine.openRun(file.bytes, file.path, { ...(epochs !== undefined && { epochs }), ...(backend && { backend }) });
  if (restored.differences.length > 0) {
    const was = file.manifest.fingerprint ? describeFingerprint(file.manifest.fingerprint) : file.manifest.dataset.name;
    throw new InputError(`${file.path} trained on ${was}; the loaded dataset differs in ${restored.differences.join(', ')}`);
  }
  return restored;
}

/** onnxruntime-node where it is installed (a development dependency), else undefined. */
export async function nodeOnnxRunner(): Promise<OnnxRunner | undefined> {
  try {
    await import('onnxruntime-node');
  } catch {
    return undefined;
  }
  const { runOnnxNode } = await import('../io/onnx/run-node');
  return runOnnxNode;
}

export interface OutputOptions {
  out?: string;
  onnx?: string;
  softmax?: boolean;
}

/** Writes the export and the ONNX graph after training; messages go to stderr. */
export async function writeOutputs(engine: LabEngine, o: OutputOptions): Promise<void> {
  const say = (m: string) => process.stderr.write(`${m}\n`);
  if (o.out) {
    const file = await engine.exportWeights();
    await writeFile(o.out, file.bytes);
    say(`wrote ${o.out} (${file.bytes.byteLength} bytes, export: no optimizer state)`);
  }
  if (o.onnx) {
    const file = await engine.exportOnnx({ softmax: o.softmax });
    await writeFile(o.onnx, file.bytes);
    const c = file.check;
    say(c
      ? `wrote ${o.onnx} (${file.bytes.byteLength} bytes); ${c.runtime} on ${c.rows} validation examples: largest logit difference ${c.maxAbsDiff.toExponential(2)}, argmax agrees on ${c.argmaxAgree}/${c.rows}`
      : `wrote ${o.onnx} (${file.bytes.byteLength} bytes); not checked: onnxruntime-node is not installed`);
    if (c && (!c.withinTolerance || c.argmaxAgree !== c.rows)) throw new Error(`the ONNX graph disagrees with the lab's forward pass (largest logit difference ${c.maxAbsDiff})`);
  }
}
