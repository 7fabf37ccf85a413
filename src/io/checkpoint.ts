// Checkpoints: one .safetensors holding a run's model tensors (BatchNorm running statistics included),
// its optimizer state (`optim.{param}.{slot}`) and, in the manifest, everything else an exact resume
// needs: trainer position, RNG state (seed + step), metric history, kernel choices, dataset fingerprint.
// An export is the same file without optimizer state (DESIGN.md), so both decode here.
import type { Normalization } from '../data/dataset';
import type { Manifest, ManifestNormalization } from './manifest';
import { decodeWeights, encodeWeights } from './weights-file';

export interface RunFile {
  manifest: Manifest;
  /** Model tensors in file layout: parameters and BatchNorm running statistics. */
  params: Map<string, Float32Array>;
  /** Optimizer state, `optim.{layers.i.weight|bias}.{slot}` in the file layout of its parameter. */
  optimizerState: Map<string, Float32Array>;
}

const OPTIM = 'optim.';

/** The slot names of optimizer-state tensors (`optim.layers.1.weight.m` → `m`), sorted. */
export function optimizerSlots(state: ReadonlyMap<string, unknown>): string[] {
  return [...new Set([...state.keys()].map((k) => k.slice(k.lastIndexOf('.') + 1)))].sort();
}

/** Serialises a run; a checkpoint must say where it stands (position) and which optimizer state it holds. */
export function encodeRunFile(file: RunFile): Uint8Array {
  const { manifest, params, optimizerState } = file;
  for (const name of params.keys()) if (name.startsWith(OPTIM)) throw new Error(`Cannot write the checkpoint: ${name} is optimizer state, not a model tensor`);
  for (const name of optimizerState.keys()) if (!name.startsWith(OPTIM)) throw new Error(`Cannot write the checkpoint: optimizer state ${name} does not start with "${OPTIM}"`);
  if (manifest.contents === 'checkpoint') {
    if (!manifest.position) throw new Error('Cannot write the checkpoint: the manifest has no trainer position');
    const slots = optimizerSlots(optimizerState);
    const said = [...(manifest.optimizer?.slots ?? [])].sort();
    if (slots.join(',') !== said.join(',')) {
      throw new Error(`Cannot write the checkpoint: the manifest names optimizer slots [${said.join(', ')}], the tensors hold [${slots.join(', ')}]`);
    }
  } else if (optimizerState.size > 0) {
    throw new Error('Cannot write an export with optimizer state: set contents to "checkpoint"');
  }
  return encodeWeights(manifest, new Map([...params, ...optimizerState]));
}

/**
 * Reads a checkpoint or an export strictly (decodeWeights: safetensors rules, tensors vs manifest,
 * NaN/Inf) and splits model tensors from optimizer state; a checkpoint's optimizer state must be the
 * slots its manifest names.
 */
export function decodeRunFile(bytes: Uint8Array, fileName: string): RunFile {
  const { manifest, params: all } = decodeWeights(bytes, fileName);
  const params = new Map<string, Float32Array>();
  const optimizerState = new Map<string, Float32Array>();
  for (const [name, t] of all) (name.startsWith(OPTIM) ? optimizerState : params).set(name, t);
  const slots = optimizerSlots(optimizerState);
  const said = [...(manifest.optimizer?.slots ?? [])].sort();
  if (manifest.contents === 'checkpoint' && slots.join(',') !== said.join(',')) {
    throw new Error(`${fileName}: the manifest names optimizer slots [${said.join(', ')}], the file holds [${slots.join(', ')}]`);
  }
  if (manifest.contents !== 'checkpoint' && optimizerState.size > 0) {
    throw new Error(`${fileName}: optimizer state (${[...optimizerState.keys()][0]}, …) in a file whose manifest does not say it is a checkpoint`);
  }
  return { manifest, params, optimizerState };
}

/** One line on what a file holds: "checkpoint of mlp at epoch 3, step 12 of 235" / "export of softmax after 10 epochs". */
export function describeRunFile(m: Manifest): string {
  const p = m.position;
  const where = p && p.step > 0 ? `epoch ${p.epoch + 1}, step ${p.step} of ${p.stepsPerEpoch}` : `${m.epochsDone} of ${m.config.epochs} epochs`;
  return `${m.contents === 'checkpoint' ? 'checkpoint' : 'export'} of ${m.architecture.name} on ${m.dataset.name}, ${where}`;
}

/** A manifest's normalisation as the dataset type holds it (typed arrays). */
export function normalizationOf(n: ManifestNormalization): Normalization {
  return n.kind === 'scale' ? n : { kind: 'standardize', mean: Float32Array.from(n.mean), std: Float32Array.from(n.std) };
}
