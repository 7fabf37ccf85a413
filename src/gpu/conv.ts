// Typed wrapper of shaders/conv.wgsl: the direct Conv2d forward (bias and activation fused) and its
// backward (pixel-major dY, split-K weight and bias gradient, gather-form input gradient).
import { activationCode, type ActivationKind } from './activation';
import { packStruct, pad4 } from './buffers';
import { planKernel, type BindingTable } from './binding-table';
import type { KernelContext } from './context';
import type { Dispatch } from './dispatch';

export const ConvBindings = {
  params: { binding: 0, kind: 'uniform' },
  x: { binding: 1, kind: 'read' },
  w: { binding: 2, kind: 'read' },
  bias: { binding: 3, kind: 'read' },
  y: { binding: 4, kind: 'rw' },
  dy: { binding: 5, kind: 'read' },
  dyp: { binding: 6, kind: 'rw' },
  partials: { binding: 7, kind: 'rw' },
  dw: { binding: 8, kind: 'rw' },
  db: { binding: 9, kind: 'rw' },
  dx: { binding: 10, kind: 'rw' },
} as const satisfies BindingTable;

export const WorkgroupSize = 64;

export interface ConvSpec {
  rows: number;
  inC: number;
  h: number;
  w: number;
  outC: number;
  kernel: number;
  stride: number;
  padding: number;
}

/** Derived sizes: output plane, padded strides, weight rows Kp and vec4 channel groups. */
export function convGeometry(s: ConvSpec) {
  const oh = Math.floor((s.h + 2 * s.padding - s.kernel) / s.stride) + 1;
  const ow = Math.floor((s.w + 2 * s.padding - s.kernel) / s.stride) + 1;
  const k = s.inC * s.kernel * s.kernel;
  return { oh, ow, pixels: oh * ow, k, kRows: pad4(k), c4: pad4(s.outC) / 4, xStride: pad4(s.inC * s.h * s.w), yStride: pad4(s.outC * oh * ow) };
}

/** Invocations the weight gradient aims for: enough to keep every core busy on a B·P-long reduction. */
const targetInvocations = 8192;
const maxChunks = 256;

/** How the B·P reduction of the weight gradient splits: `chunks` of `chunkLen` positions. */
export function weightGradSplit(s: ConvSpec): { chunks: number; chunkLen: number } {
  const g = convGeometry(s);
  const total = s.rows * g.pixels;
  const want = Math.min(maxChunks, Math.ceil(targetInvocations / ((g.k + 1) * g.c4)), Math.ceil(total / 32));
  const chunkLen = Math.ceil(total / Math.max(1, want));
  return { chunks: Math.ceil(total / chunkLen), chunkLen };
}

/** Scratch floats the backward needs at `rows` examples: pixel-major dY and the weight-gradient partials. */
export function convScratch(s: ConvSpec): { dyp: number; partials: number } {
  const g = convGeometry(s);
  // The split never exceeds maxChunks, whatever the batch.
  return { dyp: s.rows * g.pixels * g.c4 * 4, partials: maxChunks * (g.k + 1) * g.c4 * 4 };
}

function params(s: ConvSpec) {
  const g = convGeometry(s);
  const { chunks, chunkLen } = weightGradSplit(s);
  return packStruct([
    [s.rows, 'u'], [s.inC, 'u'], [s.h, 'u'], [s.w, 'u'], [s.outC, 'u'], [g.oh, 'u'], [g.ow, 'u'], [s.kernel, 'u'],
    [s.stride, 'u'], [s.padding, 'u'], [g.xStride, 'u'], [g.yStride, 'u'], [g.c4, 'u'], [chunks, 'u'], [chunkLen, 'u'], [g.kRows, 'u'],
  ]);
}

export interface ConvBackwardOperands {
  x: GPUBufferBinding;
  w: GPUBufferBinding;
  dy: GPUBufferBinding;
  dyp: GPUBufferBinding;
  partials: GPUBufferBinding;
  dw: GPUBufferBinding;
  db: GPUBufferBinding;
  /** Omitted for a first layer (nothing upstream needs its input gradient). */
  dx?: GPUBufferBinding;
}

export class Conv {
  constructor(private readonly ctx: KernelContext) {}

  /** y = act(conv(x, w) + bias), NCHW with padded stride. */
  forward(s: ConvSpec, activation: ActivationKind, ops: { x: GPUBufferBinding; w: GPUBufferBinding; bias: GPUBufferBinding; y: GPUBufferBinding }, label: string): Promise<Dispatch> {
    const g = convGeometry(s);
    return planKernel(this.ctx, {
      shader: 'conv', entry: 'conv_forward', table: ConvBindings, label, family: 'conv',
      constants: { WorkgroupSize, Activation: activationCode[activation] }, params: params(s), resources: ops,
      groups: Math.ceil((s.rows * g.c4 * g.pixels) / WorkgroupSize), flops: 2 * s.rows * g.pixels * s.outC * g.k,
    });
  }

  /** dW, db and (with `dx`) dX = act'_in(∂L/∂x); `dy` is the gradient before this layer's activation. */
  async backward(s: ConvSpec, inputActivation: ActivationKind, ops: ConvBackwardOperands, label: string): Promise<Dispatch[]> {
    const g = convGeometry(s);
    const { chunks } = weightGradSplit(s);
    const common = { shader: 'conv', table: ConvBindings, family: 'conv', params: params(s) } as const;
    const constants = { WorkgroupSize };
    const list = [
      await planKernel(this.ctx, {
        ...common, entry: 'to_pixels', label: `${label}.toPixels`, constants, resources: { dy: ops.dy, dyp: ops.dyp },
        groups: Math.ceil((s.rows * g.pixels * g.c4) / WorkgroupSize), flops: 0,
      }),
      await planKernel(this.ctx, {
        ...common, entry: 'weight_grad_partial', label: `${label}.dWPartial`, constants, resources: { x: ops.x, dyp: ops.dyp, partials: ops.partials },
        groups: Math.ceil((chunks * (g.k + 1) * g.c4) / WorkgroupSize), flops: 2 * s.rows * g.pixels * s.outC * (g.k + 1),
      }),
      await planKernel(this.ctx, {
        ...common, entry: 'weight_grad_reduce', label: `${label}.dW`, constants, resources: { partials: ops.partials, dw: ops.dw, db: ops.db },
        groups: Math.ceil(((g.kRows + 1) * g.c4) / WorkgroupSize), flops: chunks * (g.k + 1) * s.outC,
      }),
    ];
    if (ops.dx) {
      list.push(
        await planKernel(this.ctx, {
          ...common, entry: 'input_grad', label: `${label}.dX`, constants: { ...constants, InputActivation: activationCode[inputActivation] },
          resources: { x: ops.x, w: ops.w, dyp: ops.dyp, dx: ops.dx },
          groups: Math.ceil((s.rows * g.xStride) / WorkgroupSize), flops: 2 * s.rows * g.pixels * s.outC * g.k,
        }),
      );
    }
    return list;
  }
}
