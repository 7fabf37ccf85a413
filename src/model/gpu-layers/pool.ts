// MaxPool2d / AvgPool2d on the GPU (shaders/pool.wgsl); max pooling keeps each window's first maximum
// for the backward. The backward applies the producer's activation derivative.
import type { Dispatch } from '../../gpu/dispatch';
import type { PoolKind, PoolSpec } from '../../gpu/pool';
import type { LayerSpec } from '../architecture';
import { outputActs, whole, type Act, type Alloc, type GpuOp, type OpContext, type OpInput } from './op';

type Pool2d = Extract<LayerSpec, { type: 'maxpool2d' | 'avgpool2d' }>;

export class PoolOp implements GpuOp {
  readonly activation = 'none';

  private constructor(
    private readonly ctx: OpContext,
    private readonly index: number,
    private readonly spec: Pool2d,
    private readonly input: OpInput,
    readonly out: Act,
    readonly dOut: Act | null,
    private readonly argmax: GPUBuffer | null,
  ) {}

  static async create(ctx: OpContext, index: number, spec: Pool2d, input: OpInput, outShape: number[], training: boolean, alloc: Alloc): Promise<PoolOp> {
    const { out, dOut } = await outputActs(ctx, index, outShape, training, alloc);
    const argmax = spec.type === 'maxpool2d' ? await alloc(`layers.${index}.argmax`, ctx.maxRows * out.stride) : null;
    return new PoolOp(ctx, index, spec, input, out, dOut, argmax);
  }

  private get kind(): PoolKind {
    return this.spec.type === 'maxpool2d' ? 'max' : 'avg';
  }

  private shape(rows: number): PoolSpec {
    const [channels, h, w] = this.input.act.shape;
    return { rows, channels, h, w, kernel: this.spec.kernel, stride: this.spec.stride };
  }

  async forward(rows: number): Promise<Dispatch[]> {
    const argmax = this.argmax ? { buffer: this.argmax } : undefined;
    return [await this.ctx.pool.forward(this.shape(rows), this.kind, { x: whole(this.input.act), y: whole(this.out), argmax }, `layers.${this.index}.forward`)];
  }

  async backward(rows: number): Promise<Dispatch[]> {
    if (!this.dOut) throw new Error(`layers.${this.index}: built without gradients`);
    if (!this.input.grad) return [];
    const argmax = this.argmax ? { buffer: this.argmax } : undefined;
    const ops = { x: whole(this.input.act), dy: whole(this.dOut), dx: whole(this.input.grad), argmax };
    return [await this.ctx.pool.backward(this.shape(rows), this.kind, this.input.activation, ops, `layers.${this.index}.backward`)];
  }
}
