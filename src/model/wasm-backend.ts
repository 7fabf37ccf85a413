// The model trained by the WebAssembly SIMD kernels (src/wasm/) on a pool of threads over one memory,
// with the GPU backend's semantics: the same data order, gather, init, fused loss, backward, updates and
// arena layout, so checkpoints move between the two. Everything is placed once (dataset, network,
// programs for a full and a last training batch and for validation batches); a range of steps is one
// command to the pool, and runs on the calling thread and the workers until its last barrier.
import { affineOf, featureSize, type Dataset, type Split } from '../data/dataset';
import { augmentKey, gatherOutShape, type Augment } from '../reference/gather';
import { addOutcome, emptyCounts } from '../reference/validation-stats';
import { outcomeBytes, stepBytes } from '../wasm/abi';
import { MemoryPlan } from '../wasm/memory-plan';
import { adamConstants, gatherOp, lossSumOp, optimizerOp, pad4, softmaxXentOp } from '../wasm/ops';
import { gatherImageOp, outcomeOp } from '../wasm/ops-layers';
import { readOutcomes } from '../wasm/outcomes';
import { hardwareThreads, WasmPool } from '../wasm/pool';
import { phases, programBytes, writeProgram, writeStep, type Op } from '../wasm/program';
import type { Architecture } from './architecture';
import { optimizerSlots, type Backend, type OptimizerSettings, type StepLosses, type ValidationResult } from './backend';
import { ArrayOutcomes } from './outcomes';
import { fromArena, fromState, optimizerStateNames, toArena, toState } from './params';
import { rowsOf } from './wasm-layers/types';
import { WasmNetwork } from './wasm-backend-net';

export interface WasmBackendOptions {
  arch: Architecture;
  data: Dataset;
  batchSize: number;
  weightDecay: number;
  /** Default: plain SGD. */
  optimizer?: OptimizerSettings['kind'];
  momentum?: number;
  /** The run's seed: dropout masks are keyed by it. */
  seed?: number;
  /** Threads including the caller (default: the machine's logical cores, at most 8). */
  threads?: number;
  /** Largest validation batch (default: min(validation examples, max(batch, 1024))). */
  valBatch?: number;
  /** Every batch resized to (outH, outW) in the gather (images), as on the GPU. */
  resize?: readonly [number, number] | null;
  /** Random crop / flip of training batches, keyed by (seed, epoch, example index), as on the GPU. */
  augment?: Augment | null;
}

interface SplitAt {
  data: number;
  labels: number;
  dtype: 'u8' | 'f32';
}

export class WasmBackend implements Backend {
  readonly description: string;
  private readonly stepsPerEpoch: number;
  private readonly lastRows: number;
  private readonly valBatches: number;
  private readonly settings: OptimizerSettings;
  private readonly at: {
    order: number; trainSteps: number; valSteps: number; trainLosses: number; valLosses: number; outcomes: number; trainOutcomes: number; augmentKey: number;
    trainFull: number; trainLast: number; valFull: number; valLast: number; state: number[]; profile: number;
  };
  /** Each validation row's outcome from the last validate(). */
  readonly outcomes = new ArrayOutcomes();

  private constructor(
    private readonly o: WasmBackendOptions,
    private readonly net: WasmNetwork,
    private readonly pool: WasmPool,
    at: WasmBackend['at'],
    readonly valBatch: number,
    /** The ops of a full training step, in order (for profile()). */
    private readonly stepOps: readonly Op[],
  ) {
    const n = o.data.train.count;
    this.stepsPerEpoch = Math.ceil(n / o.batchSize);
    this.lastRows = n - (this.stepsPerEpoch - 1) * o.batchSize;
    this.valBatches = Math.ceil(o.data.val.count / valBatch);
    this.settings = { kind: o.optimizer ?? 'sgd', momentum: o.momentum ?? 0.9, weightDecay: o.weightDecay };
    this.at = at;
    this.description = `wasm: ${pool.threads} thread${pool.threads === 1 ? '' : 's'}, SIMD`;
  }

  static async create(o: WasmBackendOptions): Promise<WasmBackend> {
    const { data, arch, batchSize } = o;
    const features = featureSize(data.shape);
    const augment = o.augment && (o.augment.crop > 0 || o.augment.flip) ? o.augment : null;
    const image = !!o.resize || !!augment;
    const outShape = gatherOutShape({ shape: data.shape, resize: o.resize ?? null, augment });
    const valBatch = Math.max(1, Math.min(data.val.count, o.valBatch ?? Math.max(batchSize, 1024)));
    const maxRows = Math.max(batchSize, valBatch);
    const mem = new MemoryPlan();
    const putSplit = (name: string, s: Split): SplitAt => ({
      data: mem.alloc(`data.${name}`, s.x.byteLength),
      labels: mem.alloc(`data.${name}.labels`, 4 * s.count),
      dtype: s.x instanceof Uint8Array ? 'u8' : 'f32',
    });
    const train = putSplit('train', data.train);
    const val = putSplit('val', data.val);
    const scale = mem.floats('data.scale', pad4(features));
    const shift = mem.floats('data.shift', pad4(features));
    const net = new WasmNetwork(mem, arch, maxRows, true, o.seed ?? 0, batchSize);
    const inFeatures = outShape.reduce((a, b) => a * b, 1);
    if (net.input.features !== inFeatures) throw new Error(`the network takes ${net.input.features} features per example, the gather gives ${inFeatures}`);
    const stepsPerEpoch = Math.ceil(data.train.count / batchSize);
    const valBatches = Math.ceil(data.val.count / valBatch);
    const kind = o.optimizer ?? 'sgd';
    const state = optimizerSlots[kind].map((slot) => mem.floats(`optim.${slot}`, net.layout.size));
    const losses = mem.alloc('loss.rows', 8 * maxRows);
    const at = {
      order: mem.alloc('train.order', 4 * data.train.count),
      trainSteps: mem.alloc('train.steps', stepBytes * stepsPerEpoch),
      valSteps: mem.alloc('val.steps', stepBytes * valBatches),
      trainLosses: mem.floats('train.losses', stepsPerEpoch),
      valLosses: mem.floats('val.losses', valBatches),
      outcomes: mem.alloc('val.outcomes', outcomeBytes * data.val.count),
      // Each training row's outcome at its place in the epoch: its top-1 against the label is the train accuracy.
      trainOutcomes: mem.alloc('train.outcomes', outcomeBytes * data.train.count),
      augmentKey: mem.alloc('train.augmentKey', 16),
      trainFull: 0, trainLast: 0, valFull: 0, valLast: 0, state, profile: 0,
    };
    const input = net.input;
    const gather = (s: SplitAt, rows: number, order: number, training: boolean): Op => {
      if (!image) return gatherOp('gather', { rows, features, data: s.data, dtype: s.dtype, order, scale, shift, labels: s.labels, x: input.at, y: net.labels });
      const [channels, h, w] = data.shape;
      const a = training ? augment : null;
      return gatherImageOp('gather', {
        rows, channels, h, w, oh: outShape[1], ow: outShape[2], data: s.data, dtype: s.dtype, order, scale, shift, labels: s.labels, x: input.at, y: net.labels,
        crop: a?.crop ?? 0, flip: a?.flip ?? false, key: a ? at.augmentKey : 0,
      });
    };
    const trainProgram = (rows: number): Op[] => {
      const backward = net.backward(rows);
      backward[0] = [...(backward[0] ?? []), lossSumOp('loss.sum', rows, losses, at.trainLosses)];
      return phases([
        [gather(train, rows, at.order, true), ...net.prepare(rows)],
        ...net.forward(rows, true),
        [
          softmaxXentOp('loss', rowsOf(net.logits, rows), net.labels, losses, net.dLogits.at),
          outcomeOp('train.outcomes', rows, net.logits.features, net.logits.stride, net.logits.at, net.labels, at.trainOutcomes),
        ],
        ...backward,
        [optimizerOp('optimizer', { kind, count: net.layout.size, weights: net.weights, grads: net.grads, s1: state[0] ?? 0, s2: state[1] ?? 0, weightDecay: o.weightDecay, momentum: o.momentum ?? 0.9 })],
      ]);
    };
    const valProgram = (rows: number): Op[] =>
      phases([
        [gather(val, rows, 0, false)],
        ...net.forward(rows, false),
        [
          softmaxXentOp('val.loss', rowsOf(net.logits, rows), net.labels, losses),
          outcomeOp('val.outcomes', rows, net.logits.features, net.logits.stride, net.logits.at, net.labels, at.outcomes),
        ],
        [lossSumOp('val.sum', rows, losses, at.valLosses)],
      ]);
    const lastRows = data.train.count - (stepsPerEpoch - 1) * batchSize;
    const lastVal = data.val.count - (valBatches - 1) * valBatch;
    const programs = [trainProgram(batchSize), trainProgram(lastRows), valProgram(valBatch), valProgram(lastVal)];
    const [trainFull, trainLast, valFull, valLast] = programs.map((p, i) => mem.alloc(`program.${i}`, programBytes(p.length)));
    Object.assign(at, { trainFull, trainLast, valFull, valLast, profile: mem.alloc('program.profile', programBytes(1)) });

    const threads = Math.max(1, Math.min(o.threads ?? Math.min(8, await hardwareThreads()), 64));
    const scratch = mem.threadScratch(threads, net.scratchBytes);
    const pool = await WasmPool.create({ bytes: mem.size, threads, scratch, scratchBytes: net.scratchBytes });
    const buffer = pool.memory.buffer;
    const copySplit = (s: Split, a: SplitAt) => {
      new Uint8Array(buffer, a.data, s.x.byteLength).set(new Uint8Array(s.x.buffer, s.x.byteOffset, s.x.byteLength));
      pool.u32(a.labels, s.count).set(s.y);
    };
    copySplit(data.train, train);
    copySplit(data.val, val);
    const affine = affineOf(data.normalization, features);
    pool.f32(scale, features).set(affine.scale);
    pool.f32(shift, features).set(affine.shift);
    [trainFull, trainLast, valFull, valLast].forEach((p, i) => writeProgram(buffer, p, programs[i]));
    for (let i = 0; i < valBatches; i++) writeStep(buffer, at.valSteps, i, { step: 0, batchStart: i * valBatch, slot: i, lr: 0, c1: 1, c2: 1 });
    return new WasmBackend(o, net, pool, at, valBatch, programs[0]);
  }

  /**
   * Each op of a full training step timed alone (the median of `reps` runs of a one-op program, on every
   * thread), after beginEpoch: the figures behind the per-kernel GFLOP/s. The weights, state and
   * optimizer state are put back afterwards.
   */
  async profile(reps = 5): Promise<{ label: string; op: string; ms: number; gflops: number | null }[]> {
    const [params, state] = [await this.readParams(), await this.readOptimizerState()];
    const out = [];
    for (const op of this.stepOps) {
      writeProgram(this.pool.memory.buffer, this.at.profile, [{ ...op, barrier: true }]);
      const times: number[] = [];
      for (let r = 0; r < reps; r++) {
        const t = performance.now();
        this.pool.run({ progFull: this.at.profile, progLast: this.at.profile, lastIndex: 0, steps: this.at.trainSteps, from: 0, to: 1 });
        times.push(performance.now() - t);
      }
      const ms = times.sort((a, b) => a - b)[Math.floor(reps / 2)];
      out.push({ label: op.label, op: op.name, ms, gflops: op.flops ? op.flops / (ms / 1000) / 1e9 : null });
    }
    this.writeParams(params);
    if (state.size > 0) this.writeOptimizerState(state);
    return out;
  }

  /** Threads the kernels run on (1 without shared memory). */
  get threads(): number {
    return this.pool.threads;
  }

  beginEpoch(order: Uint32Array, lrs: Float32Array, firstGlobalStep: number): void {
    this.pool.u32(this.at.order, order.length).set(order);
    // The trainer starts epoch e at global step e·stepsPerEpoch: the epoch keys the augmentation draws.
    this.pool.u32(this.at.augmentKey, 1)[0] = augmentKey(this.o.seed ?? 0, Math.floor(firstGlobalStep / this.stepsPerEpoch));
    const { beta1, beta2 } = adamConstants;
    for (let s = 0; s < this.stepsPerEpoch; s++) {
      const t = firstGlobalStep + s + 1;
      writeStep(this.pool.memory.buffer, this.at.trainSteps, s, { step: firstGlobalStep + s, batchStart: s * this.o.batchSize, slot: s, lr: lrs[s], c1: 1 - beta1 ** t, c2: 1 - beta2 ** t });
    }
  }

  async trainSteps(from: number, to: number): Promise<StepLosses> {
    const last = this.stepsPerEpoch - 1;
    this.pool.run({ progFull: this.at.trainFull, progLast: this.at.trainLast, lastIndex: last, steps: this.at.trainSteps, from, to });
    const sums = Float32Array.from(this.pool.f32(this.at.trainLosses + 4 * from, to - from));
    const rows = Uint32Array.from({ length: to - from }, (_, i) => (from + i === last ? this.lastRows : this.o.batchSize));
    return { sums, rows, correct: this.trainCorrect(from, rows) };
  }

  /** Correct rows of steps from, from + 1, …: a valid outcome (top-1 present) whose top-1 is the label. */
  private trainCorrect(from: number, rows: Uint32Array): Uint32Array {
    const w = outcomeBytes / 4;
    const first = from * this.o.batchSize;
    const total = rows.reduce((a, b) => a + b, 0);
    const words = new Uint32Array(this.pool.memory.buffer, this.at.trainOutcomes + first * outcomeBytes, total * w);
    const correct = new Uint32Array(rows.length);
    let r = 0;
    rows.forEach((n, i) => {
      for (let end = r + n; r < end; r++) if (words[r * w] === words[r * w + 3]) correct[i]++;
    });
    return correct;
  }

  /** Loss sums per batch, and the statistics added up from every row's outcome in row order (exact counts). */
  async validate(): Promise<ValidationResult> {
    const n = this.valBatches;
    this.pool.run({ progFull: this.at.valFull, progLast: this.at.valLast, lastIndex: n - 1, steps: this.at.valSteps, from: 0, to: n });
    const sums = this.pool.f32(this.at.valLosses, n);
    let lossSum = 0;
    for (let i = 0; i < n; i++) lossSum += sums[i];
    const count = this.o.data.val.count;
    const classes = this.net.logits.features;
    const outcomes = readOutcomes(this.pool.memory.buffer, this.at.outcomes, count);
    const stats = emptyCounts(classes);
    for (const o of outcomes) addOutcome(stats, o, classes);
    this.outcomes.set(outcomes);
    return { lossSum, count, ...stats };
  }

  async readParams(): Promise<Map<string, Float32Array>> {
    const { layout, stateLayout } = this.net;
    const params = fromArena(layout, Float32Array.from(this.pool.f32(this.net.weights, layout.size)));
    const state = stateLayout.entries.length ? fromState(stateLayout, Float32Array.from(this.pool.f32(this.net.state, stateLayout.size))) : new Map();
    return new Map([...params, ...state]);
  }

  writeParams(params: Map<string, Float32Array>): void {
    const { layout, stateLayout } = this.net;
    this.pool.f32(this.net.weights, layout.size).set(toArena(layout, params));
    this.pool.f32(this.net.state, stateLayout.size).set(toState(stateLayout, params));
    this.pool.f32(this.net.grads, layout.size).fill(0);
    for (const s of this.at.state) this.pool.f32(s, layout.size).fill(0);
  }

  private get slots(): readonly string[] {
    return optimizerSlots[this.settings.kind];
  }

  async readOptimizerState(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    this.at.state.forEach((at, i) => {
      for (const [name, t] of fromArena(this.net.layout, Float32Array.from(this.pool.f32(at, this.net.layout.size)))) out.set(`optim.${name}.${this.slots[i]}`, t);
    });
    return out;
  }

  writeOptimizerState(state: Map<string, Float32Array>): void {
    const names = optimizerStateNames(this.net.arch, this.settings.kind);
    const missing = names.filter((n) => !state.has(n));
    if (missing.length > 0) throw new Error(`optimizer state for ${this.settings.kind}: missing ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ` and ${missing.length - 4} more` : ''}`);
    this.slots.forEach((slot, i) => {
      const tensors = new Map(this.net.layout.entries.map((e) => [e.name, state.get(`optim.${e.name}.${slot}`)!]));
      this.pool.f32(this.at.state[i], this.net.layout.size).set(toArena(this.net.layout, tensors));
    });
  }

  destroy(): void {
    this.pool.destroy();
  }
}
