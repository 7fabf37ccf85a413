// The contract between the page and the engine worker. The worker exposes `EngineApi` through Comlink;
// the page passes an `EngineEvents` proxy to `train` and receives records as they are produced.

import type { BackendName, TrainConfig } from '../model/config';
import type { EpochSummary, MetricRecord, Progress, RunStatus } from '../model/metrics';
import type { EpochValidation, ExamplePage, ExampleQuery, KeptRun, ModelInside, Prediction, TestReport } from './insight-types';

export interface GpuInfo {
  /** Human-readable adapter description ("swiftshader (Google)"). */
  adapter: string;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

/** A few example images for the card: `count` images of shape (H, W, C) bytes, with labels. */
export interface SampleGrid {
  count: number;
  height: number;
  width: number;
  channels: number;
  pixels: Uint8Array;
  labels: number[];
}

export interface DatasetSummary {
  name: string;
  format: string;
  files: string[];
  shape: number[];
  classNames: string[];
  /** Table data with a header: the feature columns' names. */
  columns?: string[];
  counts: { train: number; val: number; test?: number };
  classCounts: { train: number[]; val: number[] };
  splitNote: string;
  samples?: SampleGrid;
  /** What the loader skipped or ignored (undecodable images, unused folders). */
  warnings?: string[];
}

export interface LoadProgress {
  file: string;
  bytesDone: number;
  bytesTotal: number;
}

/** How to read user files where the content leaves a choice (the drop zone's options, the CLI's flags). */
export interface DataOptions {
  /** CSV/TSV: the label column by header name or 0-based index (default: label/class/target/y…, else the last). */
  labelColumn?: string | number;
  /** Image folders: the side, or [height, width], every image is resized to (default: the most common size). */
  imageSize?: number | [number, number];
  /** Image folders: force grey or RGB (default: grey when every image is grey). */
  channels?: 'grey' | 'rgb';
  /** Files (names, `*` wildcards) holding a test split, evaluated once at the end. */
  testFiles?: string[];
}

/** Where a run's start-up stands (preparing data, compiling kernels, tuning the matmul, profiling a step). */
export interface StartupProgress {
  phase: 'data' | 'compile' | 'tune' | 'profile';
  /** "Compiling kernels… 7/12". */
  message: string;
}

export interface EngineEvents {
  metric(record: MetricRecord): void;
  progress(p: Progress): void;
  status(s: RunStatus, message?: string): void;
  /** One summary per finished epoch (the CLI prints these). */
  epoch?(e: EpochSummary): void;
  /** The run is starting: what it is doing before its first step. */
  startup?(p: StartupProgress): void;
  /**
   * The run went back to an earlier checkpoint (after a lost GPU device): the metric history is its first
   * `records` records again, and what follows is recomputed. `message` says what was lost.
   */
  rewind?(records: number, message: string): void;
  /** A checkpoint was written to the platform's store (position as "epoch 2, step 12 of 64"). */
  saved?(where: string): void;
  /** One finished epoch's validation statistics: confusion matrix, invalid rows, confidence bins. */
  validation?(v: EpochValidation): void;
  /** The test split's one evaluation, after the last epoch (where the data has a test split). */
  test?(report: TestReport): void;
}

/** What the engine reports outside any call: the GPU device lost, an uncaptured WebGPU error. */
export interface EngineNotices {
  gpu(kind: 'lost' | 'recovered' | 'error', message: string): void;
}

export interface ExportedFile {
  filename: string;
  bytes: Uint8Array;
}

/** What a checkpoint or export holds, in a few fields (the resume banner, the drop panel). */
export interface RunSummary {
  /** "checkpoint of mlp on Fashion-MNIST, epoch 3, step 12 of 235". */
  description: string;
  contents: 'export' | 'checkpoint';
  config: TrainConfig;
  datasetName: string;
  epochsDone: number;
  /** Next step of the current epoch (0 at an epoch boundary). */
  step: number;
  stepsPerEpoch: number;
  historyLength: number;
  createdAt: string;
  /** The run has trained all its epochs (more can be added; it cannot be resumed as it is). */
  finished: boolean;
}

/** The checkpoint kept in browser storage, and whether it can resume on the dataset loaded now. */
export interface StoredRun extends RunSummary {
  /** What differs from the loaded dataset (empty: it can resume here). */
  differences: string[];
  /** The built-in dataset it trained on, where it is one (the page offers to load it). */
  builtin?: string;
}

/** A run rebuilt from a file: ready to evaluate, or to continue with train(config, events, true). */
export interface RestoredRun extends RunSummary {
  history: MetricRecord[];
  status: 'stopped' | 'done';
  /** What differs between the dataset the file was trained on and the loaded one (empty: the same data). */
  differences: string[];
  /** What the user should know (optimizer state missing, epochs changed, ...). */
  notes: string[];
}

export interface Evaluation {
  loss: number;
  acc: number;
  count: number;
  /** The dataset whose validation split it ran on (the one loaded now). */
  dataset: string;
  /** Its confusion matrix and confidence bins, where the backend counts them. */
  validation?: EpochValidation;
}

/** An ONNX export and its parity check against the lab's own forward pass on a held-out batch. */
export interface OnnxExport extends ExportedFile {
  /** Absent only where the platform has no ONNX runtime (the CLI without onnxruntime-node). */
  check?: OnnxCheck;
}

export interface OnnxCheck {
  /** Validation examples the graph and the lab both ran. */
  rows: number;
  /** Largest |onnx − lab| over the logits. */
  maxAbsDiff: number;
  /** Rows whose argmax agrees, and whether every logit is within atol 1e-4 + rtol 1e-4·|lab|. */
  argmaxAgree: number;
  withinTolerance: boolean;
  /** The runtime that ran the graph ("onnxruntime-web 1.30.0 (wasm, 1 thread)"). */
  runtime: string;
}

/** One kernel launch of a profiled training step (GPU time from timestamp queries). */
export interface KernelTime {
  label: string;
  family: string;
  ms: number;
  gflops: number;
  /** The matmul variant it ran ("sg16x16", "8x8"). */
  variant?: string;
}

/** The performance panel's figures for the current run (src/worker/perf-tracker.ts). */
/** GPU time of one pass of a layer (its dispatches together) and the GFLOP/s of its products. */
export interface PassTime {
  ms: number;
  gflops: number;
}

/** A layer path's share of the step; a convolution's also split into its three passes. */
export interface LayerTime {
  path: string;
  ms: number;
  gflops: number;
  /** Conv layers: forward, input gradient (dX, with its weight transpose) and weight gradient (dW: the pixel-major dY, partial sums and their reduce). */
  conv?: { forward: PassTime; dX: PassTime; dW: PassTime };
}

export interface PerfReport {
  adapter: string;
  model: string;
  batchSize: number;
  /** Training examples per second: the last finished epoch's, else the running one's. */
  examplesPerSecond: number;
  /** GPU milliseconds of one training step (sum over its dispatches); null without timestamp queries. */
  stepMs: number | null;
  /** Step time per kernel family, largest first. */
  families: { family: string; ms: number; count: number; gflops: number }[];
  kernels: KernelTime[];
  /** Step time per layer path (its forward, backward and gradient sums), largest first; the batch gather, loss and optimizer as their own rows. */
  layers: LayerTime[];
  dispatchesPerStep: number;
  /** Host↔GPU traffic of the last finished epoch (null before the first ends). */
  epoch: { submits: number; mapAsyncs: number; bytesUploaded: number; dispatches: number } | null;
  /** Matmul variant per problem ("layout:rows:cols:inner"), as the manifest records them. */
  kernelChoices: Record<string, string>;
  /** What the start-up autotune timed (empty where choices came from the cache or were pinned). */
  autotune: { problem: string; chosen: string; times?: Record<string, number> }[];
}

export interface EngineApi {
  /**
   * Acquires the GPU; rejects with a message saying what is missing. `dataUrl` is where the built-in
   * datasets are served (default: `data/` beside the page).
   */
  init(options?: { dataUrl?: string }): Promise<GpuInfo>;
  loadBuiltin(name: string): Promise<DatasetSummary>;
  /** Parses the files in the worker; rejects with the loader's message (file, row, byte offset) and keeps the old dataset. */
  loadFiles(files: File[], onProgress?: (p: LoadProgress) => void, options?: DataOptions): Promise<DatasetSummary>;
  /** Trains from scratch (resume = false) or continues the stopped run (resume = true). */
  train(config: TrainConfig, events: EngineEvents, resume: boolean): Promise<void>;
  stop(): Promise<void>;
  /** The model as an export file: the last weights (default) or the run's best epoch (config.bestBy). */
  exportWeights(options?: { which?: 'last' | 'best' }): Promise<ExportedFile>;
  /** The current run as a full checkpoint (optimizer state and position included). */
  checkpoint(): Promise<ExportedFile>;
  /** Rebuilds a run from a checkpoint or export on the loaded dataset; `epochs` sets a new total. */
  openRun(bytes: Uint8Array, fileName: string, options?: { epochs?: number; backend?: BackendName }): Promise<RestoredRun>;
  /** The checkpoint kept in browser storage (saved every epoch, every 30 s and on Stop), if any. */
  storedRun(): Promise<StoredRun | null>;
  /** Rebuilds the stored run; refuses when the loaded dataset differs from the one it trained on. */
  resumeStored(): Promise<RestoredRun>;
  discardStored(): Promise<void>;
  /** Validation loss and accuracy of the current model on the loaded dataset. */
  evaluate(): Promise<Evaluation>;
  /** The current model as ONNX, run by an ONNX runtime against the lab's forward pass first. */
  exportOnnx(options?: { softmax?: boolean }): Promise<OnnxExport>;
  /** The current run as a PyTorch project (.zip: model.py, train.py for torchrun, the run, data.npz unless `data` is false). */
  exportPytorch(options?: { data?: boolean }): Promise<ExportedFile>;
  /** The run's train and validation data (after its limit) as data.npz, or the loaded dataset's. */
  exportDataset(): Promise<ExportedFile>;
  /** The current run's performance figures (per-kernel GPU time, traffic per epoch), or null before a GPU run. */
  profile(): Promise<PerfReport | null>;
  /** Hears of GPU device losses and uncaptured errors whenever they happen. */
  listen(notices: EngineNotices): Promise<void>;
  /** Extends the finished run by `epochs` epochs (continue with train(…, true)); returns what the user should know. */
  moreEpochs(epochs: number): Promise<{ config: TrainConfig; notes: string[] }>;
  /** Writes a checkpoint of the running run at its next range of steps (the page is being hidden or closed). */
  checkpointNow(): Promise<void>;
  /** Seconds between the checkpoints written while a run trains (default 30). */
  setCheckpointInterval(seconds: number): Promise<void>;
  /** Test hook: destroys the device and reports it as lost with reason `unknown`. */
  loseDeviceForTest(): Promise<void>;
  /** The validation examples of a confusion-matrix cell (or every mistake), most confident first (insight-types.ts). */
  examples(query: ExampleQuery): Promise<ExamplePage>;
  /** Class probabilities of raw inputs (rows × the data's feature size) on a CPU copy of the latest weights; works while training. */
  predict(x: Uint8Array | Float32Array, rows: number): Promise<Prediction>;
  /** The first dense layer's weights as images, conv filters and one validation example's activation maps. */
  inside(example: number): Promise<ModelInside>;
  /** The stopped or finished run's last and best weights (export files) and dataset fingerprint, for the page's run list. */
  keepRun(): Promise<KeptRun>;
}
