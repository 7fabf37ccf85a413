// BatchNorm (d2l §8.5; nn.BatchNorm1d on a flat input, nn.BatchNorm2d on C×H×W, picked by the input's
// rank): a training pass normalises with batch statistics and moves the running statistics; evaluation
// uses the running statistics and leaves them alone. γ, β are the parameters `weight`, `bias`; the
// running statistics are state saved with the weights. The following activation fuses into its output.
import type { BatchNormSpec as KernelShape } from '../../gpu/batchnorm';
import { statsFloats } from '../../gpu/batchnorm';
import { batchNormBackward, batchNormForward, type BatchNormCache, type BatchNormShape } from '../../reference/batchnorm';
import { needGrad, whole } from '../gpu-layers/op';
import { inputSize, num, onlyFields } from './fields';
import { SpecError, type GpuOp, type GpuOpArgs, type LayerModule } from './types';

export interface BatchNormSpec {
  type: 'batchnorm';
  name?: string;
  features: number;
  /** BatchNorm2d (statistics over batch and pixels) or BatchNorm1d (over the batch). */
  spatial: boolean;
  eps: number;
  /** d2l's momentum: running ← (1 − m)·running + m·batch statistic. */
  momentum: number;
}

const shapeOf = (s: BatchNormSpec, inShape: number[], rows: number): BatchNormShape & KernelShape => ({
  batch: rows, rows, channels: s.features, spatial: s.spatial ? inShape[1] * inShape[2] : 1, eps: s.eps, momentum: s.momentum,
});

class BatchNormOp implements GpuOp {
  constructor(private readonly a: GpuOpArgs<BatchNormSpec>, private readonly stats: GPUBuffer) {}

  async forward(rows: number, mode: { training: boolean }) {
    const { ctx, inputs, out, fused, path, spec } = this.a;
    return ctx.batchNorm.forward(shapeOf(spec, inputs[0].act.shape, rows), mode.training, fused, {
      x: whole(inputs[0].act), y: whole(out), gamma: this.a.param('weight', 'weights'), beta: this.a.param('bias', 'weights'),
      stats: { buffer: this.stats }, running: this.a.state(),
    }, `${path}.forward`);
  }

  async backward(rows: number) {
    const { ctx, inputs, path, spec } = this.a;
    const input = inputs[0];
    return ctx.batchNorm.backward(shapeOf(spec, input.act.shape, rows), input.activation, {
      x: whole(input.act), gamma: this.a.param('weight', 'weights'), stats: { buffer: this.stats }, dy: whole(needGrad(this.a.dOut, path)),
      dgamma: this.a.param('weight', 'grads'), dbeta: this.a.param('bias', 'grads'),
      dx: input.grad ? whole(input.grad) : undefined,
    }, `${path}.backward`);
  }
}

export const batchNorm: LayerModule<BatchNormSpec> = {
  type: 'batchnorm',
  doc: 'Batch normalisation: BatchNorm2d on a C×H×W input, BatchNorm1d on a flat one',
  fields: { features: 'channels or features (optional: taken from the input)', eps: 'ε (default 1e-5)', momentum: 'running-statistics momentum (default 0.1)' },
  resolve(raw, inShapes, path) {
    onlyFields(raw, ['features', 'eps', 'momentum', 'spatial'], path);
    const s = inShapes[0];
    if (s.length !== 3 && s.length !== 1) throw new SpecError(path, `batchnorm needs a C×H×W or a flat input, gets ${s.join('×')}`);
    const spatial = s.length === 3;
    if (raw.spatial !== undefined && raw.spatial !== spatial) throw new SpecError(path, `spatial is ${String(raw.spatial)}, but the input is ${s.join('×')}`);
    return {
      type: 'batchnorm', ...(raw.name !== undefined && { name: raw.name as string }),
      features: inputSize(raw, 'features', path, s[0], spatial ? 'channels' : 'features'), spatial,
      eps: num(raw, 'eps', path, 1e-12, 1, 1e-5), momentum: num(raw, 'momentum', path, 0, 1, 0.1),
    };
  },
  outputShape(s, inShapes) {
    const shape = inShapes[0];
    const features = s.spatial ? (shape.length === 3 ? shape[0] : NaN) : shape.length === 1 ? shape[0] : NaN;
    if (features !== s.features) throw new SpecError('', `input ${shape.join('×')} does not have the layer's ${s.features} ${s.spatial ? 'channels' : 'features'}`);
    return shape;
  },
  params: (s) => [
    { name: 'weight', shape: [s.features], init: 'ones', gpu: 'vector' },
    { name: 'bias', shape: [s.features], init: 'zeros', gpu: 'vector' },
  ],
  state: (s) => [
    { name: 'running_mean', size: s.features, fill: 0 },
    { name: 'running_var', size: s.features, fill: 1 },
  ],
  label: (s) => `BatchNorm${s.spatial ? '2d' : '1d'} ${s.features}`,
  forward(op, xs, mode) {
    const running = { mean: op.tensor('running_mean'), var: op.tensor('running_var') };
    const r = batchNormForward(xs[0], op.tensor('weight'), op.tensor('bias'), running, shapeOf(op.spec, op.inShapes[0], op.rows), mode.training);
    return { y: r.y, saved: r.cache, state: mode.training ? { running_mean: r.running.mean, running_var: r.running.var } : undefined };
  },
  backward(op, xs, _y, dY, saved) {
    const g = batchNormBackward(xs[0], op.tensor('weight'), dY, saved as BatchNormCache, shapeOf(op.spec, op.inShapes[0], op.rows));
    return { dXs: [g.dX], grads: { weight: g.dGamma, bias: g.dBeta } };
  },
  gpu: {
    async create(a) {
      return new BatchNormOp(a, await a.alloc(`${a.path}.batchStats`, statsFloats(a.spec.features)));
    },
    fuses: (_s, act) => act !== 'none',
  },
  onnx(g, s, inputs, _in, path) {
    // y = (x − running_mean) / √(running_var + ε) · weight + bias, over the channel axis 1.
    const p = (n: string) => g.param(`${path}.${n}`);
    return g.node('BatchNormalization', [inputs[0], p('weight'), p('bias'), p('running_mean'), p('running_var')], { epsilon: { float: s.eps } }, path);
  },
  torch: (s) => `LabBatchNorm${s.spatial ? '2d' : '1d'}(${s.features}, eps=${s.eps}, momentum=${s.momentum})`,
};
