// Typed wrapper of shaders/pool.wgsl: MaxPool2d (with the first-maximum index kept for the backward)
// and AvgPool2d, forward and gather-form backward.
import { activationCode, type ActivationKind } from './activation';
import { packStruct, pad4 } from './buffers';
import { planKernel, type BindingTable } from './binding-table';
import type { KernelContext } from './context';
import type { Dispatch } from './dispatch';

export const PoolBindings = {
  params: { binding: 0, kind: 'uniform' },
  x: { binding: 1, kind: 'read' },
  y: { binding: 2, kind: 'rw' },
  argmax: { binding: 3, kind: 'rw' },
  dy: { binding: 4, kind: 'read' },
  dx: { binding: 5, kind: 'rw' },
} as const satisfies BindingTable;

export const WorkgroupSize = 64;

export type PoolKind = 'max' | 'avg';

export interface PoolSpec {
  rows: number;
  channels: number;
  h: number;
  w: number;
  kernel: number;
  stride: number;
}

export function poolGeometry(s: PoolSpec) {
  const oh = Math.floor((s.h - s.kernel) / s.stride) + 1;
  const ow = Math.floor((s.w - s.kernel) / s.stride) + 1;
  return { oh, ow, xStride: pad4(s.channels * s.h * s.w), yStride: pad4(s.channels * oh * ow) };
}

function params(s: PoolSpec) {
  const g = poolGeometry(s);
  return packStruct([[s.rows, 'u'], [s.channels, 'u'], [s.h, 'u'], [s.w, 'u'], [g.oh, 'u'], [g.ow, 'u'], [s.kernel, 'u'], [s.stride, 'u'], [g.xStride, 'u'], [g.yStride, 'u']]);
}

export class Pool {
  constructor(private readonly ctx: KernelContext) {}

  /** `argmax` (u32, shaped as y) is needed for max pooling. */
  forward(s: PoolSpec, kind: PoolKind, ops: { x: GPUBufferBinding; y: GPUBufferBinding; argmax?: GPUBufferBinding }, label: string): Promise<Dispatch> {
    const g = poolGeometry(s);
    if (kind === 'max' && !ops.argmax) throw new Error(`${label}: max pooling needs an argmax buffer`);
    return planKernel(this.ctx, {
      shader: 'pool', entry: `${kind}_forward`, table: PoolBindings, label, family: 'pool', constants: { WorkgroupSize }, params: params(s),
      resources: kind === 'max' ? ops : { x: ops.x, y: ops.y },
      groups: Math.ceil((s.rows * g.yStride) / WorkgroupSize), flops: s.rows * s.channels * g.oh * g.ow * s.kernel * s.kernel,
    });
  }

  /** dX = act'_in(the output gradient routed back); `argmax` from the forward for max pooling. */
  backward(s: PoolSpec, kind: PoolKind, inputActivation: ActivationKind, ops: { x: GPUBufferBinding; dy: GPUBufferBinding; dx: GPUBufferBinding; argmax?: GPUBufferBinding }, label: string): Promise<Dispatch> {
    const g = poolGeometry(s);
    if (kind === 'max' && !ops.argmax) throw new Error(`${label}: max pooling needs an argmax buffer`);
    return planKernel(this.ctx, {
      shader: 'pool', entry: `${kind}_backward`, table: PoolBindings, label, family: 'pool',
      constants: { WorkgroupSize, InputActivation: activationCode[inputActivation] }, params: params(s),
      // avg_backward shares the gather with max_backward, so it binds an argmax slot too (unread).
      resources: { ...ops, argmax: ops.argmax ?? this.ctx.dummy },
      groups: Math.ceil((s.rows * g.xStride) / WorkgroupSize), flops: s.rows * s.channels * s.h * s.w * 2,
    });
  }
}
