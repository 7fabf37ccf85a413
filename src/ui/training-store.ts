// The lab's state in one plain TypeScript store: GPU, dataset, hyper-parameters, run status, the metric
// history and notices. Elements never own this state; they subscribe through StoreController.
import type { TrainConfig } from '../model/config';
import type { EpochSummary, MetricRecord, Progress, RunStatus } from '../model/metrics';
import type { EpochValidation, TestReport } from '../worker/insight-types';
import type { DatasetSummary, GpuInfo, LoadProgress, StartupProgress } from '../worker/protocol';
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
  /** What it is about ('data', 'run', 'gpu', a run-file task): a later notice or success on it replaces it. */
  topic?: string;
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
  /** What a starting run is doing before its first step (compiling kernels, tuning). */
  startup?: StartupProgress;
  /** Where the last checkpoint written to this browser's storage stands ("epoch 2, step 12 of 64"). */
  savedAt?: string;
  /** The engine's summary of the last finished epoch. */
  lastEpoch?: EpochSummary;
  /** Each finished epoch's validation statistics (confusion matrix, confidence bins), by epoch. */
  validations: EpochValidation[];
  /** The test split's one evaluation at the end of the run, reported apart from validation. */
  testReport?: TestReport;
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
      validations: [],
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

  /**
   * A dataset loaded: a built-in one (`builtin` is its name) or the user's files (''). What belonged to
   * the run on the dataset before (curves, status, figures, the ONNX check, an opened model file and
   * Continue/Export) goes: everything on the page belongs to the loaded data.
   */
  useDataset(summary: DatasetSummary, builtin: string): void {
    const s = this._state;
    const busy = s.status === 'training' || s.status === 'stopping';
    const clear = !busy && (s.runConfig !== undefined || s.records.length > 0 || s.files.opened !== undefined || s.files.onnx !== undefined);
    this.set({
      dataset: { state: 'ready', summary },
      builtin,
      ...(clear
        ? {
            runConfig: undefined, runDataset: undefined, status: 'idle' as const, statusMessage: undefined, records: [], progress: undefined,
            startup: undefined, lastEpoch: undefined, validations: [], testReport: undefined, savedAt: undefined, files: { ...s.files, opened: undefined, onnx: undefined },
          }
        : {}),
    });
    this.clearTopic('data');
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
      startup: undefined,
      testReport: undefined,
      ...(resume ? {} : { records: [], progress: undefined, lastEpoch: undefined, validations: [] }),
    });
    this.clearTopic('run');
  }

  /** The run's settings changed (more epochs were added). */
  setRunConfig(runConfig: TrainConfig): void {
    this.set({ runConfig });
  }

  setStartup(startup: StartupProgress): void {
    if (this._state.status === 'training') this.set({ startup });
  }

  /** The run went back to a checkpoint (a lost GPU device): its curves are the first `records` again. */
  rewind(records: number): void {
    this.set({ records: this._state.records.slice(0, records), startup: undefined });
  }

  /** An epoch's validation statistics (a recomputed epoch after a rewind replaces its earlier ones). */
  addValidation(v: EpochValidation): void {
    this.set({ validations: [...this._state.validations.filter((e) => e.epoch < v.epoch), v] });
  }

  setTestReport(testReport: TestReport): void {
    this.set({ testReport });
  }

  setSavedAt(savedAt: string): void {
    this.set({ savedAt });
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
      startup: undefined,
      lastEpoch: undefined,
      validations: [],
      testReport: undefined,
    });
  }

  setFiles(patch: Partial<RunFilesState>): void {
    this.set({ files: { ...this._state.files, ...patch } });
  }

  addRecord(r: MetricRecord): void {
    this._state.records.push(r);
    this.set({ startup: undefined });
  }

  setProgress(progress: Progress): void {
    this.set({ progress, startup: undefined });
  }

  setLastEpoch(lastEpoch: EpochSummary): void {
    this.set({ lastEpoch });
  }

  setStatus(status: RunStatus, statusMessage?: string): void {
    this.set({ status, statusMessage, ...(status === 'training' ? {} : { startup: undefined }) });
  }

  setExporting(exporting: boolean): void {
    this.set({ exporting });
  }

  /** Shows a notice once; one with a topic replaces the earlier notices on that topic. */
  notify(kind: Notice['kind'], message: string, topic?: string): void {
    const others = this._state.notices.filter((n) => n.message !== message && (topic === undefined || n.topic !== topic));
    if (others.length === this._state.notices.length && this._state.notices.some((n) => n.message === message)) return;
    this.set({ notices: [...others, { id: this.nextNoticeId++, kind, message, ...(topic ? { topic } : {}) }] });
  }

  /** Something on `topic` succeeded: its earlier errors and warnings no longer hold. */
  clearTopic(topic: string): void {
    if (this._state.notices.some((n) => n.topic === topic)) this.set({ notices: this._state.notices.filter((n) => n.topic !== topic) });
  }

  dismiss(id: number): void {
    this.set({ notices: this._state.notices.filter((n) => n.id !== id) });
  }

  dismissAll(): void {
    this.set({ notices: [] });
  }
}

/** What the run buttons allow in a state. */
export function runActions(s: LabState) {
  // Without a GPU the engine trains on its CPU reference, so a failed adapter does not block Train.
  const ready = s.gpu.state !== 'pending' && s.dataset.state === 'ready';
  const fits = s.dataset.state === 'ready' && summarizeArchitecture(s.config, s.dataset.summary.shape, s.dataset.summary.classNames.length).ok;
  const busy = s.status === 'training' || s.status === 'stopping';
  // A run file being opened, resumed or saved holds the run: nothing starts meanwhile.
  const free = !busy && s.files.task === undefined;
  // After an error (a lost device) the engine still exports the last checkpoint, if there was a run.
  const hasRun = s.runConfig !== undefined && (s.status === 'stopped' || s.status === 'done' || s.status === 'diverged' || s.status === 'error');
  return {
    train: ready && fits && free && Object.keys(s.formErrors).length === 0,
    stop: s.status === 'training',
    continue: ready && free && s.status === 'stopped',
    /** "Train N more epochs": the finished run goes on, with its own settings. */
    more: ready && free && s.status === 'done' && s.runConfig !== undefined,
    export: hasRun && !s.exporting,
  };
}
export type RunActions = ReturnType<typeof runActions>;

/** The run the page shows, named with its dataset ("softmax on Fashion-MNIST"), or '' without one. */
export function runLabel(s: LabState): string {
  return s.runConfig && s.runDataset ? `${s.runConfig.model} on ${s.runDataset.name}` : '';
}
