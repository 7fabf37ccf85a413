// The elementwise ops: dropout (counter-based, keyed by the run's seed, the layer and the global step)
// and a standalone ReLU/sigmoid where no producer fuses it. Both hand the gradient back through the
// producer's activation derivative.
import type { Dispatch } from '../../gpu/dispatch';
import type { DropoutSpec } from '../../gpu/dropout';
import { dropoutKey } from '../../reference/dropout';
import { outputActs, whole, type Act, type Alloc, type FusedActivation, type GpuOp, type OpContext, type OpInput, type PassMode } from './op';

export class DropoutOp implements GpuOp {
  readonly activation = 'none';

  private constructor(
    private readonly ctx: OpContext,
    private readonly index: number,
    private readonly p: number,
    private readonly input: OpInput,
    readonly out: Act,
    readonly dOut: Act | null,
  ) {}

  static async create(ctx: OpContext, index: number, p: number, input: OpInput, training: boolean, alloc: Alloc): Promise<DropoutOp> {
    const { out, dOut } = await outputActs(ctx, index, input.act.shape, training, alloc);
    return new DropoutOp(ctx, index, p, input, out, dOut);
  }

  private shape(rows: number): DropoutSpec {
    return { rows, features: this.input.act.features, stride: this.input.act.stride, key: dropoutKey(this.ctx.seed, this.index), p: this.p };
  }

  async forward(rows: number, mode: PassMode): Promise<Dispatch[]> {
    return [await this.ctx.dropout.forward(this.shape(rows), mode.training, { x: whole(this.input.act), y: whole(this.out), stepBuffer: mode.steps }, `layers.${this.index}.forward`)];
  }

  async backward(rows: number, mode: PassMode): Promise<Dispatch[]> {
    if (!this.dOut) throw new Error(`layers.${this.index}: built without gradients`);
    if (!this.input.grad) return [];
    const ops = { x: whole(this.input.act), dy: whole(this.dOut), dx: whole(this.input.grad), stepBuffer: mode.steps };
    return [await this.ctx.dropout.backward(this.shape(rows), this.input.activation, ops, `layers.${this.index}.backward`)];
  }
}

/** y = act(x) standalone. Its output carries `activation`, so its consumer applies act'; its own backward only hands dOut through the producer's activation. */
export class ActivationOp implements GpuOp {
  private constructor(
    private readonly ctx: OpContext,
    private readonly index: number,
    private readonly input: OpInput,
    readonly activation: FusedActivation,
    readonly out: Act,
    readonly dOut: Act | null,
  ) {}

  static async create(ctx: OpContext, index: number, kind: FusedActivation, input: OpInput, training: boolean, alloc: Alloc): Promise<ActivationOp> {
    const { out, dOut } = await outputActs(ctx, index, input.act.shape, training, alloc);
    return new ActivationOp(ctx, index, input, kind, out, dOut);
  }

  private shape(rows: number) {
    return { rows, features: this.input.act.features, stride: this.input.act.stride };
  }

  async forward(rows: number): Promise<Dispatch[]> {
    return [await this.ctx.activation.forward(this.shape(rows), this.activation, { x: whole(this.input.act), y: whole(this.out) }, `layers.${this.index}.forward`)];
  }

  async backward(rows: number): Promise<Dispatch[]> {
    if (!this.dOut) throw new Error(`layers.${this.index}: built without gradients`);
    if (!this.input.grad) return [];
    const ops = { x: whole(this.input.act), dy: whole(this.dOut), dx: whole(this.input.grad) };
    return [await this.ctx.activation.backward(this.shape(rows), this.input.activation, ops, `layers.${this.index}.backward`)];
  }
}
