// The page's side of a session with the engine: turns the shell's commands into worker calls and the
// worker's events into store updates. Nothing here computes; the engine runs in the worker.
import * as Comlink from 'comlink';
import type { EpochSummary, MetricRecord, Progress, RunStatus } from '../model/metrics';
import { builtinDatasets } from '../data/builtin';
import type { EpochValidation, TestReport } from '../worker/insight-types';
import type { DataOptions, DatasetSummary, EngineApi, EngineEvents, LoadProgress, PerfReport, StartupProgress } from '../worker/protocol';
import { downloadBytes } from './download';
import { errorMessage } from './format';
import type { TrainingStore } from './training-store';

export class LabSession {
  constructor(
    private readonly store: TrainingStore,
    private readonly api: Comlink.Remote<EngineApi>,
  ) {}

  /**
   * Acquires the GPU, listens for its loss, and loads a built-in dataset (which the card shows even
   * without a GPU). A page being hidden or closed asks the engine for a checkpoint of a running run.
   */
  async start(builtin: string): Promise<void> {
    await this.api.listen(Comlink.proxy({
      gpu: (kind: 'lost' | 'recovered' | 'error', message: string) => this.store.notify(kind === 'recovered' ? 'warning' : 'error', message, kind === 'error' ? 'gpu-error' : 'gpu'),
    }));
    const hidden = () => {
      if (this.store.state.status === 'training') void this.api.checkpointNow();
    };
    document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && hidden());
    window.addEventListener('pagehide', hidden);
    try {
      this.store.setGpu({ state: 'ready', info: await this.api.init() });
    } catch (e) {
      const message = errorMessage(e);
      this.store.setGpu({ state: 'failed', message });
      this.store.notify('error', `${message} Training falls back to the CPU reference, which is much slower.`, 'gpu');
    }
    await this.loadBuiltin(builtin);
  }

  async loadBuiltin(name: string): Promise<void> {
    const title = builtinDatasets.find((b) => b.name === name)?.title ?? name;
    await this.load(title, name, () => this.api.loadBuiltin(name), (m) => `The built-in dataset did not load: ${m}`);
  }

  /** Hands the files to the worker, which reads and parses them; its progress comes back as it goes. */
  async loadFiles(files: readonly File[], options: DataOptions): Promise<void> {
    const what = files.length === 1 ? files[0].name : `${files.length} files`;
    // Progress comes through its own message port, so a report can arrive after the result: drop it then.
    let running = true;
    const onProgress = Comlink.proxy((progress: LoadProgress) => running && this.store.setLoading({ what, progress }));
    try {
      await this.load(what, '', () => this.api.loadFiles([...files], onProgress, options), (m) => m);
    } finally {
      running = false;
    }
  }

  /** A failed load leaves the loaded dataset (and the run) as they were; the banner says what failed. */
  private async load(what: string, builtin: string, call: () => Promise<DatasetSummary>, explain: (message: string) => string): Promise<boolean> {
    const before = this.store.state.dataset;
    if (before.state !== 'ready') this.store.setDataset({ state: 'loading', name: what });
    this.store.setLoading({ what });
    try {
      this.store.useDataset(await call(), builtin);
      return true;
    } catch (e) {
      const message = explain(errorMessage(e));
      if (before.state === 'ready') this.store.notify('error', `${message} — nothing was loaded; ${before.summary.name} stays.`, 'data');
      else {
        this.store.setDataset({ state: 'failed', message });
        this.store.notify('error', message, 'data');
      }
      return false;
    } finally {
      this.store.setLoading(undefined);
    }
  }

  /**
   * The engine calls of the "what did the model learn" views (examples, own input, inside), as a plain
   * object: a Comlink proxy answers every property (Lit would take it for a directive).
   */
  readonly insight: Pick<EngineApi, 'examples' | 'predict' | 'inside'> = {
    examples: (q) => this.api.examples(q),
    predict: (x, rows) => this.api.predict(x, rows),
    inside: (example) => this.api.inside(example),
  };

  /** Train from scratch with the form's config, or continue the stopped run with its own config. */
  async train(resume: boolean): Promise<void> {
    const s = this.store.state;
    const config = resume && s.runConfig ? s.runConfig : s.config;
    this.store.beginRun(config, resume);
    // Every method, optional ones included: through Comlink the worker cannot tell a missing one.
    const events: Required<EngineEvents> = {
      metric: (r: MetricRecord) => this.store.addRecord(r),
      progress: (p: Progress) => this.store.setProgress(p),
      epoch: (e: EpochSummary) => this.store.setLastEpoch(e),
      status: (status: RunStatus, message?: string) => this.store.setStatus(status, message),
      startup: (p: StartupProgress) => this.store.setStartup(p),
      rewind: (records: number, message: string) => {
        this.store.rewind(records);
        this.store.notify('warning', message, 'gpu');
      },
      saved: (where: string) => this.store.setSavedAt(where),
      validation: (v: EpochValidation) => this.store.addValidation(v),
      test: (r: TestReport) => this.store.setTestReport(r),
    };
    try {
      await this.api.train(config, Comlink.proxy(events), resume);
      // The engine reports its final status; a call that returned without one ended normally.
      const after = this.store.state.status;
      if (after === 'training') this.store.setStatus('done');
      else if (after === 'stopping') this.store.setStatus('stopped');
    } catch (e) {
      const message = errorMessage(e);
      this.store.setStatus('error', message);
      this.store.notify('error', `Training failed: ${message}`, 'run');
    }
  }

  /** "Train N more epochs": the finished run gets `epochs` more on top of its own, then goes on. */
  async moreEpochs(epochs: number): Promise<void> {
    try {
      const { config, notes } = await this.api.moreEpochs(epochs);
      this.store.setRunConfig(config);
      notes.forEach((n) => this.store.notify('info', n, 'schedule'));
    } catch (e) {
      this.store.notify('error', `The run could not be extended: ${errorMessage(e)}`, 'run');
      return;
    }
    await this.train(true);
  }

  async stop(): Promise<void> {
    if (this.store.state.status !== 'training') return;
    this.store.setStatus('stopping');
    try {
      await this.api.stop();
    } catch (e) {
      this.store.notify('error', `Stop failed: ${errorMessage(e)}`);
    }
  }

  /** The current run's performance figures (the performance panel). */
  profile(): Promise<PerfReport | null> {
    return this.api.profile();
  }

  async exportWeights(which: 'last' | 'best' = 'last'): Promise<void> {
    this.store.setExporting(true);
    try {
      const file = await this.api.exportWeights({ which });
      downloadBytes(file.bytes, file.filename);
      this.store.clearTopic('export');
    } catch (e) {
      this.store.notify('error', `Export failed: ${errorMessage(e)}`, 'export');
    } finally {
      this.store.setExporting(false);
    }
  }
}
