// The engine behind the page and the CLI: holds the dataset, the GPU and the current run, and turns
// EngineApi calls into DataModule / Classifier / Trainer work. It never touches the DOM; in the browser
// it runs inside engine-worker.ts, in Node the CLI calls it directly.
import { isBuiltinName, loadBuiltin, type ReadFile } from '../data/builtin';
import type { Dataset } from '../data/dataset';
import type { GpuContext, GpuResult } from '../gpu/device';
import { KernelContext } from '../gpu/context';
import { encodeWeights } from '../io/weights-file';
import { FORMAT, type Manifest } from '../io/manifest';
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
import type { DataOptions, DatasetSummary, EngineApi, EngineEvents, ExportedFile, GpuInfo, LoadProgress } from './protocol';

export interface Platform {
  acquireGpu(): Promise<GpuResult>;
  /** Reads a built-in dataset file; `dataUrl` comes from init() where the platform serves files. */
  readBuiltin(dataUrl?: string): ReadFile;
  /** Parses user files into a validated Dataset, or throws the loader's DataError. */
  loadFiles?(files: File[], onProgress?: (p: LoadProgress) => void, options?: DataOptions): Promise<Dataset>;
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
}

export class LabEngine implements EngineApi {
  private gpu: GpuContext | null = null;
  private kc: KernelContext | null = null;
  private gpuFailure = '';
  private dataUrl: string | undefined;
  private dataset: Dataset | null = null;
  private run: Run | null = null;
  private busy = false;
  private loading = false;

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
    return summarize(d);
  }

  get currentDataset(): Dataset | null {
    return this.dataset;
  }

  async train(config: TrainConfig, events: EngineEvents, resume: boolean): Promise<void> {
    if (this.busy) throw new Error('Training is already running');
    this.busy = true;
    try {
      if (!resume || !this.run) this.run = await this.newRun(config, events);
      else this.run.events = events;
      const run = this.run;
      await run.trainer.fit(run.model, run.data);
    } catch (e) {
      events.status('error', e instanceof Error ? e.message : String(e));
      throw e;
    } finally {
      this.busy = false;
    }
  }

  private async newRun(config: TrainConfig, events: EngineEvents): Promise<Run> {
    validateConfig(config);
    const dataset = this.dataset;
    if (!dataset) throw new Error('No dataset is loaded');
    this.run?.backend.destroy();
    this.run = null;
    const data = new DataModule(dataset, config.batchSize, config.seed, config.limit);
    const arch = buildArchitecture(config, dataset.shape, dataset.classNames.length);
    const params = initParams(arch, config.seed);
    let backend: Backend;
    if (this.kc && this.gpu) {
      backend = await GpuBackend.create({ kc: this.kc, description: `webgpu: ${this.gpu.description}`, arch, data: data.data, batchSize: config.batchSize, weightDecay: config.weightDecay });
    } else {
      if (this.gpuFailure) events.status('training', `No WebGPU (${this.gpuFailure}); training on the CPU reference, much slower.`);
      backend = new CpuBackend({ arch, data: data.data, batchSize: config.batchSize, weightDecay: config.weightDecay, params });
    }
    backend.writeParams(params);
    const model = new Classifier(arch, config, backend);
    const run: Run = {
      config, arch, data, backend, model, history: [], events, datasetName: dataset.name,
      trainer: new Trainer(config.epochs, {
        progress: (p) => run.events.progress(p),
        epoch: (e) => run.events.epoch?.(e),
        status: (s, m) => run.events.status(s, m),
      }),
    };
    model.onPlot((r) => {
      run.history.push(r);
      run.events.metric(r);
    });
    return run;
  }

  async stop(): Promise<void> {
    this.run?.trainer.stop();
  }

  /** The current run's parameters in file layout. */
  async readParams(): Promise<Map<string, Float32Array>> {
    if (!this.run) throw new Error('No model yet: train one first');
    return this.run.backend.readParams();
  }

  async exportWeights(): Promise<ExportedFile> {
    const run = this.run;
    if (!run) throw new Error('Nothing to export yet: train a model first');
    const params = await run.backend.readParams();
    return { filename: `${slug(run.datasetName)}-${run.config.model}.safetensors`, bytes: encodeWeights(this.manifest(run), params) };
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
    this.gpu?.device.destroy();
  }
}

/** A file-name-safe lower-case form of a dataset name ("Fashion-MNIST" → "fashion-mnist"). */
function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'dataset';
}
