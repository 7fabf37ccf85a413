// The elementwise activations ReLU, sigmoid and tanh (one file: they differ only in the function). A
// producer that can (dense, conv2d, batchnorm, add) applies a following activation in its own output;
// otherwise a standalone op runs it. Either way the tensor carries the activation, and whoever writes its
// gradient applies the derivative, computed from the activation's output.
import type { ActivationKind } from '../../gpu/activation';
import { reluBackward, reluForward, sigmoidBackward, sigmoidForward, tanhBackward, tanhForward } from '../../reference/layers';
import { needGrad, whole } from '../gpu-layers/op';
import { onlyFields } from './fields';
import type { GpuOp, GpuOpArgs, LayerModule } from './types';

export interface ActivationSpec {
  type: 'relu' | 'sigmoid' | 'tanh';
  name?: string;
}

/** y = act(x) standalone. Its output carries the activation, so its consumer applies act'; its own backward hands dOut through the producer's activation. */
class ActivationOp implements GpuOp {
  constructor(private readonly a: GpuOpArgs<ActivationSpec>, private readonly kind: ActivationKind) {}

  private shape(rows: number) {
    const x = this.a.inputs[0].act;
    return { rows, features: x.features, stride: x.stride };
  }

  async forward(rows: number) {
    const { ctx, inputs, out, path } = this.a;
    return [await ctx.activation.forward(this.shape(rows), this.kind, { x: whole(inputs[0].act), y: whole(out) }, `${path}.forward`)];
  }

  async backward(rows: number) {
    const { ctx, inputs, path } = this.a;
    const input = inputs[0];
    if (!input.grad) return [];
    const ops = { x: whole(input.act), dy: whole(needGrad(this.a.dOut, path)), dx: whole(input.grad) };
    return [await ctx.activation.backward(this.shape(rows), input.activation, ops, `${path}.backward`)];
  }
}

function activationModule(type: ActivationSpec['type'], title: string, onnx: string, forward: (x: ArrayLike<number>) => Float64Array, backward: (x: ArrayLike<number>, dY: ArrayLike<number>) => Float64Array): LayerModule<ActivationSpec> {
  return {
    type,
    doc: `${title} activation (nn.${title})`,
    fields: {},
    activation: type,
    resolve(raw, _in, path) {
      onlyFields(raw, [], path);
      return { type, ...(raw.name !== undefined && { name: raw.name as string }) };
    },
    outputShape: (_s, inShapes) => inShapes[0],
    label: () => title,
    forward: (_op, xs) => ({ y: forward(xs[0]) }),
    backward: (_op, xs, _y, dY) => ({ dXs: [backward(xs[0], dY)] }),
    gpu: { create: async (a) => new ActivationOp(a, type) },
    onnx: (g, _s, inputs, _in, path) => g.node(onnx, inputs, {}, path),
    torch: () => `nn.${title}()`,
  };
}

export const relu = activationModule('relu', 'ReLU', 'Relu', reluForward, reluBackward);
export const sigmoid = activationModule('sigmoid', 'Sigmoid', 'Sigmoid', sigmoidForward, sigmoidBackward);
export const tanh = activationModule('tanh', 'Tanh', 'Tanh', tanhForward, tanhBackward);
export const activationModules = [relu, sigmoid, tanh];
