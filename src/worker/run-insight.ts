// The engine's "what did the model learn" calls on the current run: a cell's examples, the user's own
// input, the inside of the model. LabEngine forwards its EngineApi methods here.
import type { RunFile } from '../io/checkpoint';
import { globalStep, type Run } from './engine-run';
import { findExamples } from './example-finder';
import type { ExamplePage, ExampleQuery, ModelInside, Prediction } from './insight-types';
import { lookInside } from './model-inside';
import { predictWith, WeightsCopy } from './own-input';

export class RunInsight {
  private copies = new WeakMap<Run, WeightsCopy>();

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
