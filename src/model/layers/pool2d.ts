// MaxPool2d and AvgPool2d (PyTorch semantics, floor mode): square window, stride (default: the window),
// zero padding where max ignores the padding and average counts it (count_include_pad=True). Max keeps
// each window's first maximum for the backward. The two types differ only in the kind; one file holds both.
import type { PoolKind, PoolSpec } from '../../gpu/pool';
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward, type PoolShape } from '../../reference/pool';
import { windowOut } from '../../reference/window';
import { needGrad, whole } from '../gpu-layers/op';
import { image, int, onlyFields } from './fields';
import { SpecError, type GpuOp, type GpuOpArgs, type LayerModule } from './types';

export interface Pool2dSpec {
  type: 'maxpool2d' | 'avgpool2d';
  name?: string;
  kernel: number;
  stride: number;
  padding: number;
}

const shapeOf = (s: Pool2dSpec, inShape: number[], rows: number): PoolShape & PoolSpec => ({
  batch: rows, rows, channels: inShape[0], h: inShape[1], w: inShape[2], kernel: s.kernel, stride: s.stride, padding: s.padding,
});

class PoolOp implements GpuOp {
  constructor(private readonly a: GpuOpArgs<Pool2dSpec>, private readonly kind: PoolKind, private readonly argmax: GPUBuffer | null) {}

  async forward(rows: number) {
    const { ctx, inputs, out, path, spec } = this.a;
    const argmax = this.argmax ? { buffer: this.argmax } : undefined;
    return [await ctx.pool.forward(shapeOf(spec, inputs[0].act.shape, rows), this.kind, { x: whole(inputs[0].act), y: whole(out), argmax }, `${path}.forward`)];
  }

  async backward(rows: number) {
    const { ctx, inputs, path, spec } = this.a;
    const dOut = needGrad(this.a.dOut, path);
    const input = inputs[0];
    if (!input.grad) return [];
    const argmax = this.argmax ? { buffer: this.argmax } : undefined;
    const ops = { x: whole(input.act), dy: whole(dOut), dx: whole(input.grad), argmax };
    return [await ctx.pool.backward(shapeOf(spec, input.act.shape, rows), this.kind, input.activation, ops, `${path}.backward`)];
  }
}

function poolModule(type: Pool2dSpec['type'], kind: PoolKind, title: string): LayerModule<Pool2dSpec> {
  const module: LayerModule<Pool2dSpec> = {
    type,
    doc: `${title} (nn.${title}) over each channel`,
    fields: { kernel: 'window size', stride: 'stride (default: the window size)', padding: `padding each side (default 0, at most half the window)${kind === 'avg' ? '; counted in the average' : ''}` },
    resolve(raw, inShapes, path) {
      onlyFields(raw, ['kernel', 'stride', 'padding'], path);
      image(inShapes, path, type);
      const kernel = int(raw, 'kernel', path, 1, 64);
      return {
        type, ...(raw.name !== undefined && { name: raw.name as string }),
        kernel, stride: int(raw, 'stride', path, 1, 64, kernel), padding: int(raw, 'padding', path, 0, Math.floor(kernel / 2), 0),
      };
    },
    outputShape(s, inShapes) {
      const [c, h, w] = inShapes[0];
      if (inShapes[0].length !== 3) throw new SpecError('', `${type} needs a C×H×W input, gets ${inShapes[0].join('×')}`);
      const oh = windowOut(h, s.kernel, s.stride, s.padding);
      const ow = windowOut(w, s.kernel, s.stride, s.padding);
      if (oh < 1 || ow < 1) throw new SpecError('', `a ${h}×${w} input is smaller than the ${s.kernel}×${s.kernel} window`);
      return [c, oh, ow];
    },
    label: (s) => `${title} ${s.kernel}×${s.kernel}${s.stride !== s.kernel ? `, stride ${s.stride}` : ''}${s.padding !== 0 ? `, pad ${s.padding}` : ''}`,
    forward(op, xs) {
      const shape = shapeOf(op.spec, op.inShapes[0], op.rows);
      return { y: kind === 'max' ? maxPool2dForward(xs[0], shape) : avgPool2dForward(xs[0], shape) };
    },
    backward(op, xs, _y, dY) {
      const shape = shapeOf(op.spec, op.inShapes[0], op.rows);
      return { dXs: [kind === 'max' ? maxPool2dBackward(xs[0], dY, shape) : avgPool2dBackward(xs[0], dY, shape)] };
    },
    gpu: {
      async create(a) {
        return new PoolOp(a, kind, kind === 'max' ? await a.alloc(`${a.path}.argmax`, a.ctx.maxRows * a.out.stride) : null);
      },
      scratchFloats: (_s, _in, out) => (kind === 'max' ? Math.ceil(out.reduce((x, y) => x * y, 1) / 4) * 4 : 0),
    },
    onnx(g, s, inputs, _in, path) {
      const attrs = { kernel_shape: [s.kernel, s.kernel], strides: [s.stride, s.stride], pads: [s.padding, s.padding, s.padding, s.padding] };
      return g.node(kind === 'max' ? 'MaxPool' : 'AveragePool', inputs, kind === 'max' ? attrs : { ...attrs, count_include_pad: 1 }, path);
    },
    torch: (s) => `nn.${title}(${s.kernel}, stride=${s.stride}, padding=${s.padding})`,
  };
  return module;
}

export const maxPool2d = poolModule('maxpool2d', 'max', 'MaxPool2d');
export const avgPool2d = poolModule('avgpool2d', 'avg', 'AvgPool2d');
