// BatchNorm on the GPU (shaders/batchnorm.wgsl), 1-D after dense layers and 2-D after convolutions: a
// training pass normalises with batch statistics and moves the running statistics (in the network's
// state buffer); an evaluation pass uses the running statistics and leaves them alone.
import type { BatchNormSpec } from '../../gpu/batchnorm';
import { statsFloats } from '../../gpu/batchnorm';
import type { Dispatch } from '../../gpu/dispatch';
import type { LayerSpec } from '../architecture';
import { arenaBinding, outputActs, whole, type Act, type Alloc, type FusedActivation, type GpuOp, type OpContext, type OpInput, type PassMode } from './op';

type BatchNormLayer = Extract<LayerSpec, { type: 'batchnorm' }>;

export class BatchNormOp implements GpuOp {
  private constructor(
    private readonly ctx: OpContext,
    private readonly index: number,
    private readonly spec: BatchNormLayer,
    private readonly input: OpInput,
    readonly activation: FusedActivation,
    readonly out: Act,
    readonly dOut: Act | null,
    private readonly stats: GPUBuffer,
  ) {}

  static async create(ctx: OpContext, index: number, spec: BatchNormLayer, input: OpInput, activation: FusedActivation, training: boolean, alloc: Alloc): Promise<BatchNormOp> {
    const { out, dOut } = await outputActs(ctx, index, input.act.shape, training, alloc);
    const stats = await alloc(`layers.${index}.batchStats`, statsFloats(spec.features));
    return new BatchNormOp(ctx, index, spec, input, activation, out, dOut, stats);
  }

  private shape(rows: number): BatchNormSpec {
    const s = this.input.act.shape;
    return { rows, channels: this.spec.features, spatial: this.spec.spatial ? s[1] * s[2] : 1, eps: this.spec.eps, momentum: this.spec.momentum };
  }

  private param(buffer: GPUBuffer, name: 'weight' | 'bias'): GPUBufferBinding {
    return arenaBinding(this.ctx, buffer, `layers.${this.index}.${name}`);
  }

  private running(): GPUBufferBinding {
    const e = this.ctx.stateLayout.entries.find((x) => x.layer === this.index);
    if (!e) throw new Error(`layers.${this.index}: no running statistics in the state layout`);
    return { buffer: this.ctx.state, offset: e.offset * 4, size: e.size * 4 };
  }

  async forward(rows: number, mode: PassMode): Promise<Dispatch[]> {
    return this.ctx.batchNorm.forward(this.shape(rows), mode.training, this.activation, {
      x: whole(this.input.act), y: whole(this.out), gamma: this.param(this.ctx.weights, 'weight'), beta: this.param(this.ctx.weights, 'bias'),
      stats: { buffer: this.stats }, running: this.running(),
    }, `layers.${this.index}.forward`);
  }

  async backward(rows: number): Promise<Dispatch[]> {
    if (!this.dOut) throw new Error(`layers.${this.index}: built without gradients`);
    return this.ctx.batchNorm.backward(this.shape(rows), this.input.activation, {
      x: whole(this.input.act), gamma: this.param(this.ctx.weights, 'weight'), stats: { buffer: this.stats }, dy: whole(this.dOut),
      dgamma: this.param(this.ctx.grads, 'weight'), dbeta: this.param(this.ctx.grads, 'bias'),
      dx: this.input.grad ? whole(this.input.grad) : undefined,
    }, `layers.${this.index}.backward`);
  }
}
