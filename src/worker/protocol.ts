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
  /** Parses the files in the worker; rejects with the loader's message (file, row, byte offset) and keeps the old dataset. */
  loadFiles(files: File[], onProgress?: (p: LoadProgress) => void, options?: DataOptions): Promise<DatasetSummary>;
  /** Trains from scratch (resume = false) or continues the stopped run (resume = true). */
  train(config: TrainConfig, events: EngineEvents, resume: boolean): Promise<void>;
  stop(): Promise<void>;
  exportWeights(): Promise<ExportedFile>;
}
