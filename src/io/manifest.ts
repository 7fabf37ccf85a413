// The manifest travels in a weights file's `__metadata__` as JSON: everything needed to rebuild the
// model and to know how it was trained. `format` is fixed by DESIGN.md.

import type { Architecture } from '../model/architecture';
import type { TrainConfig } from '../model/config';
import type { MetricRecord } from '../model/metrics';

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
  /** Applied to raw features before the first layer: x' = x * scale + shift (see dataset.ts). */
  normalization: ManifestNormalization;
  dataset: { name: string; train: number; val: number };
  history: MetricRecord[];
  /** Epochs completed when the file was written. */
  epochsDone: number;
  /** The adapter that trained it and any per-adapter kernel choices. */
  adapter?: string;
  kernels?: Record<string, string>;
  createdAt: string;
}
