// Dense layer on the GPU, with the following activation fused into its forward epilogue and the
// producer's activation derivative fused into its input-gradient epilogue.
//   forward:  Y = act(X·W + b)                        (nn)
//   backward: dW = Xᵀ·dZ with db = Σ_b dZ fused (tn), dX = (dZ·Wᵀ) ⊙ act'_producer (nt)
// The sigmoid epilogue writes sigmoid(0) = 0.5 into padding columns, so the network fuses a sigmoid only
// when `out` is a multiple of 4 (no padding); otherwise a standalone activation op follows.
import type { Dispatch } from '../../gpu/dispatch';
import type { EpilogueName } from '../../gpu/matmul';
import { arenaBinding, outputActs, type Act, type Alloc, type FusedActivation, type GpuOp, type OpContext, type OpInput } from './op';

const forwardEpilogue: Record<FusedActivation, EpilogueName> = { none: 'bias', relu: 'biasRelu', sigmoid: 'biasSigmoid' };
const inputGradEpilogue: Record<FusedActivation, EpilogueName> = { none: 'none', relu: 'reluMask', sigmoid: 'sigmoidGrad' };

/** Whether the dense layer can fuse `activation` into its output without disturbing the padding. */
export function denseFuses(outFeatures: number, activation: FusedActivation): boolean {
  return activation !== 'sigmoid' || outFeatures % 4 === 0;
}

export class DenseOp implements GpuOp {
  private constructor(
    private readonly ctx: OpContext,
    private readonly index: number,
    private readonly input: OpInput,
    readonly activation: FusedActivation,
    readonly out: Act,
    readonly dOut: Act | null,
  ) {}

  static async create(ctx: OpContext, index: number, outFeatures: number, input: OpInput, activation: FusedActivation, training: boolean, alloc: Alloc): Promise<DenseOp> {
    if (!denseFuses(outFeatures, activation)) throw new Error(`layers.${index}: a dense layer of ${outFeatures} outputs cannot fuse a sigmoid`);
    const { out, dOut } = await outputActs(ctx, index, [outFeatures], training, alloc);
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
    // dW and db in one dispatch: the tn product's biasGrad epilogue sums dZ's rows beside it.
    const list: Dispatch[] = [
      await this.ctx.matmul.plan(
        { layout: 'tn', rows: this.input.act.stride, cols: this.out.stride, inner: rows, epilogue: 'biasGrad' },
        { a: { buffer: this.input.act.buffer }, b: dZ, c: this.binding(this.ctx.grads, 'weight'), db: this.binding(this.ctx.grads, 'bias') },
        `${label}.dW`,
      ),
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
