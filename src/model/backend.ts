// What the Trainer needs from a place that runs the model: the GPU (gpu-backend.ts) or the CPU
// reference (cpu-backend.ts). Steps are issued in ranges; their losses arrive later, so a GPU backend
// can keep several ranges in flight without waiting.
import type { CalibrationCounts } from '../reference/validation-stats';
import type { OptimizerName } from './config';
import type { ValidationOutcomes } from './outcomes';

/** The update rule a backend applies after each step's backward pass. */
export interface OptimizerSettings {
  kind: OptimizerName;
  /** SGD momentum μ (kind `momentum`). */
  momentum: number;
  /** L2 penalty λ folded into the gradient: g + λ·p. */
  weightDecay: number;
}

/** Optimizer-state slots per kind, in file-name order. */
export const optimizerSlots: Record<OptimizerName, readonly string[]> = { sgd: [], momentum: ['momentum'], adam: ['m', 'v'] };

export interface StepLosses {
  /** Loss sum of every step in the range (sum over the batch's examples). */
  sums: Float32Array;
  /** Examples in every step of the range. */
  rows: Uint32Array;
  /**
   * Rows of every step whose training-mode argmax equals the label (the train accuracy; the same argmax
   * as validation: first index on ties, a NaN row wrong). Absent where a backend does not count them.
   */
  correct?: Uint32Array;
}

export interface ValidationResult {
  /** Σ per-example loss over the validation split. */
  lossSum: number;
  /** Examples whose argmax equals the label. */
  correct: number;
  count: number;
  // The fused statistics of shaders/accuracy.wgsl (reference: src/reference/validation-stats.ts). Optional
  // only until every backend fills them (the GPU and the CPU reference do).
  /** (classes × classes) counts, row = true class, column = predicted; its trace is `correct`. */
  confusion?: Uint32Array;
  /** Rows whose logits hold a NaN: wrong, and in no cell of `confusion`. */
  invalid?: number;
  /** Confidence bins and p(true class) sums. */
  calibration?: CalibrationCounts;
}

export interface Backend {
  /** Short description for progress lines and manifests ("webgpu: swiftshader", "cpu reference"). */
  readonly description: string;
  /** Sets the epoch's example order and each step's learning rate (written once per epoch). */
  beginEpoch(order: Uint32Array, lrs: Float32Array, firstGlobalStep: number): void;
  /** Runs steps [from, to) of the current epoch; the promise resolves with their losses. */
  trainSteps(from: number, to: number): Promise<StepLosses>;
  /** Loss and correct count over the whole validation split. */
  validate(): Promise<ValidationResult>;
  /** Each validation row's outcome from the last validate() (src/model/outcomes.ts), where kept. */
  readonly outcomes?: ValidationOutcomes;
  /**
   * Model tensors in file layout (waits for queued work): the parameters `layers.{i}.weight|bias` and
   * the BatchNorm running statistics `layers.{i}.running_mean|running_var`.
   */
  readParams(): Promise<Map<string, Float32Array>>;
  /** Writes every model tensor readParams returns (a missing one throws); the optimizer starts afresh. */
  writeParams(params: Map<string, Float32Array>): void;
  /**
   * The optimizer's state in file layout, `optim.{layers.i.weight|bias}.{slot}` with slots `momentum`
   * (SGD with momentum) or `m`, `v` (Adam); empty for plain SGD. Its step count is the trainer's
   * global step, so no tensor holds it.
   */
  readOptimizerState(): Promise<Map<string, Float32Array>>;
  /** Restores what readOptimizerState returned (after writeParams, which resets it); a missing slot throws. */
  writeOptimizerState(state: Map<string, Float32Array>): void;
  destroy(): void;
}
