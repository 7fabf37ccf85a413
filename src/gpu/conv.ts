// Typed wrapper of shaders/conv.wgsl (forward) and shaders/conv-grad.wgsl (gradients), which share the
// bindings of conv-common.wgsl: the direct, register-blocked Conv2d forward (bias and activation fused),
// pixel-major dY, a split-K weight and bias gradient, and the input gradient as the register-blocked
// matmul dcol = dYp · Wᵀ (nt) followed by a col2im gather.
import { activationCode, type ActivationKind } from './activation';
import { packStruct, pad4 } from './buffers';
import { planKernel, type BindingTable } from './binding-table';
import type { KernelContext } from './context';
import type { Dispatch } from './dispatch';
import { Matmul } from './matmul';

export const ConvBindings = {
  params: { binding: 0, kind: 'uniform' },
  src: { binding: 1, kind: 'read' },
  w: { binding: 2, kind: 'read' },
  bias: { binding: 3, kind: 'read' },
  dst: { binding: 4, kind: 'rw' },
  col: { binding: 5, kind: 'read' },
  dyp: { binding: 6, kind: 'rw' },
  partials: { binding: 7, kind: 'rw' },
  dw: { binding: 8, kind: 'rw' },
  db: { binding: 9, kind: 'rw' },
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

/** Invocations the weight gradient aims for: enough to keep every core busy on a B·OH-row reduction. */
const targetInvocations = 4096;
const maxChunks = 256;

/** Invocations of weight_grad_partial per chunk and channel-quad pair: (Cin, ky, 5-tap group) slots and the bias. */
const weightGradSlots = (s: ConvSpec): number => s.inC * s.kernel * Math.ceil(s.kernel / 5) + 1;

/** How the weight gradient's reduction over the B·OH output rows splits: `chunks` of `chunkRows` rows. */
export function weightGradSplit(s: ConvSpec): { chunks: number; chunkRows: number } {
  const g = convGeometry(s);
  const rows = s.rows * g.oh;
  const perChunk = weightGradSlots(s) * Math.ceil(g.c4 / 2);
  const want = Math.max(1, Math.min(maxChunks, Math.ceil(targetInvocations / perChunk), rows));
  const chunkRows = Math.ceil(rows / want);
  return { chunks: Math.ceil(rows / chunkRows), chunkRows };
}

/** Scratch floats the backward needs at `rows` examples: pixel-major dY, weight-gradient partials, input-gradient columns. */
export function convScratch(s: ConvSpec): { dyp: number; partials: number; columns: number } {
  const g = convGeometry(s);
  // The split never exceeds maxChunks, whatever the batch.
  return { dyp: s.rows * g.pixels * g.c4 * 4, partials: maxChunks * (g.k + 1) * g.c4 * 4, columns: s.rows * g.pixels * g.kRows };
}

/** The layer's geometry, shared by every kernel: src = x (or dY for to_pixels), dst = y (or dX for col_to_input). */
function layerParams(s: ConvSpec) {
  const g = convGeometry(s);
  const { chunks, chunkRows } = weightGradSplit(s);
  return packStruct([
    [s.rows, 'u'], [s.inC, 'u'], [s.h, 'u'], [s.w, 'u'], [s.outC, 'u'], [g.oh, 'u'], [g.ow, 'u'], [s.kernel, 'u'],
    [s.stride, 'u'], [s.padding, 'u'], [g.xStride, 'u'], [g.yStride, 'u'], [g.c4, 'u'], [chunks, 'u'], [chunkRows, 'u'], [g.kRows, 'u'],
  ]);
}

/** Workgroups of conv_forward(_wide) for an output of `channels` × oh × ow, `pixels` a row segment. */
const forwardGroups = (rows: number, channels: number, oh: number, ow: number, pixels: number) =>
  Math.ceil((rows * Math.ceil(pad4(channels) / 8) * oh * Math.ceil(ow / pixels)) / WorkgroupSize);

/**
 * The eight-pixel forward serves 5×5 at stride 1: it does ~2.5× the products per load of the four-pixel
 * one, which outweighs the wasted tail of short rows (LeNet's 10-pixel rows: 16 computed; measured 2×).
 */
export function usesWideForward(s: ConvSpec): boolean {
  return s.kernel === 5 && s.stride === 1;
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
  /** The input-gradient columns (convScratch().columns floats), needed with dx. */
  columns?: GPUBufferBinding;
}

export class Conv {
  private readonly matmul: Matmul;

  constructor(private readonly ctx: KernelContext) {
    this.matmul = new Matmul(ctx);
  }

  /** y = act(conv(x, w) + bias), NCHW with padded stride. */
  forward(s: ConvSpec, activation: ActivationKind, ops: { x: GPUBufferBinding; w: GPUBufferBinding; bias: GPUBufferBinding; y: GPUBufferBinding }, label: string): Promise<Dispatch> {
    const g = convGeometry(s);
    const wide = usesWideForward(s);
    return planKernel(this.ctx, {
      shader: 'conv', entry: wide ? 'conv_forward_wide' : 'conv_forward', table: ConvBindings, label, family: 'conv',
      constants: { WorkgroupSize, Activation: activationCode[activation] }, params: layerParams(s),
      resources: { src: ops.x, w: ops.w, bias: ops.bias, dst: ops.y },
      groups: forwardGroups(s.rows, s.outC, g.oh, g.ow, wide ? 8 : 4), flops: 2 * s.rows * g.pixels * s.outC * g.k,
    });
  }

  /** dW, db and (with `dx`) dX = act'_in(∂L/∂x); `dy` is the gradient before this layer's activation. */
  async backward(s: ConvSpec, inputActivation: ActivationKind, ops: ConvBackwardOperands, label: string): Promise<Dispatch[]> {
    const g = convGeometry(s);
    const { chunks } = weightGradSplit(s);
    const common = { shader: 'conv-grad', table: ConvBindings, family: 'conv', params: layerParams(s) } as const;
    const constants = { WorkgroupSize };
    const slots = weightGradSlots(s) * Math.ceil(g.c4 / 2);
    const list = [
      await planKernel(this.ctx, {
        ...common, entry: 'to_pixels', label: `${label}.toPixels`, constants, resources: { src: ops.dy, dyp: ops.dyp },
        groups: Math.ceil((s.rows * g.pixels * g.c4) / WorkgroupSize), flops: 0,
      }),
      await planKernel(this.ctx, {
        ...common, entry: 'weight_grad_partial', label: `${label}.dWPartial`, constants, resources: { src: ops.x, dyp: ops.dyp, partials: ops.partials },
        groups: Math.ceil((chunks * slots) / WorkgroupSize), flops: 2 * s.rows * g.pixels * s.outC * (g.k + 1),
      }),
      await planKernel(this.ctx, {
        ...common, entry: 'weight_grad_reduce', label: `${label}.dW`, constants, resources: { partials: ops.partials, dw: ops.dw, db: ops.db },
        groups: Math.ceil(((g.kRows + 1) * g.c4) / WorkgroupSize), flops: chunks * (g.k + 1) * s.outC,
      }),
    ];
    if (!ops.dx) return list;
    if (!ops.columns) throw new Error(`${label}: the input gradient needs a columns buffer`);
    list.push(
      await this.matmul.plan(
        { layout: 'nt', rows: s.rows * g.pixels, cols: g.kRows, inner: g.c4 * 4, epilogue: 'none' },
        { a: ops.dyp, b: ops.w, c: ops.columns },
        `${label}.dColumns`,
      ),
      await planKernel(this.ctx, {
        ...common, entry: 'col_to_input', label: `${label}.dX`, constants: { ...constants, InputActivation: activationCode[inputActivation] },
        resources: { src: ops.x, col: ops.columns, dst: ops.dx },
        groups: Math.ceil((s.rows * g.xStride) / WorkgroupSize), flops: s.rows * g.pixels * g.k,
      }),
    );
    return list;
  }
}
