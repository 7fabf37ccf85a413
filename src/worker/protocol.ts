// The contract between the page and the engine worker. The worker exposes `EngineApi` through Comlink;
// the page passes an `EngineEvents` proxy to `train` and receives records as they are produced.

import type { TrainConfig } from '../model/config';
import type { EpochSummary, MetricRecord, Progress, RunStatus } from '../model/metrics';

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
  counts: { train: number; val: number };
  classCounts: { train: number[]; val: number[] };
  splitNote: string;
  samples?: SampleGrid;
}

export interface LoadProgress {
  file: string;
  bytesDone: number;
  bytesTotal: number;
}

export interface EngineEvents {
  metric(record: MetricRecord): void;
  progress(p: Progress): void;
  status(s: RunStatus, message?: string): void;
  /** One summary per finished epoch (the CLI prints these). */
  epoch?(e: EpochSummary): void;
}

export interface ExportedFile {
  filename: string;
  bytes: Uint8Array;
}

export interface EngineApi {
  /**
   * Acquires the GPU; rejects with a message saying what is missing. `dataUrl` is where the built-in
   * datasets are served (default: `data/` beside the page).
   */
  init(options?: { dataUrl?: string }): Promise<GpuInfo>;
  loadBuiltin(name: string): Promise<DatasetSummary>;
  loadFiles(files: File[], onProgress?: (p: LoadProgress) => void): Promise<DatasetSummary>;
  /** Trains from scratch (resume = false) or continues the stopped run (resume = true). */
  train(config: TrainConfig, events: EngineEvents, resume: boolean): Promise<void>;
  stop(): Promise<void>;
  exportWeights(): Promise<ExportedFile>;
}
