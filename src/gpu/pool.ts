// Typed wrapper of shaders/pool.wgsl (+ pool-k2.wgsl): MaxPool2d (with the first-maximum index kept for the backward)
// and AvgPool2d with kernel, stride and zero padding (PyTorch's semantics, floor mode), and global
// average pooling; forwards and gather-form backwards (no atomics, no zero-fill pass).
import { activationCode, SegmentFloats, type ActivationKind } from './activation';
import { pad4 } from './buffers';
import { planKernel, type BindingTable } from './binding-table';
import type { KernelContext } from './context';
import type { Dispatch } from './dispatch';
import { WgslStruct } from './wgsl-struct';
import { windowOut } from '../reference/window';

export const PoolBindings = {
  params: { binding: 0, kind: 'uniform' },
  x: { binding: 1, kind: 'read' },
  y: { binding: 2, kind: 'rw' },
  argmax: { binding: 3, kind: 'rw' },
  dy: { binding: 4, kind: 'read' },
  dx: { binding: 5, kind: 'rw' },
  // x and dx as vec4s (the specialised entry points bind these instead).
  x4: { binding: 1, kind: 'read' },
  dx4: { binding: 5, kind: 'rw' },
} as const satisfies BindingTable;

export const PoolParams = new WgslStruct('Params', {
  rows: 'u32', channels: 'u32', in_h: 'u32', in_w: 'u32', out_h: 'u32', out_w: 'u32',
  kernel: 'u32', stride: 'u32', padding: 'u32', x_stride: 'u32', y_stride: 'u32',
});

export const WorkgroupSize = 64;

export type PoolKind = 'max' | 'avg';

export interface PoolSpec {
  rows: number;
  channels: number;
  h: number;
  w: number;
  kernel: number;
  stride: number;
  /** Zero padding each side, 0 ≤ p ≤ ⌊k / 2⌋ (PyTorch's bound); omitted = 0. */
  padding?: number;
}

/** Global average pooling's input (the output is channels × 1 × 1). */
export interface GlobalPoolSpec {
  rows: number;
  channels: number;
  h: number;
  w: number;
}

/** Output plane and padded row strides: OH = ⌊(H + 2p − k) / s⌋ + 1. */
export function poolGeometry(s: PoolSpec) {
  const p = s.padding ?? 0;
  const oh = windowOut(s.h, s.kernel, s.stride, p);
  const ow = windowOut(s.w, s.kernel, s.stride, p);
  return { oh, ow, xStride: pad4(s.channels * s.h * s.w), yStride: pad4(s.channels * oh * ow) };
}

/**
 * 2×2 windows, stride 2, no padding, on an even width with H·W a multiple of 4 (LeNet's pools): each
 * output row's two input rows are whole vec4s, so the `_k2` entry points run one invocation per output row.
 */
export function isK2(s: PoolSpec): boolean {
  return s.kernel === 2 && s.stride === 2 && (s.padding ?? 0) === 0 && s.w % 2 === 0 && (s.h * s.w) % 4 === 0;
}

/**
 * The entry point that runs a pass of `kind` pooling on shape `s`: `_k2` (above); else the forward with
 * windows of k ≤ 3 unrolled (`_k3`), the backward with at most two windows covering an element per axis
 * (k ≤ 2s) unrolled (`_c2`); the general loops for the rest.
 */
export function poolEntry(s: PoolSpec, kind: PoolKind, pass: 'forward' | 'backward'): string {
  const variant = isK2(s) ? '_k2' : pass === 'forward' ? (s.kernel <= 3 ? '_k3' : '') : s.kernel <= 2 * s.stride ? '_c2' : '';
  return `${kind}_${pass}${variant}`;
}

function params(s: PoolSpec, label: string): ArrayBuffer {
  const padding = s.padding ?? 0;
  if (!Number.isInteger(padding) || padding < 0 || 2 * padding > s.kernel) throw new Error(`${label}: padding ${padding} must be 0 to half the kernel (${s.kernel})`);
  const g = poolGeometry(s);
  if (g.oh < 1 || g.ow < 1) throw new Error(`${label}: a ${s.kernel}×${s.kernel} window (padding ${padding}) does not fit a ${s.h}×${s.w} input`);
  return PoolParams.pack({
    rows: s.rows, channels: s.channels, in_h: s.h, in_w: s.w, out_h: g.oh, out_w: g.ow,
    kernel: s.kernel, stride: s.stride, padding, x_stride: g.xStride, y_stride: g.yStride,
  });
}

/** Global pooling as the shader sees it: one window of H×W (out 1×1). */
const globalParams = (s: GlobalPoolSpec): ArrayBuffer =>
  PoolParams.pack({
    rows: s.rows, channels: s.channels, in_h: s.h, in_w: s.w, out_h: 1, out_w: 1,
    kernel: 0, stride: 1, padding: 0, x_stride: pad4(s.channels * s.h * s.w), y_stride: pad4(s.channels),
  });

/** Global pooling's entry point: the backward runs per 16-float row segment where a plane holds ≥ 4 floats. */
export function globalPoolEntry(s: GlobalPoolSpec, pass: 'forward' | 'backward'): string {
  return pass === 'forward' ? 'global_avg_forward' : s.h * s.w >= 4 ? 'global_avg_backward_seg' : 'global_avg_backward';
}

export class Pool {
  constructor(private readonly ctx: KernelContext) {}

  /** `argmax` (u32, shaped as y) is needed for max pooling. */
  forward(s: PoolSpec, kind: PoolKind, ops: { x: GPUBufferBinding; y: GPUBufferBinding; argmax?: GPUBufferBinding }, label: string): Promise<Dispatch> {
    const g = poolGeometry(s);
    if (kind === 'max' && !ops.argmax) throw new Error(`${label}: max pooling needs an argmax buffer`);
    const k2 = isK2(s);
    const xs = k2 ? { x4: ops.x } : { x: ops.x };
    return planKernel(this.ctx, {
      shader: 'pool', entry: poolEntry(s, kind, 'forward'), table: PoolBindings, label, family: 'pool', constants: { WorkgroupSize }, params: params(s, label),
      // The general avg_forward shares its row loop with max_forward, so it binds an argmax slot too (unwritten).
      resources: kind === 'max' ? { ...xs, y: ops.y, argmax: ops.argmax } : k2 ? { ...xs, y: ops.y } : { ...xs, y: ops.y, argmax: this.ctx.dummy },
      // One invocation per output row.
      groups: Math.ceil((s.rows * s.channels * g.oh) / WorkgroupSize), flops: s.rows * s.channels * g.oh * g.ow * s.kernel * s.kernel,
    });
  }

  /** dX = act'_in(the output gradient routed back); `argmax` from the forward for max pooling. */
  backward(s: PoolSpec, kind: PoolKind, inputActivation: ActivationKind, ops: { x: GPUBufferBinding; dy: GPUBufferBinding; dx: GPUBufferBinding; argmax?: GPUBufferBinding }, label: string): Promise<Dispatch> {
    const g = poolGeometry(s);
    if (kind === 'max' && !ops.argmax) throw new Error(`${label}: max pooling needs an argmax buffer`);
    const k2 = isK2(s);
    const common = { dy: ops.dy, argmax: ops.argmax };
    return planKernel(this.ctx, {
      shader: 'pool', entry: poolEntry(s, kind, 'backward'), table: PoolBindings, label, family: 'pool',
      constants: { WorkgroupSize, InputActivation: activationCode[inputActivation] }, params: params(s, label),
      resources: k2
        ? { x4: ops.x, dx4: ops.dx, ...(kind === 'max' ? common : { dy: ops.dy }) }
        // avg_backward shares the gather with max_backward, so it binds an argmax slot too (unread).
        : { x: ops.x, dx: ops.dx, dy: ops.dy, argmax: ops.argmax ?? this.ctx.dummy },
      // k2: one invocation per output row (its input row pair); general: one per input row.
      groups: Math.ceil((s.rows * s.channels * (k2 ? g.oh : s.h)) / WorkgroupSize), flops: s.rows * s.channels * s.h * s.w * 2,
    });
  }

  /** y[b, c] = mean of x[b, c] over H×W; y is (rows, pad4(C)). */
  globalAvgForward(s: GlobalPoolSpec, ops: { x: GPUBufferBinding; y: GPUBufferBinding }, label: string): Promise<Dispatch> {
    return planKernel(this.ctx, {
      shader: 'pool', entry: 'global_avg_forward', table: PoolBindings, label, family: 'pool', constants: { WorkgroupSize }, params: globalParams(s),
      resources: { x4: ops.x, y: ops.y }, groups: Math.ceil((s.rows * pad4(s.channels)) / WorkgroupSize), flops: s.rows * s.channels * s.h * s.w,
    });
  }

  /** dX = act'_in(dY[b, c] / (H·W)) broadcast over the plane. */
  globalAvgBackward(s: GlobalPoolSpec, inputActivation: ActivationKind, ops: { x: GPUBufferBinding; dy: GPUBufferBinding; dx: GPUBufferBinding }, label: string): Promise<Dispatch> {
    const xStride = pad4(s.channels * s.h * s.w);
    const entry = globalPoolEntry(s, 'backward');
    const seg = entry === 'global_avg_backward_seg';
    return planKernel(this.ctx, {
      shader: 'pool', entry, table: PoolBindings, label, family: 'pool',
      constants: { WorkgroupSize, InputActivation: activationCode[inputActivation] }, params: globalParams(s),
      resources: seg ? { x4: ops.x, dy: ops.dy, dx4: ops.dx } : ops,
      groups: Math.ceil((seg ? s.rows * Math.ceil(xStride / SegmentFloats) : s.rows * xStride) / WorkgroupSize), flops: s.rows * s.channels * s.h * s.w,
    });
  }
}
