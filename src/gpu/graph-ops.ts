// Typed wrapper of shaders/graph.wgsl: the residual add, the channel-concat copies and the fixed-order
// gradient sums of a model graph (src/model/gpu-network.ts plans where they go).
import { activationCode, SegmentFloats, type ActivationKind } from './activation';
import { packStruct } from './buffers';
import { planKernel, type BindingTable } from './binding-table';
import type { KernelContext } from './context';
import type { Dispatch } from './dispatch';

export const GraphBindings = {
  params: { binding: 0, kind: 'uniform' },
  a: { binding: 1, kind: 'read' },
  b: { binding: 2, kind: 'read' },
  y: { binding: 3, kind: 'read' },
  dst: { binding: 4, kind: 'rw' },
} as const satisfies BindingTable;

export const WorkgroupSize = 64;

/** (rows, stride) tensors with `features` real floats per row. */
export interface RowsShape {
  rows: number;
  features: number;
  stride: number;
}

/** A slice copy: `count` floats per row from a (at aOffset, rows of aStride) to dst (at dstOffset, rows of dstStride). */
export interface SliceShape {
  rows: number;
  count: number;
  aStride: number;
  aOffset: number;
  dstStride: number;
  dstOffset: number;
}

const elementwise = (s: RowsShape): SliceShape => ({ rows: s.rows, count: s.features, aStride: s.stride, aOffset: 0, dstStride: s.stride, dstOffset: 0 });
/** Invocations of an elementwise entry: one per 16-float segment of a row. */
function segments(s: RowsShape): number {
  if (s.stride % 4 !== 0) throw new Error(`graph kernels need rows of a multiple of 4 floats (vec4 access), got a stride of ${s.stride}`);
  return s.rows * Math.ceil(s.stride / SegmentFloats);
}

function params(s: SliceShape): ArrayBuffer {
  return packStruct([[s.rows, 'u'], [s.count, 'u'], [s.aStride, 'u'], [s.aOffset, 'u'], [s.dstStride, 'u'], [s.dstOffset, 'u']]);
}

export class GraphKernels {
  constructor(private readonly ctx: KernelContext) {}

  private plan(entry: string, s: SliceShape, groups: number, constants: Record<string, number>, resources: Record<string, GPUBufferBinding>, label: string, flops: number): Promise<Dispatch> {
    return planKernel(this.ctx, {
      shader: 'graph', entry, table: GraphBindings, label, family: 'graph', constants: { WorkgroupSize, ...constants },
      params: params(s), resources, groups: Math.ceil(groups / WorkgroupSize), flops,
    });
  }

  /** dst = act(a + b). */
  add(s: RowsShape, activation: ActivationKind, ops: { a: GPUBufferBinding; b: GPUBufferBinding; dst: GPUBufferBinding }, label: string): Promise<Dispatch> {
    return this.plan('add_forward', elementwise(s), segments(s), { Activation: activationCode[activation] }, ops, label, s.rows * s.features);
  }

  /** dst[·, dstOffset + j] = act'(a[·, aOffset + j]) with y laid out as dst (unread for 'none'). */
  copySlice(s: SliceShape, inputActivation: ActivationKind, ops: { a: GPUBufferBinding; dst: GPUBufferBinding; y?: GPUBufferBinding }, label: string): Promise<Dispatch> {
    const resources = { a: ops.a, dst: ops.dst, y: ops.y ?? { buffer: this.ctx.dummy } };
    return this.plan('copy_slice', s, s.rows * s.count, { InputActivation: activationCode[inputActivation] }, resources, label, 0);
  }

  /** dst = act'(a + b), y = the producer's output. */
  sum(s: RowsShape, inputActivation: ActivationKind, ops: { a: GPUBufferBinding; b: GPUBufferBinding; y: GPUBufferBinding; dst: GPUBufferBinding }, label: string): Promise<Dispatch> {
    return this.plan('sum_grad', elementwise(s), segments(s), { InputActivation: activationCode[inputActivation] }, ops, label, s.rows * s.features);
  }

  /** dst = act'(dst + a). */
  accumulate(s: RowsShape, inputActivation: ActivationKind, ops: { a: GPUBufferBinding; y: GPUBufferBinding; dst: GPUBufferBinding }, label: string): Promise<Dispatch> {
    return this.plan('accumulate', elementwise(s), segments(s), { InputActivation: activationCode[inputActivation] }, ops, label, s.rows * s.features);
  }
}
