// The model trained on WebGPU. Everything is built once: dataset on the GPU, the network, and the
// dispatch lists of a training step (gather → forward → fused loss → backward → optimizer) and of a
// validation batch (gather → forward → loss → accuracy). A range of steps is one compute pass and one
// submit; its loss sums come back through a small ring of staging buffers without stalling the queue.
import { Accuracy, countsLayout, OutcomeWords, parseCounts } from '../gpu/accuracy';
import { GpuOutcomes } from './gpu-outcomes';
import { bufferSource, createBuffer, readBuffer, storageUsage } from '../gpu/buffers';
import type { KernelContext } from '../gpu/context';
import { encodeAll, type Dispatch } from '../gpu/dispatch';
import { AugmentKey, Gather, gatherOutFeatures } from '../gpu/gather';
import { partialCount, SoftmaxXent } from '../gpu/softmax-xent';
import { StepUniform, stepStride } from '../gpu/step-uniform';
import { featureSize, type Dataset } from '../data/dataset';
import type { Augment } from '../reference/gather';
import { optimizerSlots, type Backend, type OptimizerSettings, type StepLosses, type ValidationResult } from './backend';
import { floatsPerExample, GpuNetwork } from './gpu-network';
import { GpuOptimizer } from './gpu-optimizer';
import type { Architecture } from './architecture';
import { destroySplit, maxChunkBytes, uploadAffine, uploadSplit, type GpuSplit } from './gpu-dataset';
import { fromArena, toArena } from './params';
import { newTraffic, profileStep } from './gpu-perf';
import { HostPacer } from './host-pacer';
import type { DispatchTiming } from '../gpu/profiler';

/** Ranges of steps the trainer may have in flight at once (the staging ring holds one more). */
export const maxInFlight = 3;

export interface GpuBackendOptions {
  kc: KernelContext;
  description: string;
  arch: Architecture;
  data: Dataset;
  batchSize: number;
  weightDecay: number;
  /** Default: plain SGD. */
  optimizer?: OptimizerSettings['kind'];
  momentum?: number;
  /** The run's seed: dropout masks are keyed by it. */
  seed?: number;
  /** Largest validation batch (default: as many as fit a 64 MiB activation budget, ≤ 4,096). */
  valBatch?: number;
  /** Sleep through most of each range before awaiting it (Dawn in Node; see host-pacer.ts). */
  paceHost?: boolean;
  /** Largest data chunk in bytes (tests shrink it to exercise the split across buffers). */
  maxChunkBytes?: number;
  /** Every batch (training and validation) resized to (outH, outW) inside the gather; the network's input is the resized shape. */
  resize?: readonly [number, number] | null;
  /** Random crop / flip of training batches inside the gather, keyed by (seed, epoch, example index); never validation. */
  augment?: Augment | null;
  /** Count each training step's correct rows beside its loss (train accuracy; default true). Off, the step is the same minus that one read-only dispatch. */
  trainAccuracy?: boolean;
}

export class GpuBackend implements Backend {
  readonly description: string;
  /** Host↔GPU traffic so far (the performance figures: per epoch, per step). */
  readonly traffic = newTraffic();
  private readonly pacer: HostPacer;
  private readonly device: GPUDevice;
  private readonly buffers: GPUBuffer[] = [];
  private readonly splits: GpuSplit[] = [];
  private trainProgram: Dispatch[] = [];
  private lastTrainProgram: Dispatch[] = [];
  private valPrograms: Dispatch[][] = [];
  private readonly ring: GPUBuffer[] = [];
  private ringNext = 0;
  private readonly stepsPerEpoch: number;
  private readonly lastRows: number;
  private readonly valBatches: number;
  // Built in init():
  private net!: GpuNetwork;
  private optimizer!: GpuOptimizer;
  private order!: GPUBuffer;
  private steps!: StepUniform;
  private valSteps!: StepUniform;
  private losses!: GPUBuffer;
  private valLosses!: GPUBuffer;
  private correct!: GPUBuffer;
  /** Correct rows of each training step (the train accuracy), at the step's slot; absent with trainAccuracy: false. */
  private trainCorrect?: GPUBuffer;
  /** Each validation row's outcome from the last validate() (absent where the split is too large to bind). */
  outcomes?: GpuOutcomes;
  private augmentKey!: AugmentKey;

  private constructor(private readonly o: GpuBackendOptions, readonly valBatch: number) {
    this.device = o.kc.device;
    this.description = o.description;
    this.pacer = new HostPacer(o.paceHost ?? false);
    const n = o.data.train.count;
    this.stepsPerEpoch = Math.ceil(n / o.batchSize);
    this.lastRows = n - (this.stepsPerEpoch - 1) * o.batchSize;
    this.valBatches = Math.ceil(o.data.val.count / valBatch);
  }

  static async create(o: GpuBackendOptions): Promise<GpuBackend> {
    const perExample = floatsPerExample(o.arch);
    const byBudget = Math.floor((64 << 20) / (perExample * 4));
    const valBatch = Math.max(1, Math.min(o.data.val.count, o.valBatch ?? Math.min(4096, Math.max(o.batchSize, byBudget))));
    const b = new GpuBackend(o, valBatch);
    await b.init();
    return b;
  }

  private async buffer(label: string, bytes: number, usage = storageUsage()): Promise<GPUBuffer> {
    const buf = await createBuffer(this.device, label, bytes, usage);
    this.buffers.push(buf);
    return buf;
  }

  private async init(): Promise<void> {
    const { kc, data, arch, batchSize } = this.o;
    const device = this.device;
    const maxBytes = this.o.maxChunkBytes ?? maxChunkBytes(device);
    const train = await uploadSplit(device, data.train, data.shape, 'data.train', maxBytes);
    const val = await uploadSplit(device, data.val, data.shape, 'data.val', maxBytes);
    this.splits.push(train, val);
    const { scale, shift } = await uploadAffine(device, data.normalization, data.shape);
    this.buffers.push(scale, shift);
    this.order = await this.buffer('train.order', train.count * 4);
    const identity = await this.buffer('val.order', val.count * 4);
    device.queue.writeBuffer(identity, 0, Uint32Array.from({ length: val.count }, (_, i) => i));

    this.net = await GpuNetwork.create(kc, arch, Math.max(batchSize, this.valBatch), true, { seed: this.o.seed });
    this.steps = new StepUniform(device, this.stepsPerEpoch, 'train.steps');
    this.valSteps = new StepUniform(device, this.valBatches, 'val.steps');
    for (let i = 0; i < this.valBatches; i++) this.valSteps.set(i, { step: 0, batchStart: i * this.valBatch, slot: i, lr: 0 });
    this.valSteps.flush();
    this.losses = await this.buffer('train.losses', this.stepsPerEpoch * 4);
    if (this.o.trainAccuracy ?? true) this.trainCorrect = await this.buffer('train.correct', this.stepsPerEpoch * 4);
    this.valLosses = await this.buffer('val.losses', this.valBatches * 4);
    // The fused validation statistics (src/gpu/accuracy.ts countsLayout); the correct count is word 0.
    this.correct = await this.buffer('val.counts', countsLayout(arch.numClasses).words * 4);
    const partials = await this.buffer('loss.partials', partialCount(this.net.maxRows) * 4);
    if (GpuOutcomes.fits(device, val.count)) this.outcomes = new GpuOutcomes(kc, await this.buffer('val.outcomes', val.count * OutcomeWords * 4), val.count);
    const ringBytes = Math.max(2 * this.stepsPerEpoch, this.valBatches + countsLayout(arch.numClasses).words) * 4;
    for (let i = 0; i <= maxInFlight; i++) this.ring.push(await this.buffer(`staging.${i}`, ringBytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST));

    const gather = new Gather(kc);
    this.augmentKey = new AugmentKey(device, 'train.augmentKey');
    const gatherSpec = (rows: number, dtype: GpuSplit['dtype'], augment: Augment | null) =>
      ({ rows, features: featureSize(data.shape), dtype, shape: data.shape, resize: this.o.resize, augment });
    const gathered = gatherOutFeatures(gatherSpec(1, train.dtype, null));
    if (gathered !== this.net.input.features) throw new Error(`the gather makes ${gathered} features an example, the network takes ${this.net.input.features}`);
    const xent = new SoftmaxXent(kc);
    const net = this.net;
    const logits = { rows: 0, classes: arch.numClasses, stride: net.logits.stride };
    const gatherOps = (split: GpuSplit, order: GPUBuffer, stepBuffer: GPUBuffer) => ({
      chunks: split.chunks, order: { buffer: order }, scale: { buffer: scale }, shift: { buffer: shift }, labels: { buffer: split.labels },
      x: { buffer: net.input.buffer }, y: { buffer: net.labels }, stepBuffer,
    });
    const settings = { kind: this.o.optimizer ?? 'sgd', momentum: this.o.momentum ?? 0.9, weightDecay: this.o.weightDecay } as const;
    this.optimizer = await GpuOptimizer.create(kc, net, settings, this.steps.buffer);
    const trainMode = { training: true, steps: this.steps.buffer };
    const accuracy = new Accuracy(kc);
    const trainCorrect = this.trainCorrect;
    const valMode = { training: false, steps: this.valSteps.buffer };
    const trainProgram = async (rows: number) => [
      ...(await gather.plan(gatherSpec(rows, train.dtype, this.o.augment ?? null), { ...gatherOps(train, this.order, this.steps.buffer), augment: this.augmentKey.buffer }, 'train.gather')),
      ...(await net.forward(rows, trainMode)),
      ...(await xent.plan({ ...logits, rows }, { logits: { buffer: net.logits.buffer }, labels: { buffer: net.labels }, dLogits: { buffer: net.dLogits.buffer }, partials: { buffer: partials }, losses: { buffer: this.losses }, stepBuffer: this.steps.buffer }, 'train.loss')),
      ...(trainCorrect ? [await accuracy.planCorrect({ ...logits, rows }, { logits: { buffer: net.logits.buffer }, labels: { buffer: net.labels }, correct: { buffer: trainCorrect }, stepBuffer: this.steps.buffer }, 'train.accuracy')] : []),
      ...(await net.backward(rows, trainMode)),
      this.optimizer.dispatch,
    ];
    const valProgram = async (rows: number) => [
      ...(await gather.plan(gatherSpec(rows, val.dtype, null), gatherOps(val, identity, this.valSteps.buffer), 'val.gather')),
      ...(await net.forward(rows, valMode)),
      ...(await xent.plan({ ...logits, rows }, { logits: { buffer: net.logits.buffer }, labels: { buffer: net.labels }, partials: { buffer: partials }, losses: { buffer: this.valLosses }, stepBuffer: this.valSteps.buffer }, 'val.loss')),
      await accuracy.plan({ ...logits, rows }, { logits: { buffer: net.logits.buffer }, labels: { buffer: net.labels }, counts: { buffer: this.correct }, outcomes: this.outcomes && { buffer: this.outcomes.buffer }, stepBuffer: this.valSteps.buffer }, 'val.accuracy'),
    ];
    this.trainProgram = await trainProgram(batchSize);
    this.lastTrainProgram = this.lastRows === batchSize ? this.trainProgram : await trainProgram(this.lastRows);
    const full = await valProgram(this.valBatch);
    const lastVal = val.count - (this.valBatches - 1) * this.valBatch;
    this.valPrograms = Array.from({ length: this.valBatches }, () => full);
    if (lastVal !== this.valBatch) this.valPrograms[this.valBatches - 1] = await valProgram(lastVal);
  }

  /** GPU dispatches of one full training step (for the performance figures). */
  get dispatchesPerStep(): readonly Dispatch[] {
    return this.trainProgram;
  }

  /** GPU time of each dispatch of one training step (null without timestamp queries); the step really runs. */
  profileStep(reps = 3): Promise<DispatchTiming[] | null> {
    return profileStep(this.device, this.trainProgram, StepUniform.offset(0), reps);
  }

  beginEpoch(order: Uint32Array, lrs: Float32Array, firstGlobalStep: number): void {
    this.device.queue.writeBuffer(this.order, 0, order.buffer, order.byteOffset, order.byteLength);
    // The trainer starts epoch e at global step e·stepsPerEpoch: the epoch keys the augmentation draws.
    if (this.o.augment) {
      this.augmentKey.set(this.o.seed ?? 0, Math.floor(firstGlobalStep / this.stepsPerEpoch));
      this.traffic.bytesUploaded += 16;
    }
    for (let s = 0; s < this.stepsPerEpoch; s++) this.steps.set(s, { step: firstGlobalStep + s, batchStart: s * this.o.batchSize, slot: s, lr: lrs[s] });
    this.steps.flush();
    this.traffic.bytesUploaded += order.byteLength + this.stepsPerEpoch * stepStride;
  }

  async trainSteps(from: number, to: number): Promise<StepLosses> {
    const enc = this.device.createCommandEncoder({ label: `train.steps ${from}-${to}` });
    if (this.trainCorrect) enc.clearBuffer(this.trainCorrect, from * 4, (to - from) * 4);
    const pass = enc.beginComputePass({ label: 'train' });
    for (let s = from; s < to; s++) {
      const program = s === this.stepsPerEpoch - 1 ? this.lastTrainProgram : this.trainProgram;
      encodeAll(pass, program, StepUniform.offset(s));
      this.traffic.dispatches += program.length;
    }
    pass.end();
    const staging = this.nextStaging();
    const bytes = (to - from) * 4;
    enc.copyBufferToBuffer(this.losses, from * 4, staging, 0, bytes);
    // The correct counts ride in the same staging buffer, after the loss sums: one map for both.
    const read = this.trainCorrect ? 2 * bytes : bytes;
    if (this.trainCorrect) enc.copyBufferToBuffer(this.trainCorrect, from * 4, staging, bytes, bytes);
    this.device.queue.submit([enc.finish()]);
    this.traffic.submits++;
    this.traffic.mapAsyncs++;
    const { start } = await this.pacer.submitted(to - from);
    await staging.mapAsync(GPUMapMode.READ, 0, read);
    this.pacer.done(to - from, start);
    const range = staging.getMappedRange(0, read);
    const sums = new Float32Array(range.slice(0, bytes));
    const correct = this.trainCorrect ? new Uint32Array(range.slice(bytes, 2 * bytes)) : undefined;
    staging.unmap();
    const rows = Uint32Array.from({ length: to - from }, (_, i) => (from + i === this.stepsPerEpoch - 1 ? this.lastRows : this.o.batchSize));
    return { sums, rows, ...(correct && { correct }) };
  }

  async validate(): Promise<ValidationResult> {
    const enc = this.device.createCommandEncoder({ label: 'validate' });
    enc.clearBuffer(this.correct);
    const pass = enc.beginComputePass({ label: 'validate' });
    this.valPrograms.forEach((program, i) => encodeAll(pass, program, StepUniform.offset(i)));
    this.traffic.dispatches += this.valPrograms.reduce((n, p) => n + p.length, 0);
    pass.end();
    const staging = this.nextStaging();
    const n = this.valBatches;
    enc.copyBufferToBuffer(this.valLosses, 0, staging, 0, n * 4);
    const classes = this.o.arch.numClasses;
    const words = countsLayout(classes).words;
    enc.copyBufferToBuffer(this.correct, 0, staging, n * 4, words * 4);
    this.device.queue.submit([enc.finish()]);
    this.traffic.submits++;
    this.traffic.mapAsyncs++;
    await staging.mapAsync(GPUMapMode.READ, 0, (n + words) * 4);
    const range = staging.getMappedRange(0, (n + words) * 4);
    const sums = new Float32Array(range, 0, n);
    let lossSum = 0;
    for (let i = 0; i < n; i++) lossSum += sums[i];
    const { correct, invalid, confusion, calibration } = parseCounts(new Uint32Array(range, n * 4, words), classes);
    staging.unmap();
    if (this.outcomes) this.outcomes.passes++;
    return { lossSum, correct, count: this.o.data.val.count, confusion, invalid, calibration };
  }

  private nextStaging(): GPUBuffer {
    const b = this.ring[this.ringNext];
    this.ringNext = (this.ringNext + 1) % this.ring.length;
    return b;
  }

  async readParams(): Promise<Map<string, Float32Array>> {
    this.traffic.submits++;
    this.traffic.mapAsyncs++;
    const arena = new Float32Array(await readBuffer(this.device, this.net.weights, 0, this.net.layout.size * 4));
    return new Map([...fromArena(this.net.layout, arena), ...(await this.net.readState())]);
  }

  writeParams(params: Map<string, Float32Array>): void {
    const arena = toArena(this.net.layout, params);
    this.net.writeState(params);
    this.device.queue.writeBuffer(this.net.weights, 0, bufferSource(arena));
    this.device.queue.writeBuffer(this.net.gradArena, 0, new Float32Array(this.net.layout.size));
    this.optimizer.reset();
    this.traffic.bytesUploaded += 2 * arena.byteLength;
  }

  readOptimizerState(): Promise<Map<string, Float32Array>> {
    const reads = optimizerSlots[this.optimizer.settings.kind].length;
    this.traffic.submits += reads;
    this.traffic.mapAsyncs += reads;
    return this.optimizer.read();
  }

  writeOptimizerState(state: Map<string, Float32Array>): void {
    this.optimizer.write(state);
  }

  destroy(): void {
    this.outcomes?.destroy();
    this.optimizer.destroy();
    this.net.destroy();
    for (const s of this.splits) destroySplit(s);
    for (const b of this.buffers) b.destroy();
  }
}
