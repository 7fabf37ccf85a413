// The engine's "what did the model learn" calls on the current run: a cell's examples, the user's own
// input, the inside of the model. LabEngine forwards its EngineApi methods here.
import { encodeRunFile, type RunFile } from '../io/checkpoint';
import type { ExportedFile } from './protocol';
import { fileNameOf } from './run-snapshot';
import type { BestBy } from '../model/config';
import { globalStep, type Run } from './engine-run';
import { findExamples } from './example-finder';
import type { KernelContext } from '../gpu/context';
import type { ExamplePage, ExampleQuery, KeptRun, ModelInside, Prediction, TestReport } from './insight-types';
import { evaluateTest } from './test-split';
import { lookInside } from './model-inside';
import { predictWith, WeightsCopy } from './own-input';

/** A run's best epoch so far: its number, the metric that made it best, and its weights as an export. */
export interface BestEpoch {
  epoch: number;
  by: BestBy;
  value: number;
  file: RunFile;
}

export class RunInsight {
  private copies = new WeakMap<Run, WeightsCopy>();
  private bests = new WeakMap<Run, BestEpoch>();
  private tests = new WeakMap<Run, TestReport>();

  constructor(
    private readonly current: () => Run | null,
    private readonly training: () => boolean,
    private readonly snapshot: (run: Run) => Promise<RunFile>,
  ) {}

  private run(): Run {
    const run = this.current();
    if (!run) throw new Error('No model yet: train one or open a model file');
    return run;
  }

  /** A CPU copy of the run's latest weights (refreshed at most once a second while it trains). */
  private weights(run: Run): Promise<RunFile> {
    let copy = this.copies.get(run);
    if (!copy) this.copies.set(run, (copy = new WeightsCopy(() => this.snapshot(run))));
    return copy.get(globalStep(run), this.training());
  }

  /**
   * An epoch ended and `checkpoint` holds its weights: it becomes the run's best when its validation loss
   * is lower (or accuracy higher, as config.bestBy says) than every earlier epoch's; ties keep the earlier.
   */
  epochKept(run: Run, checkpoint: RunFile): void {
    const epoch = checkpoint.manifest.epochsDone;
    const by = run.config.bestBy ?? 'val-loss';
    const key = by === 'val-acc' ? 'acc' : 'loss';
    const value = run.history.find((r) => r.split === 'val' && r.key === key && r.epoch === epoch)?.value;
    if (value === undefined || !Number.isFinite(value)) return;
    const best = this.bests.get(run);
    const better = !best || best.by !== by || (by === 'val-acc' ? value > best.value : value < best.value);
    if (!better) return;
    const m = checkpoint.manifest;
    const file = { manifest: { ...m, contents: 'export' as const, optimizer: undefined, position: undefined }, params: checkpoint.params, optimizerState: new Map() };
    this.bests.set(run, { epoch, by, value, file });
  }

  /** The best epoch's weights as an export file, named `<data>-<model>-best-epoch<N>.safetensors`. */
  exportBest(run: Run): ExportedFile {
    const best = this.bests.get(run);
    if (!best) throw new Error('No best epoch yet: it is chosen when an epoch ends');
    return { filename: fileNameOf(run, 'export').replace(/\.safetensors$/, `-best-epoch${best.epoch}.safetensors`), bytes: encodeRunFile(best.file) };
  }

  /** The run finished: where the data has a test split, it is evaluated now, once, and reported apart. */
  async testAtEnd(run: Run, gpu: { kc: KernelContext; adapter: string } | null): Promise<void> {
    const test = run.data.data.test;
    if (!test) return;
    const report = await evaluateTest(run, test, gpu);
    this.tests.set(run, report);
    run.events.test?.(report);
  }

  /** What the page keeps of the run: its last weights, its best epoch's, the dataset's fingerprint. */
  async keep(run: Run): Promise<KeptRun> {
    const file = await this.snapshot(run);
    const best = this.bests.get(run);
    return {
      last: { filename: fileNameOf(run, 'export'), bytes: encodeRunFile(file) },
      ...(best && { best: { ...this.exportBest(run), epoch: best.epoch, by: best.by, value: best.value } }),
      fingerprint: file.manifest.fingerprint,
      ...(this.tests.has(run) && { test: this.tests.get(run) }),
    };
  }

  /** The run's best epoch so far (none before its first epoch ends). */
  best(run: Run): BestEpoch | undefined {
    return this.bests.get(run);
  }

  examples(query: ExampleQuery): Promise<ExamplePage> {
    const run = this.run();
    const d = run.data.data;
    return findExamples({ backend: run.backend, log: run.validations, val: d.val, shape: d.shape, columns: d.featureNames, busy: this.training() }, query);
  }

  async predict(x: Uint8Array | Float32Array, rows: number): Promise<Prediction> {
    return predictWith(await this.weights(this.run()), x, rows);
  }

  async inside(example: number): Promise<ModelInside> {
    const run = this.run();
    return lookInside(await this.weights(run), run.data.data.val, example);
  }
}
