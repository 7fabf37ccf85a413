// The lab's state in one plain TypeScript store: GPU, dataset, hyper-parameters, run status, the metric
// history and notices. Elements never own this state; they subscribe through StoreController.
import type { TrainConfig } from '../model/config';
import type { EpochSummary, MetricRecord, Progress, RunStatus } from '../model/metrics';
import type { DatasetSummary, GpuInfo, LoadProgress } from '../worker/protocol';
import { summarizeArchitecture } from './architecture-summary';
import type { RunFilesState } from './run-files-state';

export type GpuState = { state: 'pending' } | { state: 'ready'; info: GpuInfo } | { state: 'failed'; message: string };
export type DatasetState =
  | { state: 'loading'; name: string }
  | { state: 'ready'; summary: DatasetSummary }
  | { state: 'failed'; message: string };

/** A dataset load in progress: what is loading, and how far the worker has got. */
export interface DataLoad {
  what: string;
  progress?: LoadProgress;
}

export interface Notice {
  id: number;
  kind: 'error' | 'warning' | 'info';
  message: string;
}

export interface LabState {
  gpu: GpuState;
  dataset: DatasetState;
  /** A dataset load in progress; the loaded dataset stays until the new one has loaded. */
  loading?: DataLoad;
  /** The built-in dataset loaded now ('' or absent while the user's files are). */
  builtin?: string;
  /** The dataset the current run trains on: Continue needs it still loaded. */
  runDataset?: DatasetSummary;
  /** What the form shows (and the URL carries). */
  config: TrainConfig;
  /** Form fields that do not parse, by name, with why. */
  formErrors: Readonly<Record<string, string>>;
  /** The config of the run that Continue resumes and Export saves. */
  runConfig?: TrainConfig;
  status: RunStatus;
  /** Why the run ended (diverged, error) or what it reached (done), from the engine. */
  statusMessage?: string;
  /** Metric history of the current run, appended in place; `records.length` tells elements it grew. */
  records: MetricRecord[];
  progress?: Progress;
  /** The engine's summary of the last finished epoch. */
  lastEpoch?: EpochSummary;
  exporting: boolean;
  notices: Notice[];
  /** The saved run, an opened model file and the last ONNX export (run-files-state.ts). */
  files: RunFilesState;
}

type Listener = (state: LabState) => void;

export class TrainingStore {
  private _state: LabState;
  private readonly listeners = new Set<Listener>();
  private nextNoticeId = 1;

  constructor(config: TrainConfig) {
    this._state = {
      gpu: { state: 'pending' },
      dataset: { state: 'loading', name: '' },
      config,
      formErrors: {},
      status: 'idle',
      records: [],
      exporting: false,
      notices: [],
      files: {},
    };
  }

  get state(): LabState {
    return this._state;
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<LabState>): void {
    this._state = { ...this._state, ...patch };
    for (const fn of this.listeners) fn(this._state);
  }

  setGpu(gpu: GpuState): void {
    this.set({ gpu });
  }

  setDataset(dataset: DatasetState): void {
    this.set({ dataset });
  }

  setLoading(loading: DataLoad | undefined): void {
    this.set({ loading });
  }

  /** A dataset loaded: a built-in one (`builtin` is its name) or the user's files (''). */
  useDataset(summary: DatasetSummary, builtin: string): void {
    this.set({ dataset: { state: 'ready', summary }, builtin });
  }

  setConfig(patch: Partial<TrainConfig>, formErrors: Readonly<Record<string, string>>): void {
    this.set({ config: { ...this._state.config, ...patch }, formErrors });
  }

  /** A fresh run clears the curves; a resumed one keeps them and appends. */
  beginRun(config: TrainConfig, resume: boolean): void {
    this.set({
      runConfig: config,
      runDataset: resume ? this._state.runDataset : this._state.dataset.state === 'ready' ? this._state.dataset.summary : undefined,
      status: 'training',
      statusMessage: undefined,
      ...(resume ? {} : { records: [], progress: undefined, lastEpoch: undefined }),
    });
  }

  /** A run rebuilt from a file: its settings, its curves so far, and the loaded dataset as its own. */
  restoreRun(config: TrainConfig, records: readonly MetricRecord[], status: 'stopped' | 'done'): void {
    this.set({
      runConfig: config,
      runDataset: this._state.dataset.state === 'ready' ? this._state.dataset.summary : undefined,
      status,
      statusMessage: undefined,
      records: [...records],
      progress: undefined,
      lastEpoch: undefined,
    });
  }

  setFiles(patch: Partial<RunFilesState>): void {
    this.set({ files: { ...this._state.files, ...patch } });
  }

  addRecord(r: MetricRecord): void {
    this._state.records.push(r);
    this.set({});
  }

  setProgress(progress: Progress): void {
    this.set({ progress });
  }

  setLastEpoch(lastEpoch: EpochSummary): void {
    this.set({ lastEpoch });
  }

  setStatus(status: RunStatus, statusMessage?: string): void {
    this.set({ status, statusMessage });
  }

  setExporting(exporting: boolean): void {
    this.set({ exporting });
  }

  notify(kind: Notice['kind'], message: string): void {
    if (this._state.notices.some((n) => n.message === message)) return;
    this.set({ notices: [...this._state.notices, { id: this.nextNoticeId++, kind, message }] });
  }

  dismiss(id: number): void {
    this.set({ notices: this._state.notices.filter((n) => n.id !== id) });
  }
}

/** What the run buttons allow in a state. */
export function runActions(s: LabState) {
  // Without a GPU the engine trains on its CPU reference, so a failed adapter does not block Train.
  const ready = s.gpu.state !== 'pending' && s.dataset.state === 'ready';
  const fits = s.dataset.state === 'ready' && summarizeArchitecture(s.config, s.dataset.summary.shape, s.dataset.summary.classNames.length).ok;
  const busy = s.status === 'training' || s.status === 'stopping';
  // After an error (a lost device) the engine still exports the last finished epoch, if there was a run.
  const hasRun = s.runConfig !== undefined && (s.status === 'stopped' || s.status === 'done' || s.status === 'diverged' || s.status === 'error');
  return {
    train: ready && fits && !busy && Object.keys(s.formErrors).length === 0,
    stop: s.status === 'training',
    continue: ready && s.status === 'stopped' && !trainedOnOtherData(s),
    export: hasRun && !s.exporting,
  };
}
export type RunActions = ReturnType<typeof runActions>;

/** True when the stopped run trained on a dataset other than the one loaded now. */
export function trainedOnOtherData(s: LabState): boolean {
  return s.runDataset !== undefined && s.dataset.state === 'ready' && s.dataset.summary !== s.runDataset;
}
