// Dense layer on the GPU, with the following activation fused into its forward epilogue and the
// producer's activation derivative fused into its input-gradient epilogue.
//   forward:  Y = act(X·W + b)                        (nn)
//   backward: dW = Xᵀ·dZ (tn), db = Σ_b dZ, dX = (dZ·Wᵀ) ⊙ act'_producer (nt)
import { pad4 } from '../../gpu/buffers';
import type { Dispatch } from '../../gpu/dispatch';
import type { EpilogueName } from '../../gpu/matmul';
import { arenaBinding, type Act, type FusedActivation, type GpuOp, type OpContext } from './op';

const forwardEpilogue: Record<FusedActivation, EpilogueName> = { none: 'bias', relu: 'biasRelu', sigmoid: 'biasSigmoid' };
const inputGradEpilogue: Record<FusedActivation, EpilogueName> = { none: 'none', relu: 'reluMask', sigmoid: 'sigmoidGrad' };

export interface DenseInput {
  act: Act;
  /** Where to write dX (the producer's dOut), or null for the first layer. */
  grad: Act | null;
  /** The producer's fused activation, whose derivative masks dX. */
  activation: FusedActivation;
}

export class DenseOp implements GpuOp {
  readonly out: Act;
  readonly dOut: Act | null;

  private constructor(
    private readonly ctx: OpContext,
    private readonly index: number,
    private readonly input: DenseInput,
    readonly activation: FusedActivation,
    out: Act,
    dOut: Act | null,
  ) {
    this.out = out;
    this.dOut = dOut;
  }

  static async create(ctx: OpContext, index: number, outFeatures: number, input: DenseInput, activation: FusedActivation, training: boolean, alloc: (label: string, floats: number) => Promise<GPUBuffer>): Promise<DenseOp> {
    const stride = pad4(outFeatures);
    const out = { buffer: await alloc(`layers.${index}.out`, ctx.maxRows * stride), features: outFeatures, stride, shape: [outFeatures] };
    const dOut = training ? { ...out, buffer: await alloc(`layers.${index}.dOut`, ctx.maxRows * stride) } : null;
    return new DenseOp(ctx, index, input, activation, out, dOut);
  }

  private binding(buffer: GPUBuffer, name: 'weight' | 'bias'): GPUBufferBinding {
    return arenaBinding(this.ctx, buffer, `layers.${this.index}.${name}`);
  }

  async forward(rows: number): Promise<Dispatch[]> {
    const d = await this.ctx.matmul.plan(
      { layout: 'nn', rows, cols: this.out.stride, inner: this.input.act.stride, epilogue: forwardEpilogue[this.activation] },
      { a: { buffer: this.input.act.buffer }, b: this.binding(this.ctx.weights, 'weight'), c: { buffer: this.out.buffer }, aux: this.binding(this.ctx.weights, 'bias') },
      `layers.${this.index}.forward`,
    );
    return [d];
  }

  async backward(rows: number): Promise<Dispatch[]> {
    if (!this.dOut) throw new Error(`layers.${this.index}: built without gradients`);
    const label = `layers.${this.index}.backward`;
    const dZ = { buffer: this.dOut.buffer };
    const list: Dispatch[] = [
      await this.ctx.matmul.plan(
        { layout: 'tn', rows: this.input.act.stride, cols: this.out.stride, inner: rows, epilogue: 'none' },
        { a: { buffer: this.input.act.buffer }, b: dZ, c: this.binding(this.ctx.grads, 'weight') },
        `${label}.dW`,
      ),
      await this.ctx.biasGrad.plan({ rows, cols: this.out.stride }, { dy: dZ, db: this.binding(this.ctx.grads, 'bias') }, `${label}.db`),
    ];
    if (this.input.grad) {
      list.push(
        await this.ctx.matmul.plan(
          { layout: 'nt', rows, cols: this.input.act.stride, inner: this.out.stride, epilogue: inputGradEpilogue[this.input.activation] },
          { a: dZ, b: this.binding(this.ctx.weights, 'weight'), c: { buffer: this.input.grad.buffer }, aux: { buffer: this.input.act.buffer } },
          `${label}.dX`,
        ),
      );
    }
    return list;
  }
}
