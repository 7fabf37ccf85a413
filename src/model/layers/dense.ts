// Dense (PyTorch nn.Linear): y = x·Wᵀ + b over the flattened input. File weight (out, in); on the GPU
// (pad4(in), pad4(out)) so the forward is X·W with vec4 rows.
//   GPU forward:  Y = act(X·W + b)                       (matmul nn, bias/activation epilogue)
//   GPU backward: dW = Xᵀ·dZ with db = Σ_b dZ fused (tn), dX = (dZ·Wᵀ) ⊙ act'_producer (nt)
// The sigmoid epilogue would write sigmoid(0) = 0.5 into padding columns, so a sigmoid fuses only when
// `out` is a multiple of 4; tanh has no matmul epilogue (a standalone op follows, or precedes the sum).
import type { ActivationKind } from '../../gpu/activation';
import type { EpilogueName } from '../../gpu/matmul';
import { denseBackward, denseForward } from '../../reference/layers';
import { needGrad } from '../gpu-layers/op';
import { bool, dims, inputSize, int, onlyFields, size } from './fields';
import { SpecError, type GpuOp, type GpuOpArgs, type LayerModule, type RefBackward } from './types';

export interface DenseSpec {
  type: 'dense';
  name?: string;
  in: number;
  out: number;
  bias: boolean;
}

const forwardEpilogue: Partial<Record<ActivationKind, EpilogueName>> = { none: 'bias', relu: 'biasRelu', sigmoid: 'biasSigmoid' };
const inputGradEpilogue: Partial<Record<ActivationKind, EpilogueName>> = { none: 'none', relu: 'reluMask', sigmoid: 'sigmoidGrad' };

class DenseOp implements GpuOp {
  /** Without a bias, the forward epilogues read zeros from here. */
  constructor(private readonly a: GpuOpArgs<DenseSpec>, private readonly zeroBias: GPUBuffer | null) {}

  async forward(rows: number) {
    const { ctx, inputs, out, fused, path } = this.a;
    const x = inputs[0].act;
    return [
      await ctx.matmul.plan(
        { layout: 'nn', rows, cols: out.stride, inner: x.stride, epilogue: forwardEpilogue[fused]! },
        { a: { buffer: x.buffer }, b: this.a.param('weight', 'weights'), c: { buffer: out.buffer }, aux: this.zeroBias ? { buffer: this.zeroBias } : this.a.param('bias', 'weights') },
        `${path}.forward`,
      ),
    ];
  }

  async backward(rows: number) {
    const { ctx, inputs, out, path } = this.a;
    const dZ = { buffer: needGrad(this.a.dOut, path).buffer };
    const input = inputs[0];
    // dW and db in one dispatch: the tn product's biasGrad epilogue sums dZ's rows beside it.
    const bias = this.a.spec.bias;
    const list = [
      await ctx.matmul.plan(
        { layout: 'tn', rows: input.act.stride, cols: out.stride, inner: rows, epilogue: bias ? 'biasGrad' : 'none' },
        { a: { buffer: input.act.buffer }, b: dZ, c: this.a.param('weight', 'grads'), ...(bias && { db: this.a.param('bias', 'grads') }) },
        `${path}.backward.dW`,
      ),
    ];
    if (input.grad) {
      list.push(
        await ctx.matmul.plan(
          { layout: 'nt', rows, cols: input.act.stride, inner: out.stride, epilogue: inputGradEpilogue[input.activation]! },
          { a: dZ, b: this.a.param('weight', 'weights'), c: { buffer: input.grad.buffer }, aux: { buffer: input.act.buffer } },
          `${path}.backward.dX`,
        ),
      );
    }
    return list;
  }
}

export const dense: LayerModule<DenseSpec> = {
  type: 'dense',
  doc: 'Fully connected layer (nn.Linear) over the flattened input',
  fields: { in: 'input features (optional: taken from the input)', out: 'output features, or "classes"', bias: 'true (default) or false' },
  resolve(raw, inShapes, path, numClasses) {
    onlyFields(raw, ['in', 'out', 'bias'], path);
    const features = size(inShapes[0]);
    const out = raw.out === 'classes' ? numClasses : int(raw, 'out', path, 1);
    return { type: 'dense', ...(raw.name !== undefined && { name: raw.name as string }), in: inputSize(raw, 'in', path, features, inShapes[0].length > 1 ? `features (${dims(inShapes[0])})` : 'features'), out, bias: bool(raw, 'bias', path, true) };
  },
  outputShape(spec, inShapes) {
    const features = size(inShapes[0]);
    if (features !== spec.in) throw new SpecError('', `input has ${features} features, the layer expects ${spec.in}`);
    return [spec.out];
  },
  params: (s) => [
    { name: 'weight', shape: [s.out, s.in], init: 'weight', gpu: 'matrix' },
    ...(s.bias ? [{ name: 'bias', shape: [s.out], init: 'zeros' as const, gpu: 'vector' as const }] : []),
  ],
  macs: (s) => s.in * s.out,
  label: (s) => `Dense ${s.in}→${s.out}${s.bias ? '' : ', no bias'}`,
  forward(op, xs) {
    const s = op.spec;
    const bias = s.bias ? op.tensor('bias') : new Float64Array(s.out);
    return { y: denseForward(xs[0], op.tensor('weight'), bias, op.rows, s.in, s.out) };
  },
  backward(op, xs, _y, dY): RefBackward {
    const g = denseBackward(xs[0], op.tensor('weight'), dY, op.rows, op.spec.in, op.spec.out);
    return { dXs: [g.dX], grads: op.spec.bias ? { weight: g.dW, bias: g.dB } : { weight: g.dW } };
  },
  gpu: {
    async create(a) {
      if (!dense.gpu.fuses!(a.spec, a.fused, [a.spec.out])) throw new Error(`${a.path}: a dense layer of ${a.spec.out} outputs cannot fuse ${a.fused}`);
      return new DenseOp(a, a.spec.bias ? null : await a.alloc(`${a.path}.zeroBias`, a.out.stride));
    },
    fuses: (s, act) => forwardEpilogue[act] !== undefined && (act !== 'sigmoid' || s.out % 4 === 0),
    appliesInputActivation: (_s, act) => inputGradEpilogue[act] !== undefined,
  },
  onnx(g, spec, inputs, inShapes, path) {
    // Gemm needs a (batch, in) matrix: a dense layer straight after a C×H×W tensor flattens it first.
    const x = inShapes[0].length > 1 ? g.node('Flatten', inputs, { axis: 1 }, `${path}.flatten`) : inputs[0];
    return g.node('Gemm', spec.bias ? [x, g.param(`${path}.weight`), g.param(`${path}.bias`)] : [x, g.param(`${path}.weight`)], { transB: 1 }, path);
  },
  torch: (s, inShapes) => `${inShapes[0].length > 1 ? 'FlatLinear' : 'nn.Linear'}(${s.in}, ${s.out}${s.bias ? '' : ', bias=False'})`,
};
