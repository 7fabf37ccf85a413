// The engine behind the page and the CLI: holds the dataset, the GPU and the current run, and turns
// EngineApi calls into DataModule / Classifier / Trainer work. It never touches the DOM; in the browser
// it runs inside engine-worker.ts, in Node the CLI calls it directly.
import { isBuiltinName, loadBuiltin, type ReadFile } from '../data/builtin';
import type { Dataset } from '../data/dataset';
import type { GpuContext, GpuResult } from '../gpu/device';
import { Autotuner, type ChoiceStore } from '../gpu/autotune';
import { KernelContext } from '../gpu/context';
import { decodeRunFile, encodeRunFile, type RunFile } from '../io/checkpoint';
import { datasetFingerprint, describeFingerprint, fingerprintDifferences } from '../io/dataset-fingerprint';
import type { OnnxRunner } from '../io/onnx/runner';
import type { Architecture } from '../model/architecture';
import type { Backend } from '../model/backend';
import { Classifier } from '../model/classifier';
import { validateConfig, type TrainConfig } from '../model/config';
import { CpuBackend } from '../model/cpu-backend';
import { DataModule } from '../model/data-module';
import { GpuBackend } from '../model/gpu-backend';
import type { MetricRecord } from '../model/metrics';
import { initParams } from '../model/params';
import { Trainer } from '../model/trainer';
import { buildArchitecture } from '../model/zoo';
import { summarize } from './dataset-summary';
import { PerfTracker } from './perf-tracker';
import type { DataOptions, DatasetSummary, EngineApi, EngineEvents, Evaluation, ExportedFile, GpuInfo, LoadProgress, OnnxExport, PerfReport, RestoredRun, RunSummary } from './protocol';
import { checkFits, dataForModel, summaryOf } from './run-files';
import { fileNameOf, onnxExport, planRestore, snapshotRun } from './run-snapshot';

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
  /** Keeps the latest checkpoint: written at every epoch end and on Stop. */
  checkpoints?: CheckpointStore;
  /** An ONNX runtime, to check an ONNX export against the lab's forward pass before it is handed out. */
  runOnnx?: OnnxRunner;
  /** Where autotuned matmul choices are cached per adapter; absent, runs use the fixed heuristic (tests). */
  kernelChoices?: ChoiceStore;
  /** Sleep through most of each range of steps before awaiting it (Dawn in Node polls in a busy loop). */
  paceHost?: boolean;
}

interface Run {
  config: TrainConfig;
  arch: Architecture;
  data: DataModule;
  backend: Backend;
  model: Classifier;
  trainer: Trainer;
  history: MetricRecord[];
  events: EngineEvents;
  datasetName: string;
  /** The dataset as loaded (before the limit), whose fingerprint the run's files carry. */
  source: Dataset;
  /** The performance figures of a GPU run. */
  perf?: PerfTracker;
}

export class LabEngine implements EngineApi {
  private gpu: GpuContext | null = null;
  private kc: KernelContext | null = null;
  private tuner: Autotuner | null = null;
  private gpuFailure = '';
  private dataUrl: string | undefined;
  private dataset: Dataset | null = null;
  private run: Run | null = null;
  private busy = false;
  private loading = false;
  /** Stop was pressed during the current train() call. */
  private stopAsked = false;

  constructor(private readonly platform: Platform) {}

  async init(options: { dataUrl?: string } = {}): Promise<GpuInfo> {
    this.dataUrl = options.dataUrl;
    const r = await this.platform.acquireGpu();
    if (!r.ok) {
      this.gpuFailure = r.failure.message;
      throw new Error(r.failure.message);
    }
    this.gpu = r.gpu;
    this.kc = new KernelContext(r.gpu.device);
    if (this.platform.kernelChoices) this.kc.tuner = this.tuner = new Autotuner(this.kc, r.gpu.description, this.platform.kernelChoices);
    const device = r.gpu.device;
    void device.lost.then((info) => {
      if (info.reason === 'destroyed') return;
      this.gpu = null;
      this.kc = null;
      this.run?.events.status('error', `The GPU device was lost (${info.message || info.reason}). Reload the page to start again; export still works from the last finished epoch.`);
    });
    device.addEventListener('uncapturederror', (e) => {
      this.run?.events.status('error', `WebGPU error: ${(e as GPUUncapturedErrorEvent).error.message}`);
    });
    return {
      adapter: r.gpu.description,
      maxBufferSize: device.limits.maxBufferSize,
      maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
    };
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
      return this.useDataset(await parse());
    } finally {
      this.loading = false;
    }
  }

  /** Replaces the dataset only once it loaded and validated: a bad file leaves the old one in place. */
  private useDataset(d: Dataset): DatasetSummary {
    if (this.busy) throw new Error('Stop training before loading another dataset');
    this.dataset = d;
    // Hash the data now, in the background, so that checkpoints do not wait for it later.
    datasetFingerprint(d).catch(() => undefined);
    return summarize(d);
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
      if (!resume || !this.run) this.run = await this.newRun(config, events);
      else this.run.events = events;
      const run = this.run;
      // Stop pressed while the run was being set up (the data going up to the GPU) never reached a trainer.
      if (this.stopAsked) {
        events.status('stopped');
        return;
      }
      const result = await run.trainer.fit(run.model, run.data);
      if (result === 'stopped') await this.autosave(run);
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
    const data = new DataModule(from ? dataForModel(dataset, from.manifest) : dataset, config.batchSize, config.seed, config.limit);
    const arch = from ? from.manifest.architecture : buildArchitecture(config, dataset.shape, dataset.classNames.length);
    const params = from ? from.params : initParams(arch, config.seed);
    // Kernel choices recorded with the run are pinned, so the resumed run computes as the original did.
    if (from?.manifest.kernels && this.kc) for (const [k, v] of Object.entries(from.manifest.kernels)) this.kc.blockChoices.set(k, v);
    // The update rule and the dropout masks' seed: the same on the GPU and on the CPU reference.
    const runOptions = { arch, data: data.data, batchSize: config.batchSize, weightDecay: config.weightDecay, optimizer: config.optimizer, momentum: config.momentum, seed: config.seed };
    let backend: Backend;
    let perf: PerfTracker | undefined;
    if (this.kc && this.gpu) {
      const gpuBackend = await GpuBackend.create({ kc: this.kc, description: `webgpu: ${this.gpu.description}`, ...runOptions, paceHost: this.platform.paceHost });
      backend = gpuBackend;
      // Profiled before the weights are written: the profiled step's updates are overwritten below.
      perf = new PerfTracker(gpuBackend, { adapter: this.gpu.description, model: config.model, batchSize: config.batchSize }, this.tuner ?? undefined);
      await perf.profile();
    } else {
      if (this.gpuFailure) events.status('training', `No WebGPU (${this.gpuFailure}); training on the CPU reference, much slower.`);
      backend = new CpuBackend({ ...runOptions, params });
    }
    backend.writeParams(params);
    if (from && from.optimizerState.size > 0) backend.writeOptimizerState(from.optimizerState);
    perf?.begin();
    const model = new Classifier(arch, config, backend);
    const run: Run = {
      config, arch, data, backend, model, history: from ? [...from.manifest.history] : [], events, datasetName: dataset.name, source: dataset, perf,
      trainer: new Trainer(config.epochs, {
        progress: (p) => {
          perf?.progress(p);
          run.events.progress(p);
        },
        epoch: (e) => {
          perf?.epoch(e);
          run.events.epoch?.(e);
        },
        status: (s, m) => run.events.status(s, m),
        afterEpoch: () => this.autosave(run),
      }),
    };
    const p = from?.manifest.position;
    if (p) run.trainer.restore(p);
    else if (from) run.trainer.restore({ epoch: from.manifest.epochsDone, step: 0, epochLossSum: 0, epochRows: 0 });
    model.onPlot((r) => {
      run.history.push(r);
      run.events.metric(r);
    });
    return run;
  }

  async stop(): Promise<void> {
    this.stopAsked = true;
    this.run?.trainer.stop();
  }

  async profile(): Promise<PerfReport | null> {
    const perf = this.run?.perf;
    return perf && this.kc ? perf.report(Object.fromEntries(this.kc.blockChoices)) : null;
  }

  /** The current run's parameters in file layout. */
  async readParams(): Promise<Map<string, Float32Array>> {
    if (!this.run) throw new Error('No model yet: train one first');
    return this.run.backend.readParams();
  }

  async exportWeights(): Promise<ExportedFile> {
    const run = this.run;
    if (!run) throw new Error('Nothing to export yet: train a model first');
    return { filename: fileNameOf(run, 'export'), bytes: encodeRunFile(await this.runFile(run, 'export')) };
  }

  async checkpoint(): Promise<ExportedFile> {
    const run = this.run;
    if (!run) throw new Error('No run to save yet: train a model first');
    if (this.busy) throw new Error('Stop training before saving a checkpoint (a checkpoint is also saved at every epoch end)');
    return { filename: fileNameOf(run, 'checkpoint'), bytes: encodeRunFile(await this.runFile(run, 'checkpoint')) };
  }

  /** The run as a file, with the adapter and the kernel choices it ran with. */
  private runFile(run: Run, contents: 'export' | 'checkpoint'): Promise<RunFile> {
    const kernels = this.kc ? Object.fromEntries(this.kc.blockChoices) : undefined;
    return snapshotRun(run, contents, { adapter: this.gpu?.description ?? run.backend.description, kernels });
  }

  /** Writes the run's checkpoint to the platform's store; a failure is reported, never fatal to training. */
  private async autosave(run: Run): Promise<void> {
    const store = this.platform.checkpoints;
    if (!store) return;
    try {
      await store.save(encodeRunFile(await this.runFile(run, 'checkpoint')));
    } catch (e) {
      run.events.status(run.trainer.position.step === 0 ? 'training' : 'stopped', `The checkpoint could not be saved: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async openRun(bytes: Uint8Array, fileName: string, options: { epochs?: number } = {}): Promise<RestoredRun> {
    if (this.busy) throw new Error('Stop training before opening a model file');
    const dataset = this.dataset;
    if (!dataset) throw new Error('Load a dataset before opening a model file');
    const file = decodeRunFile(bytes, fileName);
    checkFits(file.manifest, dataset, fileName);
    const { manifest, notes } = planRestore(file, fileName, options.epochs);
    const saved = manifest.fingerprint;
    const differences = saved ? fingerprintDifferences(saved, await datasetFingerprint(dataset)) : ['the file does not record its dataset'];
    this.run = await this.newRun(manifest.config, quietEvents, { ...file, manifest });
    const done = this.run.trainer.position.epoch >= manifest.config.epochs;
    return { ...summaryOf(manifest), history: manifest.history, status: done ? 'done' : 'stopped', differences, notes };
  }

  async storedRun(): Promise<RunSummary | null> {
    const bytes = await this.platform.checkpoints?.load();
    if (!bytes) return null;
    return summaryOf(decodeRunFile(bytes, 'the saved checkpoint').manifest);
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

  async evaluate(): Promise<Evaluation> {
    const run = this.run;
    if (!run) throw new Error('No model to evaluate: train one or open a model file');
    if (this.busy) throw new Error('Stop training before evaluating');
    const r = await run.backend.validate();
    return { loss: r.lossSum / r.count, acc: r.correct / r.count, count: r.count };
  }

  async exportOnnx(options: { softmax?: boolean } = {}): Promise<OnnxExport> {
    const run = this.run;
    if (!run) throw new Error('Nothing to export yet: train a model first');
    if (this.busy) throw new Error('Stop training before exporting to ONNX');
    return onnxExport(run, await this.runFile(run, 'export'), this.platform.runOnnx, options);
  }

  destroy(): void {
    this.run?.backend.destroy();
    this.tuner?.destroy();
    this.gpu?.device.destroy();
  }
}
