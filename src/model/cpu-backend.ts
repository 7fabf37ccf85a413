// The model trained by the CPU reference: same data order, same init, same update rule as the GPU, in
// f64 arithmetic on f32-stored parameters. Tests hold GPU curves to it; browsers without WebGPU use it.
import { affineOf, featureSize, type Dataset, type Split } from '../data/dataset';
import { accuracy, softmaxCrossEntropy, softmaxCrossEntropyBackward } from '../reference/softmax-xent';
import { sgdUpdate } from '../reference/layers';
import { networkBackward, networkForward } from '../reference/network';
import type { Architecture } from './architecture';
import type { Backend, StepLosses, ValidationResult } from './backend';

export interface CpuBackendOptions {
  arch: Architecture;
  data: Dataset;
  batchSize: number;
  weightDecay: number;
  params: Map<string, Float32Array>;
}

export class CpuBackend implements Backend {
  readonly description = 'cpu reference';
  private params: Map<string, Float32Array>;
  private order: Uint32Array = new Uint32Array(0);
  private lrs: Float32Array = new Float32Array(0);
  private readonly scale: Float32Array;
  private readonly shift: Float32Array;
  private readonly features: number;

  constructor(private readonly o: CpuBackendOptions) {
    this.params = clone(o.params);
    this.features = featureSize(o.data.shape);
    ({ scale: this.scale, shift: this.shift } = affineOf(o.data.normalization, this.features));
  }

  beginEpoch(order: Uint32Array, lrs: Float32Array): void {
    this.order = order;
    this.lrs = lrs;
  }

  /** Normalised rows idx[from, to) of a split, and their labels. */
  private batch(split: Split, idx: (i: number) => number, from: number, to: number): { x: Float64Array; y: Uint32Array } {
    const d = this.features;
    const x = new Float64Array((to - from) * d);
    const y = new Uint32Array(to - from);
    for (let b = 0; b < to - from; b++) {
      const src = idx(from + b);
      y[b] = split.y[src];
      for (let j = 0; j < d; j++) x[b * d + j] = Math.fround(Math.fround(split.x[src * d + j] * this.scale[j]) + this.shift[j]);
    }
    return { x, y };
  }

  async trainSteps(from: number, to: number): Promise<StepLosses> {
    const { arch, data, batchSize } = this.o;
    const classes = arch.numClasses;
    const sums = new Float32Array(to - from);
    const rows = new Uint32Array(to - from);
    for (let s = from; s < to; s++) {
      const lo = s * batchSize;
      const hi = Math.min(data.train.count, lo + batchSize);
      const { x, y } = this.batch(data.train, (i) => this.order[i], lo, hi);
      const n = hi - lo;
      const { logits, cache } = networkForward(arch, this.params, x, n);
      sums[s - from] = softmaxCrossEntropy(logits, y, n, classes).reduce((a, b) => a + b, 0);
      rows[s - from] = n;
      const grads = networkBackward(arch, this.params, cache, softmaxCrossEntropyBackward(logits, y, n, classes));
      for (const [name, g] of grads) sgdUpdate(this.params.get(name)!, g, this.lrs[s], this.o.weightDecay);
    }
    return { sums, rows };
  }

  async validate(): Promise<ValidationResult> {
    const { arch, data } = this.o;
    const chunk = 1000;
    let lossSum = 0;
    let correct = 0;
    for (let lo = 0; lo < data.val.count; lo += chunk) {
      const hi = Math.min(data.val.count, lo + chunk);
      const { x, y } = this.batch(data.val, (i) => i, lo, hi);
      const { logits } = networkForward(arch, this.params, x, hi - lo);
      lossSum += softmaxCrossEntropy(logits, y, hi - lo, arch.numClasses).reduce((a, b) => a + b, 0);
      correct += accuracy(logits, y, hi - lo, arch.numClasses, false);
    }
    return { lossSum, correct, count: data.val.count };
  }

  async readParams(): Promise<Map<string, Float32Array>> {
    return clone(this.params);
  }

  writeParams(params: Map<string, Float32Array>): void {
    this.params = clone(params);
  }

  destroy(): void {}
}

function clone(p: Map<string, Float32Array>): Map<string, Float32Array> {
  return new Map([...p].map(([k, v]) => [k, Float32Array.from(v)]));
}
