// The model trained by the CPU reference: same data order, same init, same update rules as the GPU, in
// f64 arithmetic on f32-stored parameters. Tests hold GPU curves to it; browsers without WebGPU use it.
import { affineOf, featureSize, type Dataset, type Split } from '../data/dataset';
import { accuracy, softmaxCrossEntropy, softmaxCrossEntropyBackward } from '../reference/softmax-xent';
import { emptyCounts, validationCounts, type Outcome } from '../reference/validation-stats';
import { augmentKey, gatherBatch, type Augment } from '../reference/gather';
import { adamUpdate, momentumUpdate, sgdUpdate } from '../reference/optim';
import { graphOf, type Architecture } from './architecture';
import { graphBackward, graphForward } from './graph/reference-run';
import { optimizerSlots, type Backend, type OptimizerSettings, type StepLosses, type ValidationResult } from './backend';
import { modelTensors, optimizerStateNames } from './params';
import { ArrayOutcomes } from './outcomes';

export interface CpuBackendOptions {
  arch: Architecture;
  data: Dataset;
  batchSize: number;
  weightDecay: number;
  /** Every model tensor (parameters and BatchNorm running statistics), file layout. */
  params: Map<string, Float32Array>;
  /** Default: plain SGD. */
  optimizer?: OptimizerSettings['kind'];
  momentum?: number;
  /** The run's seed: dropout masks (and augmentation draws) are keyed by it. */
  seed?: number;
  /** Every batch resized to (outH, outW) in the gather, as on the GPU. */
  resize?: readonly [number, number] | null;
  /** Random crop / flip of training batches, keyed by (seed, epoch, example index), as on the GPU. */
  augment?: Augment | null;
}

export class CpuBackend implements Backend {
  readonly description = 'cpu reference';
  private params: Map<string, Float32Array>;
  private state = new Map<string, Float32Array>();
  private order: Uint32Array = new Uint32Array(0);
  private lrs: Float32Array = new Float32Array(0);
  private firstStep = 0;
  private readonly scale: Float32Array;
  private readonly shift: Float32Array;
  private readonly features: number;
  private readonly optimizer: OptimizerSettings;

  constructor(private readonly o: CpuBackendOptions) {
    this.optimizer = { kind: o.optimizer ?? 'sgd', momentum: o.momentum ?? 0.9, weightDecay: o.weightDecay };
    this.params = new Map();
    this.writeParams(o.params);
    this.features = featureSize(o.data.shape);
    ({ scale: this.scale, shift: this.shift } = affineOf(o.data.normalization, this.features));
  }

  beginEpoch(order: Uint32Array, lrs: Float32Array, firstGlobalStep: number): void {
    this.order = order;
    this.lrs = lrs;
    this.firstStep = firstGlobalStep;
  }

  /** The gathered rows idx[from, to) of a split (normalised, resized, augmented when training), and their labels. */
  private batch(split: Split, idx: (i: number) => number, from: number, to: number, training: boolean): { x: Float64Array; y: Uint32Array } {
    const indices = Uint32Array.from({ length: to - from }, (_, b) => idx(from + b));
    const { shape } = this.o.data;
    const augment = training ? (this.o.augment ?? null) : null;
    // The trainer starts epoch e at global step e·stepsPerEpoch: the epoch keys the augmentation draws.
    const key = augment ? augmentKey(this.o.seed ?? 0, Math.floor(this.firstStep / Math.ceil(this.o.data.train.count / this.o.batchSize))) : 0;
    return gatherBatch(split, indices, this.scale, this.shift, { shape, resize: this.o.resize ?? null, augment }, key);
  }

  async trainSteps(from: number, to: number): Promise<StepLosses> {
    const { arch, data, batchSize } = this.o;
    const classes = arch.numClasses;
    const sums = new Float32Array(to - from);
    const rows = new Uint32Array(to - from);
    const correct = new Uint32Array(to - from);
    for (let s = from; s < to; s++) {
      const lo = s * batchSize;
      const hi = Math.min(data.train.count, lo + batchSize);
      const { x, y } = this.batch(data.train, (i) => this.order[i], lo, hi, true);
      const n = hi - lo;
      const step = this.firstStep + s;
      const g = graphOf(arch);
      const { logits, cache, state } = graphForward(g, this.params, x, n, { training: true, step, seed: this.o.seed ?? 0 });
      sums[s - from] = softmaxCrossEntropy(logits, y, n, classes).reduce((a, b) => a + b, 0);
      rows[s - from] = n;
      correct[s - from] = accuracy(logits, y, n, classes, false);
      const grads = graphBackward(g, this.params, cache, softmaxCrossEntropyBackward(logits, y, n, classes));
      for (const [name, v] of state) this.params.get(name)!.set(v);
      for (const [name, g] of grads) this.update(name, g, this.lrs[s], step);
    }
    return { sums, rows, correct };
  }

  private update(name: string, g: Float64Array, lr: number, step: number): void {
    const p = this.params.get(name)!;
    const { kind, momentum, weightDecay } = this.optimizer;
    const slot = (s: string) => this.state.get(`optim.${name}.${s}`)!;
    switch (kind) {
      case 'sgd':
        return sgdUpdate(p, g, lr, weightDecay);
      case 'momentum':
        return momentumUpdate(p, g, slot('momentum'), lr, momentum, weightDecay);
      case 'adam':
        return adamUpdate(p, g, slot('m'), slot('v'), lr, step, weightDecay);
      default:
        return kind satisfies never;
    }
  }

  /** Each validation row's outcome from the last validate(). */
  readonly outcomes = new ArrayOutcomes();

  async validate(): Promise<ValidationResult> {
    const { arch, data } = this.o;
    const chunk = 1000;
    let lossSum = 0;
    const stats = emptyCounts(arch.numClasses);
    const outcomes: Outcome[] = [];
    for (let lo = 0; lo < data.val.count; lo += chunk) {
      const hi = Math.min(data.val.count, lo + chunk);
      const { x, y } = this.batch(data.val, (i) => i, lo, hi, false);
      const { logits } = graphForward(graphOf(arch), this.params, x, hi - lo);
      lossSum += softmaxCrossEntropy(logits, y, hi - lo, arch.numClasses).reduce((a, b) => a + b, 0);
      validationCounts(logits, y, hi - lo, arch.numClasses, stats, outcomes);
    }
    this.outcomes.set(outcomes);
    return { lossSum, count: data.val.count, ...stats };
  }

  async readParams(): Promise<Map<string, Float32Array>> {
    return clone(this.params);
  }

  writeParams(params: Map<string, Float32Array>): void {
    const next = new Map<string, Float32Array>();
    for (const { name, size } of modelTensors(this.o.arch)) {
      const t = params.get(name);
      if (!t) throw new Error(`writeParams: missing ${name}`);
      if (t.length !== size) throw new Error(`writeParams: ${name} holds ${t.length} values, the model needs ${size}`);
      next.set(name, Float32Array.from(t));
    }
    this.params = next;
    this.state = new Map();
    for (const p of graphOf(this.o.arch).params) {
      const n = p.decl.shape.reduce((a, b) => a * b, 1);
      for (const slot of optimizerSlots[this.optimizer.kind]) this.state.set(`optim.${p.name}.${slot}`, new Float32Array(n));
    }
  }

  async readOptimizerState(): Promise<Map<string, Float32Array>> {
    return clone(this.state);
  }

  writeOptimizerState(state: Map<string, Float32Array>): void {
    const next = new Map<string, Float32Array>();
    for (const name of optimizerStateNames(this.o.arch, this.optimizer.kind)) {
      const t = state.get(name);
      if (!t) throw new Error(`writeOptimizerState: missing ${name} (the ${this.optimizer.kind} optimizer keeps ${optimizerSlots[this.optimizer.kind].join(', ')})`);
      const size = this.state.get(name)!.length;
      if (t.length !== size) throw new Error(`writeOptimizerState: ${name} holds ${t.length} values, the model needs ${size}`);
      next.set(name, Float32Array.from(t));
    }
    this.state = next;
  }

  destroy(): void {}
}

function clone(p: Map<string, Float32Array>): Map<string, Float32Array> {
  return new Map([...p].map(([k, v]) => [k, Float32Array.from(v)]));
}
