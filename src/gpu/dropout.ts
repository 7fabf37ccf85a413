// Typed wrapper of shaders/dropout.wgsl: counter-based dropout keyed by (seed, layer) and the step
// uniform's global step, so the backward redraws the forward's mask and nothing is stored.
import { activationCode, type ActivationKind, type ElementwiseShape } from './activation';
import { packStruct } from './buffers';
import { planKernel, type BindingTable } from './binding-table';
import type { KernelContext } from './context';
import type { Dispatch } from './dispatch';

export const DropoutBindings = {
  params: { binding: 0, kind: 'uniform' },
  x: { binding: 1, kind: 'read' },
  y: { binding: 2, kind: 'rw' },
  dy: { binding: 3, kind: 'read' },
  dx: { binding: 4, kind: 'rw' },
} as const satisfies BindingTable;

export const WorkgroupSize = 64;

export interface DropoutSpec extends ElementwiseShape {
  /** The layer's stream key: streamKey(seed, Stream.dropout, layer) (src/reference/dropout.ts dropoutKey). */
  key: number;
  p: number;
}

const params = (s: DropoutSpec) =>
  packStruct([[s.rows, 'u'], [s.features, 'u'], [s.stride, 'u'], [s.key, 'u'], [s.p, 'f'], [1 / (1 - s.p), 'f']]);
const groups = (s: DropoutSpec) => Math.ceil((s.rows * s.stride) / WorkgroupSize);

export class Dropout {
  constructor(private readonly ctx: KernelContext) {}

  /** Training: y = x ⊙ keep/(1 − p) with the mask of the step; evaluation: y = x. */
  forward(s: DropoutSpec, training: boolean, ops: { x: GPUBufferBinding; y: GPUBufferBinding; stepBuffer: GPUBuffer }, label: string): Promise<Dispatch> {
    return planKernel(this.ctx, {
      shader: 'dropout', entry: training ? 'dropout_forward' : 'dropout_identity', table: DropoutBindings, label, family: 'dropout',
      constants: { WorkgroupSize }, params: params(s), resources: { x: ops.x, y: ops.y },
      stepBuffer: training ? ops.stepBuffer : undefined, groups: groups(s), flops: s.rows * s.features,
    });
  }

  /** dX = act'_in(dY ⊙ keep/(1 − p)). */
  backward(s: DropoutSpec, inputActivation: ActivationKind, ops: { x: GPUBufferBinding; dy: GPUBufferBinding; dx: GPUBufferBinding; stepBuffer: GPUBuffer }, label: string): Promise<Dispatch> {
    return planKernel(this.ctx, {
      shader: 'dropout', entry: 'dropout_backward', table: DropoutBindings, label, family: 'dropout',
      constants: { WorkgroupSize, InputActivation: activationCode[inputActivation] }, params: params(s),
      resources: { x: ops.x, dy: ops.dy, dx: ops.dx }, stepBuffer: ops.stepBuffer, groups: groups(s), flops: 2 * s.rows * s.features,
    });
  }
}
