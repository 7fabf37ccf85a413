// Conv2d (PyTorch nn.Conv2d: cross-correlation, square kernel, zero padding, NCHW): weight
// (out, in, k, k), optional bias. On the GPU (shaders/conv*.wgsl) the following activation is fused into
// the forward and the producer's activation derivative into the input gradient; the backward keeps
// scratch buffers (pixel-major dY, the weight gradient's split-K partials, the input-gradient columns).
import { convScratch, type ConvSpec } from '../../gpu/conv';
import { conv2dBackward, conv2dForward, type ConvShape } from '../../reference/conv';
import { windowOut } from '../../reference/window';
import { needGrad, whole } from '../gpu-layers/op';
import { bool, image, inputSize, int, onlyFields } from './fields';
import { SpecError, type GpuOp, type GpuOpArgs, type LayerModule, type RefBackward } from './types';

export interface Conv2dSpec {
  type: 'conv2d';
  name?: string;
  in: number;
  out: number;
  kernel: number;
  stride: number;
  padding: number;
  bias: boolean;
}

/** `same` (stride 1, odd kernel: (k − 1)/2), `valid` (0) or a number. */
function padding(raw: Record<string, unknown>, path: string, kernel: number, stride: number): number {
  if (raw.padding === 'valid') return 0;
  if (raw.padding === 'same') {
    if (stride !== 1 || kernel % 2 === 0) throw new SpecError(path, `padding "same" needs stride 1 and an odd kernel (here ${kernel}×${kernel}, stride ${stride}); give the padding as a number`);
    return (kernel - 1) / 2;
  }
  return int(raw, 'padding', path, 0, Math.floor(kernel / 2) + kernel, 0);
}

const shapeOf = (s: Conv2dSpec, inShape: number[], rows: number): ConvShape & ConvSpec => ({
  batch: rows, rows, inC: inShape[0], h: inShape[1], w: inShape[2], outC: s.out, kernel: s.kernel, stride: s.stride, padding: s.padding,
});

class ConvOp implements GpuOp {
  constructor(
    private readonly a: GpuOpArgs<Conv2dSpec>,
    private readonly scratch: { dyp: GPUBuffer; partials: GPUBuffer; columns: GPUBuffer | null } | null,
    /** Without a bias: zeros for the forward, and a sink for the bias gradient the kernel writes. */
    private readonly noBias: { zeros: GPUBuffer; dbSink: GPUBuffer | null } | null,
  ) {}

  private bias(arena: 'weights' | 'grads'): GPUBufferBinding {
    if (!this.noBias) return this.a.param('bias', arena);
    return { buffer: arena === 'weights' ? this.noBias.zeros : needGrad(this.noBias.dbSink, this.a.path) };
  }

  async forward(rows: number) {
    const { ctx, inputs, out, fused, path } = this.a;
    const x = inputs[0].act;
    const ops = { x: whole(x), w: this.a.param('weight', 'weights'), bias: this.bias('weights'), y: whole(out) };
    return ctx.conv.forward(shapeOf(this.a.spec, x.shape, rows), fused, ops, `${path}.forward`);
  }

  async backward(rows: number) {
    const { ctx, inputs, path } = this.a;
    const dOut = needGrad(this.a.dOut, path);
    const scratch = needGrad(this.scratch, path);
    const input = inputs[0];
    return ctx.conv.backward(shapeOf(this.a.spec, input.act.shape, rows), input.activation, {
      x: whole(input.act), w: this.a.param('weight', 'weights'), dy: whole(dOut),
      dyp: { buffer: scratch.dyp }, partials: { buffer: scratch.partials },
      dw: this.a.param('weight', 'grads'), db: this.bias('grads'),
      dx: input.grad ? whole(input.grad) : undefined,
      columns: scratch.columns ? { buffer: scratch.columns } : undefined,
    }, `${path}.backward`);
  }
}

export const conv2d: LayerModule<Conv2dSpec> = {
  type: 'conv2d',
  doc: '2-D convolution (nn.Conv2d), square kernel, zero padding',
  fields: {
    in: 'input channels (optional: taken from the input)', out: 'output channels, or "classes" (NiN\'s last block)', kernel: 'kernel size, 1–11',
    stride: 'stride (default 1)', padding: '"same", "valid" or a number (default 0)', bias: 'true (default) or false',
  },
  resolve(raw, inShapes, path, numClasses) {
    onlyFields(raw, ['in', 'out', 'kernel', 'stride', 'padding', 'bias'], path);
    const [c] = image(inShapes, path, 'conv2d');
    const kernel = int(raw, 'kernel', path, 1, 11);
    const stride = int(raw, 'stride', path, 1, 16, 1);
    return {
      type: 'conv2d', ...(raw.name !== undefined && { name: raw.name as string }),
      in: inputSize(raw, 'in', path, c, 'channels'), out: raw.out === 'classes' ? numClasses : int(raw, 'out', path, 1), kernel, stride, padding: padding(raw, path, kernel, stride), bias: bool(raw, 'bias', path, true),
    };
  },
  outputShape(s, inShapes) {
    const [c, h, w] = inShapes[0];
    if (inShapes[0].length !== 3) throw new SpecError('', `conv2d needs a C×H×W input, gets ${inShapes[0].join('×')}`);
    if (c !== s.in) throw new SpecError('', `input has ${c} channels, the layer expects ${s.in}`);
    const oh = windowOut(h, s.kernel, s.stride, s.padding);
    const ow = windowOut(w, s.kernel, s.stride, s.padding);
    if (oh < 1 || ow < 1) throw new SpecError('', `a ${h}×${w} input (padded by ${s.padding}) is smaller than the ${s.kernel}×${s.kernel} kernel`);
    return [s.out, oh, ow];
  },
  params: (s) => [
    { name: 'weight', shape: [s.out, s.in, s.kernel, s.kernel], init: 'weight', gpu: 'matrix' },
    ...(s.bias ? [{ name: 'bias', shape: [s.out], init: 'zeros' as const, gpu: 'vector' as const }] : []),
  ],
  macs: (s, _in, out) => out[1] * out[2] * s.out * s.in * s.kernel * s.kernel,
  label: (s) => `Conv2d ${s.out}@${s.kernel}×${s.kernel}${s.stride !== 1 ? `, stride ${s.stride}` : ''}${s.padding !== 0 ? `, pad ${s.padding}` : ''}${s.bias ? '' : ', no bias'}`,
  forward(op, xs) {
    const bias = op.spec.bias ? op.tensor('bias') : new Float64Array(op.spec.out);
    return { y: conv2dForward(xs[0], op.tensor('weight'), bias, shapeOf(op.spec, op.inShapes[0], op.rows)) };
  },
  backward(op, xs, _y, dY): RefBackward {
    const g = conv2dBackward(xs[0], op.tensor('weight'), dY, shapeOf(op.spec, op.inShapes[0], op.rows));
    return { dXs: [g.dX], grads: op.spec.bias ? { weight: g.dW, bias: g.dB } : { weight: g.dW } };
  },
  gpu: {
    async create(a) {
      const noBias = a.spec.bias ? null : { zeros: await a.alloc(`${a.path}.zeroBias`, a.out.stride), dbSink: a.training ? await a.alloc(`${a.path}.dBiasSink`, a.out.stride) : null };
      let scratch = null;
      if (a.training) {
        const s = convScratch(shapeOf(a.spec, a.inputs[0].act.shape, a.ctx.maxRows));
        const columns = a.inputs[0].grad ? await a.alloc(`${a.path}.dColumns`, s.columns) : null;
        scratch = { dyp: await a.alloc(`${a.path}.dYPixels`, s.dyp), partials: await a.alloc(`${a.path}.dWPartials`, s.partials), columns };
      }
      return new ConvOp(a, scratch, noBias);
    },
    fuses: (_s, act) => act !== 'none',
    scratchFloats(s, inShapes) {
      const scratch = convScratch(shapeOf(s, inShapes[0], 1));
      return scratch.dyp + scratch.columns;
    },
  },
  onnx(g, s, inputs, _in, path) {
    const args = [inputs[0], g.param(`${path}.weight`), ...(s.bias ? [g.param(`${path}.bias`)] : [])];
    return g.node('Conv', args, { kernel_shape: [s.kernel, s.kernel], strides: [s.stride, s.stride], pads: [s.padding, s.padding, s.padding, s.padding] }, path);
  },
  torch: (s) => `nn.Conv2d(${s.in}, ${s.out}, kernel_size=${s.kernel}, stride=${s.stride}, padding=${s.padding}${s.bias ? '' : ', bias=False'})`,
};
