// Global average pooling (d2l's nn.AdaptiveAvgPool2d((1, 1)), §8.3): the mean of each channel over the
// whole H×W plane, C×H×W → C×1×1. The backward spreads dY/(H·W) over the plane and applies the
// producer's activation derivative (NiN's last ReLU).
import type { GlobalPoolSpec } from '../../gpu/pool';
import { globalAvgPoolBackward, globalAvgPoolForward, type GlobalPoolShape } from '../../reference/pool';
import { needGrad, whole } from '../gpu-layers/op';
import { image, onlyFields } from './fields';
import { SpecError, type GpuOp, type GpuOpArgs, type LayerModule } from './types';

export interface GlobalAvgPoolSpec {
  type: 'globalavgpool';
  name?: string;
}

const shapeOf = (inShape: number[], rows: number): GlobalPoolShape & GlobalPoolSpec => ({ batch: rows, rows, channels: inShape[0], h: inShape[1], w: inShape[2] });

class GlobalAvgPoolOp implements GpuOp {
  constructor(private readonly a: GpuOpArgs<GlobalAvgPoolSpec>) {}

  async forward(rows: number) {
    const { ctx, inputs, out, path } = this.a;
    return [await ctx.pool.globalAvgForward(shapeOf(inputs[0].act.shape, rows), { x: whole(inputs[0].act), y: whole(out) }, `${path}.forward`)];
  }

  async backward(rows: number) {
    const { ctx, inputs, path } = this.a;
    const input = inputs[0];
    if (!input.grad) return [];
    const ops = { x: whole(input.act), dy: whole(needGrad(this.a.dOut, path)), dx: whole(input.grad) };
    return [await ctx.pool.globalAvgBackward(shapeOf(input.act.shape, rows), input.activation, ops, `${path}.backward`)];
  }
}

export const globalAvgPool: LayerModule<GlobalAvgPoolSpec> = {
  type: 'globalavgpool',
  doc: 'Global average pooling (nn.AdaptiveAvgPool2d((1, 1))): each channel\'s mean, C×H×W → C×1×1',
  fields: {},
  resolve(raw, inShapes, path) {
    onlyFields(raw, [], path);
    image(inShapes, path, 'globalavgpool');
    return { type: 'globalavgpool', ...(raw.name !== undefined && { name: raw.name as string }) };
  },
  outputShape(_s, inShapes) {
    if (inShapes[0].length !== 3) throw new SpecError('', `globalavgpool needs a C×H×W input, gets ${inShapes[0].join('×')}`);
    return [inShapes[0][0], 1, 1];
  },
  label: () => 'GlobalAvgPool',
  forward: (op, xs) => ({ y: globalAvgPoolForward(xs[0], shapeOf(op.inShapes[0], op.rows)) }),
  backward: (op, xs, _y, dY) => ({ dXs: [globalAvgPoolBackward(xs[0], dY, shapeOf(op.inShapes[0], op.rows))] }),
  gpu: { create: async (a) => new GlobalAvgPoolOp(a) },
  onnx: (g, _s, inputs, _in, path) => g.node('GlobalAveragePool', inputs, {}, path),
  torch: () => 'nn.AdaptiveAvgPool2d((1, 1))',
};
