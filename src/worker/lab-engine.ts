// The engine behind the page and the CLI: holds the dataset, the GPU and the current run, and turns
// EngineApi calls into run work: engine-run.ts builds runs, run-guard.ts trains them with checkpoints
// (in memory and in the platform's store) and moves them to a new device when the GPU is lost.
// It never touches the DOM; in the browser it runs inside engine-worker.ts, in Node the CLI calls it.
import { isBuiltinName, loadBuiltin, type ReadFile } from '../data/builtin';
import type { Dataset } from '../data/dataset';
import type { ChoiceStore } from '../gpu/autotune';
import type { GpuResult } from '../gpu/device';
import { decodeRunFile, encodeRunFile, type RunFile } from '../io/checkpoint';
import { datasetFingerprint, describeFingerprint, fingerprintDifferences } from '../io/dataset-fingerprint';
import type { OnnxRunner } from '../io/onnx/runner';
import { datasetNpzFile, pytorchProjectZip } from '../io/pytorch/project-zip';
import { validateConfig, type BackendName, type TrainConfig } from '../model/config';
import { summarize } from './dataset-summary';
import { buildRun, makeTrainer, type Run } from './engine-run';
import { GpuSession, describeLoss } from './gpu-session';
import { RunGuard } from './run-guard';
import type {
  DataOptions, DatasetSummary, EngineApi, EngineEvents, EngineNotices, Evaluation, ExportedFile, GpuInfo, LoadProgress, OnnxExport, PerfReport, RestoredRun, StoredRun,
} from './protocol';
import { checkFits, slug, summaryOf } from './run-files';
import { fileNameOf, onnxExport, planRestore, snapshotRun } from './run-snapshot';
import { RunInsight } from './run-insight';
import { toEpochValidation } from './validation-log';
import type { ExamplePage, ExampleQuery, KeptRun, ModelInside, Prediction } from './insight-types';

/** Where the engine keeps the latest checkpoint (OPFS in the browser, a file for the CLI). */
export interface CheckpointStore {
  save(bytes: Uint8Array): Promise<void>;
  load(): Promise<Uint8Array | null>;
  clear(): Promise<void>;
}

const quietEvents: EngineEvents = { metric: () => {}, progress: () => {}, status: () => {} };

export interface Platform {
  acquireGpu(): Promise<GpuResult>;
  /** Reads a built-in dataset file; `dataUrl` comes from init() where the platform serves files. */
  readBuiltin(dataUrl?: string): ReadFile;
  /** Parses user files into a validated Dataset, or throws the loader's DataError. */
  loadFiles?(files: File[], onProgress?: (p: LoadProgress) => void, options?: DataOptions): Promise<Dataset>;
  /** Keeps the latest checkpoint: written at every epoch end, every 30 s, on Stop and on request. */
  checkpoints?: CheckpointStore;
  /** An ONNX runtime, to check an ONNX export against the lab's forward pass before it is handed out. */
  runOnnx?: OnnxRunner;
  /** Where autotuned matmul choices are cached per adapter; absent, runs use the fixed heuristic (tests). */
  kernelChoices?: ChoiceStore;
  /** Sleep through most of each range of steps before awaiting it (Dawn in Node polls in a busy loop). */
  paceHost?: boolean;
}

export class LabEngine implements EngineApi {
  private readonly gpu: GpuSession;
  private gpuFailure = '';
  private dataUrl: string | undefined;
  private dataset: Dataset | null = null;
  private run: Run | null = null;
  private notices: EngineNotices | null = null;
  private busy = false;
  private loading = false;
  /** Stop was pressed during the current train() call. */
  private stopAsked = false;
  private readonly guard: RunGuard;

  constructor(private readonly platform: Platform) {
    this.gpu = new GpuSession(platform.acquireGpu, {
      // Only a run on the GPU moves to a new device; one on WebAssembly or the CPU reference goes on.
      lost: (loss) => this.notify('lost', this.busy && this.run?.device
        ? `The GPU device was lost (${describeLoss(loss)}); the run gets a new one and continues from its last checkpoint.`
        : `The GPU device was lost (${describeLoss(loss)}); the next run gets a new one.`),
      error: (message) => this.notify('error', `WebGPU error: ${message}`),
    }, platform.kernelChoices);
    this.guard = new RunGuard({
      gpu: this.gpu,
      store: platform.checkpoints,
      current: () => (this.busy ? this.run : null),
      stopAsked: () => this.stopAsked,
      runFile: (run) => this.runFile(run, 'checkpoint'),
      rebuild: (run, from) => this.newRun(run.config, run.events, from),
      recovered: (message) => this.notify('recovered', message),
    });
  }

  /** How long the last mid-run checkpoint held the trainer (its read-back of weights and optimizer state). */
  get lastPauseMs(): number {
    return this.guard.lastPauseMs;
  }

  async init(options: { dataUrl?: string } = {}): Promise<GpuInfo> {
    this.dataUrl = options.dataUrl;
    const r = await this.gpu.open();
    if (!r.ok) {
      this.gpuFailure = r.failure.message;
      throw new Error(r.failure.message);
    }
    const device = r.gpu.device;
    return { adapter: r.gpu.description, maxBufferSize: device.limits.maxBufferSize, maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize };
  }

  async listen(notices: EngineNotices): Promise<void> {
    this.notices = notices;
  }

  private notify(kind: 'lost' | 'recovered' | 'error', message: string): void {
    this.notices?.gpu(kind, message);
  }

  async loadBuiltin(name: string): Promise<DatasetSummary> {
    if (!isBuiltinName(name)) throw new Error(`Unknown built-in dataset "${name}"`);
    return this.load(() => loadBuiltin(name, this.platform.readBuiltin(this.dataUrl)));
  }

  async loadFiles(files: File[], onProgress?: (p: LoadProgress) => void, options?: DataOptions): Promise<DatasetSummary> {
    const platform = this.platform;
    if (!platform.loadFiles) throw new Error('This engine cannot read files');
    return this.load(() => platform.loadFiles!(files, onProgress, options));
  }

  /** One load at a time, never during training; parsing happens before anything is replaced. */
  private async load(parse: () => Promise<Dataset>): Promise<DatasetSummary> {
    if (this.busy) throw new Error('Stop training before loading another dataset');
    if (this.loading) throw new Error('Another dataset is still loading');
    this.loading = true;
    try {
      const d = await parse();
      if (this.busy) throw new Error('Stop training before loading another dataset');
      this.dataset = d;
      // Hash the data now, in the background, so that checkpoints do not wait for it later.
      datasetFingerprint(d).catch(() => undefined);
      return summarize(d);
    } finally {
      this.loading = false;
    }
  }

  get currentDataset(): Dataset | null {
    return this.dataset;
  }

  async train(config: TrainConfig, events: EngineEvents, resume: boolean): Promise<void> {
    if (this.busy) throw new Error('Training is already running');
    this.busy = true;
    this.stopAsked = false;
    try {
      if (resume && this.run && this.run.source !== this.dataset) {
        throw new Error(`The stopped run trained on ${this.run.datasetName}, not on the dataset loaded now: press Train to start over on it`);
      }
      let run = !resume || !this.run ? await this.newRun(config, events) : this.run;
      run.events = events;
      // A stopped run whose device was lost meanwhile moves to a new one from its checkpoint.
      if (run.device && run.device !== this.gpu.gpu?.device) run = await this.guard.moveToNewDevice(run, null);
      // Stop pressed while the run was being set up (the data going up to the GPU) never reached a trainer.
      if (this.stopAsked) {
        events.status('stopped');
        return;
      }
      await this.guard.train(run);
      // A finished run meets its test split once (never before: the test split chooses nothing).
      const ended = this.run;
      if (ended && ended.trainer.position.epoch >= ended.config.epochs) await this.insight.testAtEnd(ended, this.gpu.kc && this.gpu.gpu ? { kc: this.gpu.kc, adapter: this.gpu.gpu.description } : null);
    } catch (e) {
      events.status('error', e instanceof Error ? e.message : String(e));
      throw e;
    } finally {
      this.busy = false;
    }
  }

  /** A run from scratch, or (with `from`) the run a checkpoint or export describes, at its position. */
  private async newRun(config: TrainConfig, events: EngineEvents, from?: RunFile): Promise<Run> {
    validateConfig(config);
    const dataset = this.dataset;
    if (!dataset) throw new Error('No dataset is loaded');
    this.run?.backend.destroy();
    this.run = null;
    if (!this.gpu.kc && this.gpu.loss) {
      const r = await this.gpu.reacquire();
      if (!r.ok) throw new Error(`The GPU device was lost and no new one could be had (${r.failure.message}); reload the page.`);
    }
    const { kc, gpu, tuner } = this.gpu;
    const run = await buildRun(config, dataset, events, kc && gpu ? { kc, adapter: gpu.description, tuner: tuner ?? undefined, paceHost: this.platform.paceHost } : null, from, this.gpuFailure);
    run.afterEpoch = async () => {
      await this.guard.keep(run, true);
      const kept = this.guard.checkpointOf(run);
      if (kept) this.insight.epochKept(run, kept);
    };
    this.run = run;
    return run;
  }

  async stop(): Promise<void> {
    this.stopAsked = true;
    this.run?.trainer.stop();
  }

  async checkpointNow(): Promise<void> {
    if (this.run) this.guard.pause(this.run);
  }

  async setCheckpointInterval(seconds: number): Promise<void> {
    if (!(seconds > 0)) throw new Error(`Invalid checkpoint interval: ${seconds} s`);
    this.guard.checkpointMs = seconds * 1000;
  }

  async loseDeviceForTest(): Promise<void> {
    this.gpu.loseDeviceForTest();
  }

  async moreEpochs(epochs: number): Promise<{ config: TrainConfig; notes: string[] }> {
    const run = this.run;
    if (!run) throw new Error('No run to extend: train one or open a model file');
    if (this.busy) throw new Error('The run is still training');
    if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`Invalid number of epochs: ${epochs} (a whole number ≥ 1)`);
    const position = run.trainer.position;
    if (position.epoch < run.config.epochs) throw new Error(`The run has done ${position.epoch} of ${run.config.epochs} epochs: Continue it first`);
    const total = position.epoch + epochs;
    const c = run.config;
    const notes = c.schedule === 'constant' ? [] : [`The ${c.schedule} learning-rate schedule is recomputed over ${total} epochs instead of ${c.epochs}: epochs ${position.epoch + 1}–${total} follow the new total.`];
    run.config = { ...c, epochs: total };
    run.trainer = makeTrainer(run, total, position);
    return { config: run.config, notes };
  }

  async profile(): Promise<PerfReport | null> {
    const perf = this.run?.perf;
    const kc = this.gpu.kc;
    return perf && kc ? perf.report(Object.fromEntries(kc.blockChoices)) : null;
  }

  /** The current run's parameters in file layout. */
  async readParams(): Promise<Map<string, Float32Array>> {
    if (!this.run) throw new Error('No model yet: train one first');
    return this.run.backend.readParams();
  }

  async exportWeights(options: { which?: 'last' | 'best' } = {}): Promise<ExportedFile> {
    const run = this.run;
    if (!run) throw new Error('Nothing to export yet: train a model first');
    if (options.which === 'best') return this.insight.exportBest(run);
    return { filename: fileNameOf(run, 'export'), bytes: encodeRunFile(await this.runFile(run, 'export')) };
  }

  async checkpoint(): Promise<ExportedFile> {
    const run = this.run;
    if (!run) throw new Error('No run to save yet: train a model first');
    if (this.busy) throw new Error('Stop training before saving a checkpoint (a checkpoint is also saved at every epoch end)');
    return { filename: fileNameOf(run, 'checkpoint'), bytes: encodeRunFile(await this.runFile(run, 'checkpoint')) };
  }

  /**
   * The run as a file, with the adapter and the kernel choices it ran with; a run whose device was lost
   * gives its last checkpoint (an export drops the optimizer state).
   */
  private async runFile(run: Run, contents: 'export' | 'checkpoint'): Promise<RunFile> {
    const m = this.guard.checkpointOf(run);
    if (run.device && run.device !== this.gpu.gpu?.device && m) {
      return contents === 'checkpoint' ? m : { manifest: { ...m.manifest, contents, optimizer: undefined }, params: m.params, optimizerState: new Map() };
    }
    const kernels = this.gpu.kc ? Object.fromEntries(this.gpu.kc.blockChoices) : undefined;
    // The history as it stands now: later records belong to later checkpoints.
    const adapter = run.device ? (this.gpu.gpu?.description ?? run.backend.description) : `${run.backend.description} (${run.backendReason})`;
    return snapshotRun({ ...run, history: [...run.history] }, contents, { adapter, kernels: run.device ? kernels : undefined });
  }

  async openRun(bytes: Uint8Array, fileName: string, options: { epochs?: number; backend?: BackendName } = {}): Promise<RestoredRun> {
    if (this.busy) throw new Error('Stop training before opening a model file');
    const dataset = this.dataset;
    if (!dataset) throw new Error('Load a dataset before opening a model file');
    const file = decodeRunFile(bytes, fileName);
    checkFits(file.manifest, dataset, fileName);
    const { manifest, notes } = planRestore(file, fileName, options.epochs);
    const saved = manifest.fingerprint;
    const differences = saved ? fingerprintDifferences(saved, await datasetFingerprint(dataset)) : ['the file does not record its dataset'];
    const run = await this.newRun(options.backend ? { ...manifest.config, backend: options.backend } : manifest.config, quietEvents, { ...file, manifest });
    this.guard.remember(run, { ...file, manifest });
    const done = run.trainer.position.epoch >= manifest.config.epochs;
    return { ...summaryOf(manifest), history: manifest.history, status: done ? 'done' : 'stopped', differences, notes };
  }

  async storedRun(): Promise<StoredRun | null> {
    const bytes = await this.platform.checkpoints?.load();
    if (!bytes) return null;
    const { manifest } = decodeRunFile(bytes, 'the saved checkpoint');
    const loaded = this.dataset ? await datasetFingerprint(this.dataset) : undefined;
    const differences = manifest.fingerprint && loaded ? fingerprintDifferences(manifest.fingerprint, loaded) : loaded ? [] : ['no dataset is loaded'];
    const name = slug(manifest.dataset.name);
    return { ...summaryOf(manifest), differences, ...(isBuiltinName(name) ? { builtin: name } : {}) };
  }

  async resumeStored(): Promise<RestoredRun> {
    const bytes = await this.platform.checkpoints?.load();
    if (!bytes) throw new Error('No saved run to resume');
    const { manifest } = decodeRunFile(bytes, 'the saved checkpoint');
    const loaded = this.dataset ? await datasetFingerprint(this.dataset) : undefined;
    const differences = manifest.fingerprint && loaded ? fingerprintDifferences(manifest.fingerprint, loaded) : [];
    if (manifest.fingerprint && loaded && differences.length > 0) {
      throw new Error(
        `The saved run trained on ${describeFingerprint(manifest.fingerprint)}; the loaded dataset differs in ${differences.join(', ')}. Load that dataset to resume it.`,
      );
    }
    return this.openRun(bytes, 'the saved checkpoint');
  }

  async discardStored(): Promise<void> {
    await this.platform.checkpoints?.clear();
  }

  /** Loss and accuracy on the loaded dataset's validation split: a model from other data is moved onto it first. */
  async evaluate(): Promise<Evaluation> {
    let run = this.run;
    const dataset = this.dataset;
    if (!run) throw new Error('No model to evaluate: train one or open a model file');
    if (this.busy) throw new Error('Stop training before evaluating');
    if (dataset && run.source !== dataset) {
      const file = await this.runFile(run, 'checkpoint');
      checkFits(file.manifest, dataset, `The model (${run.datasetName})`);
      run = await this.newRun(file.manifest.config, quietEvents, file);
      this.guard.remember(run, file);
    }
    // Through the validation log: its outcomes are what the matrix's cells then list.
    const r = await run.validations.tap(run.backend).validate();
    const validation = r.confusion ? toEpochValidation(run.trainer.position.epoch, r) : undefined;
    return { loss: r.lossSum / r.count, acc: r.correct / r.count, count: r.count, dataset: run.datasetName, ...(validation && { validation }) };
  }

  /** The run as a PyTorch project (src/io/pytorch), with its data unless `data` is false. */
  async exportPytorch(options: { data?: boolean } = {}): Promise<ExportedFile> {
    const run = this.run;
    if (!run) throw new Error('Nothing to export yet: train a model first');
    if (this.busy) throw new Error('Stop training before exporting a PyTorch project');
    const file = encodeRunFile(await this.runFile(run, 'checkpoint'));
    return pytorchProjectZip(file, fileNameOf(run, 'checkpoint'), options.data === false ? null : run.source);
  }

  /** The run's data (after its limit) as data.npz, or the loaded dataset's where there is no run. */
  async exportDataset(): Promise<ExportedFile> {
    const run = this.run;
    const dataset = run?.source ?? this.dataset;
    if (!dataset) throw new Error('No dataset is loaded');
    if (run && this.busy) throw new Error('Stop training before exporting the dataset');
    const file = run ? { bytes: encodeRunFile(await this.runFile(run, 'export')), fileName: fileNameOf(run, 'export') } : null;
    return datasetNpzFile(dataset, file, slug(dataset.name));
  }

  async exportOnnx(options: { softmax?: boolean } = {}): Promise<OnnxExport> {
    const run = this.run;
    if (!run) throw new Error('Nothing to export yet: train a model first');
    if (this.busy) throw new Error('Stop training before exporting to ONNX');
    return onnxExport(run, await this.runFile(run, 'export'), this.platform.runOnnx, options);
  }

  /** Confusion-matrix examples, the user's own input, the inside of the model (run-insight.ts). */
  private readonly insight = new RunInsight(() => this.run, () => this.busy, (run) => this.runFile(run, 'export'));

  examples(query: ExampleQuery): Promise<ExamplePage> {
    return this.insight.examples(query);
  }

  predict(x: Uint8Array | Float32Array, rows: number): Promise<Prediction> {
    return this.insight.predict(x, rows);
  }

  inside(example: number): Promise<ModelInside> {
    return this.insight.inside(example);
  }

  async keepRun(): Promise<KeptRun> {
    if (!this.run) throw new Error('No run to keep');
    return this.insight.keep(this.run);
  }

  destroy(): void {
    this.run?.backend.destroy();
    this.gpu.destroy();
  }
}
