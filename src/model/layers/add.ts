// The residual join y = body(x) + shortcut(x) (d2l §8.6), made by a `residual` container, never written
// as a layer. The following activation (ReLU in ResNet) fuses into it. Its gradient passes through to
// both inputs unchanged, so the network hands its dOut to both producers (aliasing it where a producer
// has no activation); the backward below only runs for inputs that need a derivative applied.
import { needGrad, whole } from '../gpu-layers/op';
import { SpecError, type GpuOp, type GpuOpArgs, type LayerModule } from './types';

export interface AddSpec {
  type: 'add';
  name?: string;
}

class AddOp implements GpuOp {
  constructor(private readonly a: GpuOpArgs<AddSpec>) {}

  async forward(rows: number) {
    const { ctx, inputs, out, fused, path } = this.a;
    const s = { rows, features: out.features, stride: out.stride };
    return [await ctx.graph.add(s, fused, { a: whole(inputs[0].act), b: whole(inputs[1].act), dst: whole(out) }, `${path}.forward`)];
  }

  async backward(rows: number) {
    const { ctx, inputs, out, path } = this.a;
    const dOut = needGrad(this.a.dOut, path);
    const list = [];
    for (const [i, input] of inputs.entries()) {
      if (!input.grad) continue;
      const s = { rows, features: out.features, stride: out.stride };
      list.push(await ctx.activation.backward(s, input.activation, { x: whole(input.act), dy: whole(dOut), dx: whole(input.grad) }, `${path}.backward.${i}`));
    }
    return list;
  }
}

const same = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

export const add: LayerModule<AddSpec> = {
  type: 'add',
  doc: 'The join of a residual block: body(x) + shortcut(x) (made by "residual", not written as a layer)',
  fields: {},
  arity: 'many',
  resolve(_raw, inShapes, path) {
    if (inShapes.length !== 2 || !same(inShapes[0], inShapes[1])) {
      throw new SpecError(path, `the residual body gives ${inShapes[0].join('×')} but the shortcut gives ${inShapes[1]?.join('×')}: they must agree (a strided or 1×1 convolution in the shortcut can match them)`);
    }
    return { type: 'add' };
  },
  outputShape: (_s, inShapes) => inShapes[0],
  label: () => 'Add',
  forward: (_op, xs) => ({ y: Float64Array.from(xs[0], (v, i) => v + xs[1][i]) }),
  backward: (_op, _xs, _y, dY) => ({ dXs: [dY, dY] }),
  gpu: {
    create: async (a) => new AddOp(a),
    fuses: (_s, act) => act !== 'none',
  },
  onnx: (g, _s, inputs, _in, path) => g.node('Add', inputs, {}, path),
  torch: () => null,
};
