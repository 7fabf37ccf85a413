// What the Trainer needs from a place that runs the model: the GPU (gpu-backend.ts) or the CPU
// reference (cpu-backend.ts). Steps are issued in ranges; their losses arrive later, so a GPU backend
// can keep several ranges in flight without waiting.

export interface StepLosses {
  /** Loss sum of every step in the range (sum over the batch's examples). */
  sums: Float32Array;
  /** Examples in every step of the range. */
  rows: Uint32Array;
}

export interface ValidationResult {
  /** Σ per-example loss over the validation split. */
  lossSum: number;
  /** Examples whose argmax equals the label. */
  correct: number;
  count: number;
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
  /** Parameters in file layout (waits for queued work). */
  readParams(): Promise<Map<string, Float32Array>>;
  writeParams(params: Map<string, Float32Array>): void;
  destroy(): void;
}
