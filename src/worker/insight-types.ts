// What the engine tells the page about what a model learned (issue 12): the validation statistics of
// every epoch, the examples behind a cell of the confusion matrix, predictions for the user's own input
// and the inside of the model. Plain data, so it crosses the worker boundary as is.
import type { CalibrationCounts } from '../reference/validation-stats';

/** One epoch's validation statistics (the fused accuracy kernel's counts). */
export interface EpochValidation {
  epoch: number;
  /** Validation examples, mean loss and accuracy. */
  count: number;
  loss: number;
  acc: number;
  /** (classes × classes), row = true class, column = predicted. */
  confusion: Uint32Array;
  /** NaN rows: wrong and in no cell. */
  invalid: number;
  calibration: CalibrationCounts;
}

/** Which validation examples to list: a cell (true and predicted class), every mistake, or the invalid rows. */
export interface ExampleQuery {
  trueClass?: number;
  predClass?: number | 'invalid';
  wrongOnly?: boolean;
  /** At most this many are shown (with features), most confident first. */
  limit: number;
}

export interface ShownExample {
  /** Row of the validation split. */
  index: number;
  label: number;
  /** Up to three classes by falling probability, and their probabilities (empty for an invalid row). */
  top: number[];
  probs: number[];
  pTrue: number;
  /** The raw features as loaded (bytes for images, numbers for table rows). */
  features: Uint8Array | Float32Array;
}

export interface ExamplePage {
  /** Examples matching the query; `shown` are the most confident `limit` of them. */
  total: number;
  shown: ShownExample[];
  /** The epoch whose validation the outcomes come from (0: an evaluation of a restored model). */
  epoch: number;
  /** Per-example feature shape ([C, H, W] for images, [D] for table rows) and table column names. */
  shape: number[];
  columns?: string[];
}

/** The model's answer to the user's own input. */
export interface Prediction {
  /** (rows × classes) probabilities. */
  probs: Float32Array;
  /** Which weights answered: "epoch 3, step 120" (a copy of the latest, refreshed at most once a second while training). */
  weights: string;
  /** Milliseconds of the CPU forward pass. */
  ms: number;
}

export interface FilterTiles {
  path: string;
  /** (out, in, kh, kw) weights, PyTorch layout. */
  shape: number[];
  weights: Float32Array;
  /** The layer's output for the chosen example (after its fused activation where the graph fuses one): [C, H, W]. */
  activationShape: number[];
  activation: Float32Array;
}

export interface ModelInside {
  /** The first dense layer reading the image's pixels: one (C, H, W) tile per unit. */
  dense?: { path: string; units: number; tileShape: number[]; weights: Float32Array };
  convs: FilterTiles[];
  /** The example the activation maps are of. */
  example: { index: number; label: number; features: Uint8Array | Float32Array; shape: number[] };
}

/** The test split's one evaluation, after the last epoch (never used to choose the best epoch). */
export type TestReport = EpochValidation;

/** What the page keeps of a finished (or stopped) run: its last and best weights as export files. */
export interface KeptRun {
  last: { filename: string; bytes: Uint8Array };
  best?: { filename: string; bytes: Uint8Array; epoch: number; by: 'val-loss' | 'val-acc'; value: number };
  fingerprint?: import('../io/manifest').DatasetFingerprint;
  test?: TestReport;
}
