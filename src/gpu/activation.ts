// Typed wrapper of shaders/activation.wgsl: a standalone activation and the gradient hand-off through a
// producer's activation. Also defines the activation codes every zoo kernel's overrides take.
import { packStruct } from './buffers';
import { planKernel, type BindingTable } from './binding-table';
import type { KernelContext } from './context';
import type { Dispatch } from './dispatch';

/** An activation fused into a producer's output (or applied standalone). */
export type ActivationKind = 'none' | 'relu' | 'sigmoid' | 'tanh';

/** The override values of common.wgsl's ACT_* constants. */
export const activationCode: Record<ActivationKind, number> = { none: 0, relu: 1, sigmoid: 2, tanh: 3 };

export const ActivationBindings = {
  params: { binding: 0, kind: 'uniform' },
  x: { binding: 1, kind: 'read' },
  y: { binding: 2, kind: 'rw' },
  dy: { binding: 3, kind: 'read' },
  dx: { binding: 4, kind: 'rw' },
} as const satisfies BindingTable;

export const WorkgroupSize = 64;

export interface ElementwiseShape {
  rows: number;
  features: number;
  /** Floats per example (pad4(features)). */
  stride: number;
}

const params = (s: ElementwiseShape) => packStruct([[s.rows, 'u'], [s.features, 'u'], [s.stride, 'u']]);
/** Floats one elementwise invocation covers (common.wgsl's 4 × SegmentVec4s), within one row: activation.wgsl and graph.wgsl. */
export const SegmentFloats = 16;

/** Workgroups: one invocation per 16-float segment of a row. */
function groups(s: ElementwiseShape): number {
  if (s.stride % 4 !== 0) throw new Error(`activation kernels need rows of a multiple of 4 floats (vec4 access), got a stride of ${s.stride}`);
  return Math.ceil((s.rows * Math.ceil(s.stride / SegmentFloats)) / WorkgroupSize);
}

export class ActivationKernel {
  constructor(private readonly ctx: KernelContext) {}

  /** y = act(x), padding 0. */
  forward(s: ElementwiseShape, activation: ActivationKind, ops: { x: GPUBufferBinding; y: GPUBufferBinding }, label: string): Promise<Dispatch> {
    return planKernel(this.ctx, {
      shader: 'activation', entry: 'act_forward', table: ActivationBindings, label, family: 'activation',
      constants: { WorkgroupSize, Activation: activationCode[activation] }, params: params(s), resources: ops,
      groups: groups(s), flops: s.rows * s.features,
    });
  }

  /** dX = dY ⊙ act'(x), the producer's activation from its output x. */
  backward(s: ElementwiseShape, inputActivation: ActivationKind, ops: { x: GPUBufferBinding; dy: GPUBufferBinding; dx: GPUBufferBinding }, label: string): Promise<Dispatch> {
    return planKernel(this.ctx, {
      shader: 'activation', entry: 'act_backward', table: ActivationBindings, label, family: 'activation',
      constants: { WorkgroupSize, InputActivation: activationCode[inputActivation] }, params: params(s), resources: ops,
      groups: groups(s), flops: 2 * s.rows * s.features,
    });
  }
}
