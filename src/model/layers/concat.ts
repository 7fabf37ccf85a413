// The join of a `concat` container (GoogLeNet's Inception, DenseNet's dense blocks; d2l §8.4, §8.7): the
// branches' outputs side by side along the channels (C×H×W, equal H×W) or features (flat). Per example a
// branch's values are one contiguous run at its channel offset, so forward and backward are slice copies.
import { needGrad, whole } from '../gpu-layers/op';
import { size } from './fields';
import { SpecError, type GpuOp, type GpuOpArgs, type LayerModule } from './types';

export interface ConcatSpec {
  type: 'concat';
  name?: string;
}

/** Each input's floats per example and its offset in the output's. */
function slices(inShapes: number[][]): { count: number; offset: number }[] {
  let offset = 0;
  return inShapes.map((s) => {
    const r = { count: size(s), offset };
    offset += r.count;
    return r;
  });
}

class ConcatOp implements GpuOp {
  constructor(private readonly a: GpuOpArgs<ConcatSpec>) {}

  private shapes() {
    return slices(this.a.inputs.map((i) => i.act.shape));
  }

  async forward(rows: number) {
    const { ctx, inputs, out, path } = this.a;
    const list = [];
    for (const [i, { count, offset }] of this.shapes().entries()) {
      const s = { rows, count, aStride: inputs[i].act.stride, aOffset: 0, dstStride: out.stride, dstOffset: offset };
      list.push(await ctx.graph.copySlice(s, 'none', { a: whole(inputs[i].act), dst: whole(out) }, `${path}.forward.${i}`));
    }
    return list;
  }

  async backward(rows: number) {
    const { ctx, inputs, out, path } = this.a;
    const dOut = needGrad(this.a.dOut, path);
    const list = [];
    for (const [i, { count, offset }] of this.shapes().entries()) {
      const input = inputs[i];
      if (!input.grad) continue;
      const s = { rows, count, aStride: out.stride, aOffset: offset, dstStride: input.grad.stride, dstOffset: 0 };
      list.push(await ctx.graph.copySlice(s, input.activation, { a: whole(dOut), dst: whole(input.grad), y: whole(input.act) }, `${path}.backward.${i}`));
    }
    return list;
  }
}

export const concat: LayerModule<ConcatSpec> = {
  type: 'concat',
  doc: 'The join of a "concat" container: branches side by side along the channels (not written as a layer)',
  fields: {},
  arity: 'many',
  resolve(_raw, inShapes, path) {
    const first = inShapes[0];
    for (const [i, s] of inShapes.entries()) {
      const fits = s.length === first.length && (s.length === 1 || (s.length === 3 && s[1] === first[1] && s[2] === first[2]));
      if (!fits) throw new SpecError(path, `branch ${i} gives ${s.join('×')}, branch 0 gives ${first.join('×')}: concatenated branches need the same height and width`);
    }
    return { type: 'concat' };
  },
  outputShape(_s, inShapes) {
    const channels = inShapes.reduce((n, s) => n + s[0], 0);
    return [channels, ...inShapes[0].slice(1)];
  },
  label: () => 'Concat',
  forward(op, xs) {
    const parts = slices(op.inShapes);
    const per = parts.reduce((n, p) => n + p.count, 0);
    const y = new Float64Array(op.rows * per);
    parts.forEach((p, i) => {
      for (let b = 0; b < op.rows; b++) y.set(xs[i].subarray(b * p.count, (b + 1) * p.count), b * per + p.offset);
    });
    return { y };
  },
  backward(op, _xs, _y, dY) {
    const parts = slices(op.inShapes);
    const per = parts.reduce((n, p) => n + p.count, 0);
    return {
      dXs: parts.map((p) => {
        const d = new Float64Array(op.rows * p.count);
        for (let b = 0; b < op.rows; b++) d.set(dY.subarray(b * per + p.offset, b * per + p.offset + p.count), b * p.count);
        return d;
      }),
    };
  },
  gpu: { create: async (a) => new ConcatOp(a) },
  onnx: (g, _s, inputs, _in, path) => g.node('Concat', inputs, { axis: 1 }, path),
  torch: () => null,
};
