// Dropout (d2l §5.6): counter-based masks keyed by the run's seed, the op's index and the global step,
// so the GPU and the CPU reference drop the same units and nothing is stored; the identity in evaluation
// (and in ONNX). The backward hands the gradient through the producer's activation.
import type { DropoutSpec as KernelShape } from '../../gpu/dropout';
import { dropoutBackward, dropoutForward, dropoutKey, dropoutMask } from '../../reference/dropout';
import { needGrad, whole } from '../gpu-layers/op';
import { num, onlyFields, size } from './fields';
import type { GpuOp, GpuOpArgs, LayerModule, PassMode } from './types';

export interface DropoutSpec {
  type: 'dropout';
  name?: string;
  p: number;
}

class DropoutOp implements GpuOp {
  constructor(private readonly a: GpuOpArgs<DropoutSpec>) {}

  private shape(rows: number): KernelShape {
    const x = this.a.inputs[0].act;
    return { rows, features: x.features, stride: x.stride, key: dropoutKey(this.a.ctx.seed, this.a.index), p: this.a.spec.p };
  }

  async forward(rows: number, mode: PassMode) {
    const { ctx, inputs, out, path } = this.a;
    return [await ctx.dropout.forward(this.shape(rows), mode.training, { x: whole(inputs[0].act), y: whole(out), stepBuffer: mode.steps }, `${path}.forward`)];
  }

  async backward(rows: number, mode: PassMode) {
    const { ctx, inputs, path } = this.a;
    const input = inputs[0];
    if (!input.grad) return [];
    const ops = { x: whole(input.act), dy: whole(needGrad(this.a.dOut, path)), dx: whole(input.grad), stepBuffer: mode.steps };
    return [await ctx.dropout.backward(this.shape(rows), input.activation, ops, `${path}.backward`)];
  }
}

export const dropout: LayerModule<DropoutSpec> = {
  type: 'dropout',
  doc: 'Dropout in training (nn.Dropout), the identity in evaluation',
  fields: { p: 'drop probability in [0, 1)' },
  resolve(raw, _in, path) {
    onlyFields(raw, ['p'], path);
    return { type: 'dropout', ...(raw.name !== undefined && { name: raw.name as string }), p: num(raw, 'p', path, 0, 1, 0.5, false) };
  },
  outputShape: (_s, inShapes) => inShapes[0],
  label: (s) => `Dropout p=${s.p}`,
  forward(op, xs, mode) {
    if (!mode.training) return { y: xs[0] };
    const mask = dropoutMask(dropoutKey(mode.seed, op.index), mode.step, op.rows, size(op.inShapes[0]), op.spec.p);
    return { y: dropoutForward(xs[0], mask, op.spec.p), saved: mask };
  },
  backward(op, xs, _y, dY, saved) {
    return { dXs: [saved ? dropoutBackward(xs[0], dY, saved as Uint8Array, op.spec.p) : dY] };
  },
  gpu: { create: async (a) => new DropoutOp(a) },
  onnx: (_g, _s, inputs) => inputs[0],
  torch: (s) => `nn.Dropout(${s.p})`,
};
