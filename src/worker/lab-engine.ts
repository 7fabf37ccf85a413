// The engine behind the page and the CLI: holds the dataset, the GPU and the current run, and turns
// EngineApi calls into DataModule / Classifier / Trainer work. It never touches the DOM; in the browser
// it runs inside engine-worker.ts, in Node the CLI calls it directly.
import { isBuiltinName, loadBuiltin, type ReadFile } from '../data/builtin';
import { featureSize, type Dataset } from '../data/dataset';
import type { GpuContext, GpuResult } from '../gpu/device';
import { Autotuner, type ChoiceStore } from '../gpu/autotune';
import { KernelContext } from '../gpu/context';
import { decodeRunFile, encodeRunFile, optimizerSlots, type RunFile } from '../io/checkpoint';
import { datasetFingerprint, describeFingerprint, fingerprintDifferences } from '../io/dataset-fingerprint';
import { labLogits } from '../io/lab-forward';
import { FORMAT, type Manifest } from '../io/manifest';
import { buildOnnxModel } from '../io/onnx/onnx-model';
import { compareLogits } from '../io/onnx/parity';
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
import { checkFits, dataForModel, slug, summaryOf } from './run-files';

/** Where the engine keeps the latest checkpoint (OPFS in the browser, a file for the CLI). */
export interface CheckpointStore {
  save(bytes: Uint8Array): Promise<void>;
  load(): Promise<Uint8Array | null>;
  clear(): Promise<void>;
}

/** A backend that keeps optimizer state (momentum, Adam moments) as `optim.{param}.{slot}` tensors. */
type StatefulBackend = Backend & {
  readOptimizerState?(): Promise<Map<string, Float32Array>>;
  writeOptimizerState?(state: Map<string, Float32Array>): void;
};

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

/** Validation examples an ONNX export is checked on. */
const ONNX_CHECK_ROWS = 256;

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
    if (from && from.optimizerState.size > 0) (backend as StatefulBackend).writeOptimizerState?.(from.optimizerState);
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
    const file = await this.runFile(run, 'export');
    return { filename: `${slug(run.datasetName)}-${run.config.model}.safetensors`, bytes: encodeRunFile(file) };
  }

  async checkpoint(): Promise<ExportedFile> {
    const run = this.run;
    if (!run) throw new Error('No run to save yet: train a model first');
    if (this.busy) throw new Error('Stop training before saving a checkpoint (a checkpoint is also saved at every epoch end)');
    const file = await this.runFile(run, 'checkpoint');
    return { filename: `${slug(run.datasetName)}-${run.config.model}-checkpoint.safetensors`, bytes: encodeRunFile(file) };
  }

  /** The run as a file: model tensors, and for a checkpoint the optimizer state. Call between ranges. */
  private async runFile(run: Run, contents: 'export' | 'checkpoint'): Promise<RunFile> {
    const params = await run.backend.readParams();
    const backend = run.backend as StatefulBackend;
    const optimizerState = contents === 'checkpoint' && backend.readOptimizerState ? await backend.readOptimizerState() : new Map<string, Float32Array>();
    const manifest = this.manifest(run);
    manifest.contents = contents;
    const pos = run.trainer.position;
    const steps = run.data.stepsPerEpoch;
    const globalStep = pos.epoch * steps + pos.step;
    manifest.position = { ...pos, globalStep, stepsPerEpoch: steps };
    manifest.rng = { kind: 'counter', seed: run.config.seed, step: globalStep };
    if (contents === 'checkpoint') manifest.optimizer = { kind: run.config.optimizer, slots: optimizerSlots(optimizerState), steps: globalStep };
    manifest.fingerprint = await datasetFingerprint(run.source);
    if (this.kc) manifest.kernels = Object.fromEntries(this.kc.blockChoices);
    return { manifest, params, optimizerState };
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
    const m = file.manifest;
    checkFits(m, dataset, fileName);
    const notes: string[] = [];
    const config = { ...m.config };
    if (options.epochs !== undefined && options.epochs !== config.epochs) {
      if (!Number.isInteger(options.epochs) || options.epochs < m.epochsDone) {
        throw new Error(`${fileName}: cannot train to ${options.epochs} epochs, the run has done ${m.epochsDone}`);
      }
      if (config.schedule !== 'constant') notes.push(`The ${config.schedule} learning-rate schedule now spans ${options.epochs} epochs instead of ${config.epochs}.`);
      config.epochs = options.epochs;
    }
    if (m.contents !== 'checkpoint' && config.optimizer !== 'sgd') notes.push(`The file holds no optimizer state: ${config.optimizer} starts afresh from here.`);
    const differences = m.fingerprint ? fingerprintDifferences(m.fingerprint, await datasetFingerprint(dataset)) : ['the file does not record its dataset'];
    const manifest = { ...m, config };
    this.run = await this.newRun(config, quietEvents, { ...file, manifest });
    const position = this.run.trainer.position;
    const done = position.epoch >= config.epochs;
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
    const { manifest, params } = await this.runFile(run, 'export');
    const bytes = buildOnnxModel(manifest, params, options);
    const filename = `${slug(run.datasetName)}-${run.config.model}.onnx`;
    const runner = this.platform.runOnnx;
    if (!runner) return { filename, bytes };
    // A held-out batch: the first validation examples (training examples if there is no validation split), raw.
    const split = run.source.val.count > 0 ? run.source.val : run.source.train;
    const rows = Math.min(ONNX_CHECK_ROWS, split.count);
    const x = Float32Array.from(split.x.subarray(0, rows * featureSize(run.arch.inputShape)));
    const lab = labLogits(manifest, params, x, rows);
    const out = await runner(bytes, x, [rows, ...run.arch.inputShape]);
    const p = compareLogits(out.logits, lab, rows, run.arch.numClasses);
    return {
      filename,
      bytes,
      check: { rows, maxAbsDiff: p.maxAbsDiff, argmaxAgree: p.argmaxAgree, withinTolerance: p.withinTolerance, runtime: out.runtime },
    };
  }

  private manifest(run: Run): Manifest {
    const d = run.data.data;
    const n = d.normalization;
    return {
      format: FORMAT,
      architecture: run.arch,
      weightLayout: 'pytorch',
      config: run.config,
      classNames: d.classNames,
      normalization: n.kind === 'scale' ? n : { kind: 'standardize', mean: [...n.mean], std: [...n.std] },
      dataset: { name: d.name, train: d.train.count, val: d.val.count },
      history: run.history,
      epochsDone: run.trainer.epoch,
      adapter: this.gpu?.description ?? run.backend.description,
      createdAt: new Date().toISOString(),
    };
  }

  destroy(): void {
    this.run?.backend.destroy();
    this.tuner?.destroy();
    this.gpu?.device.destroy();
  }
}
