// Conv2d on the GPU (shaders/conv.wgsl, computed directly): the following activation fused into the
// forward, the producer's activation derivative into the input gradient. The backward keeps scratch
// buffers: dY made pixel-major, the split-K partial sums of the weight gradient, the input-gradient columns.
import { convScratch, type ConvSpec } from '../../gpu/conv';
import type { Dispatch } from '../../gpu/dispatch';
import type { LayerSpec } from '../architecture';
import { arenaBinding, outputActs, whole, type Act, type Alloc, type FusedActivation, type GpuOp, type OpContext, type OpInput } from './op';

type Conv2d = Extract<LayerSpec, { type: 'conv2d' }>;

export class ConvOp implements GpuOp {
  private constructor(
    private readonly ctx: OpContext,
    private readonly index: number,
    private readonly spec: Conv2d,
    private readonly input: OpInput,
    readonly activation: FusedActivation,
    readonly out: Act,
    readonly dOut: Act | null,
    private readonly scratch: { dyp: GPUBuffer; partials: GPUBuffer; columns: GPUBuffer | null } | null,
  ) {}

  static async create(ctx: OpContext, index: number, spec: Conv2d, input: OpInput, outShape: number[], activation: FusedActivation, training: boolean, alloc: Alloc): Promise<ConvOp> {
    const { out, dOut } = await outputActs(ctx, index, outShape, training, alloc);
    let scratch = null;
    if (training) {
      const s = convScratch(shapeOf(spec, input.act, ctx.maxRows));
      const columns = input.grad ? await alloc(`layers.${index}.dColumns`, s.columns) : null;
      scratch = { dyp: await alloc(`layers.${index}.dYPixels`, s.dyp), partials: await alloc(`layers.${index}.dWPartials`, s.partials), columns };
    }
    return new ConvOp(ctx, index, spec, input, activation, out, dOut, scratch);
  }

  private param(buffer: GPUBuffer, name: 'weight' | 'bias'): GPUBufferBinding {
    return arenaBinding(this.ctx, buffer, `layers.${this.index}.${name}`);
  }

  async forward(rows: number): Promise<Dispatch[]> {
    const ops = { x: whole(this.input.act), w: this.param(this.ctx.weights, 'weight'), bias: this.param(this.ctx.weights, 'bias'), y: whole(this.out) };
    return [await this.ctx.conv.forward(shapeOf(this.spec, this.input.act, rows), this.activation, ops, `layers.${this.index}.forward`)];
  }

  async backward(rows: number): Promise<Dispatch[]> {
    if (!this.dOut || !this.scratch) throw new Error(`layers.${this.index}: built without gradients`);
    return this.ctx.conv.backward(shapeOf(this.spec, this.input.act, rows), this.input.activation, {
      x: whole(this.input.act), w: this.param(this.ctx.weights, 'weight'), dy: whole(this.dOut),
      dyp: { buffer: this.scratch.dyp }, partials: { buffer: this.scratch.partials },
      dw: this.param(this.ctx.grads, 'weight'), db: this.param(this.ctx.grads, 'bias'),
      dx: this.input.grad ? whole(this.input.grad) : undefined,
      columns: this.scratch.columns ? { buffer: this.scratch.columns } : undefined,
    }, `layers.${this.index}.backward`);
  }
}

function shapeOf(spec: Conv2d, input: Act, rows: number): ConvSpec {
  const [inC, h, w] = input.shape;
  return { rows, inC, h, w, outC: spec.out, kernel: spec.kernel, stride: spec.stride, padding: spec.padding };
}
