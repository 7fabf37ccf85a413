// `classifier-lab inspect FILE.safetensors`: validates a checkpoint or export with the strict reader
// (safetensors rules, tensors vs manifest, NaN/Inf) and summarises it as one JSON-ready object.
import { decodeRunFile, describeRunFile, optimizerSlots } from '../io/checkpoint';
import { readSafetensors } from '../io/safetensors';

export interface WeightsInspection {
  file: string;
  kind: 'checkpoint' | 'export';
  description: string;
  size_bytes: number;
  tensors: { name: string; dtype: string; shape: number[] }[];
  optimizer_slots: string[];
  history_length: number;
  /** The manifest without its metric history (history_length counts it). */
  manifest: Record<string, unknown>;
}

/** Throws the reader's message (file, what, where) when the file is not a valid lab weights file. */
export function inspectWeights(bytes: Uint8Array, fileName: string): WeightsInspection {
  const raw = readSafetensors(bytes, fileName);
  const { manifest, optimizerState } = decodeRunFile(bytes, fileName);
  const { history, ...rest } = manifest;
  return {
    file: fileName,
    kind: manifest.contents ?? 'export',
    description: describeRunFile(manifest),
    size_bytes: bytes.byteLength,
    tensors: [...raw.tensors].map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape })),
    optimizer_slots: optimizerSlots(optimizerState),
    history_length: history.length,
    manifest: rest,
  };
}
