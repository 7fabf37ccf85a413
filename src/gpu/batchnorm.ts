// Typed wrapper of shaders/batchnorm.wgsl: BatchNorm's training forward (batch statistics, running
// statistics moved), evaluation forward (running statistics) and backward, for 1-D and 2-D inputs; each
// is one dispatch of one workgroup per channel.
import { activationCode, type ActivationKind } from './activation';
import { packStruct, pad4 } from './buffers';
import { planKernel, type BindingTable } from './binding-table';
import type { KernelContext } from './context';
import type { Dispatch } from './dispatch';

export const BatchNormBindings = {
  params: { binding: 0, kind: 'uniform' },
  x: { binding: 1, kind: 'read' },
  y: { binding: 2, kind: 'rw' },
  gamma: { binding: 3, kind: 'read' },
  beta: { binding: 4, kind: 'read' },
  stats: { binding: 5, kind: 'rw' },
  running: { binding: 6, kind: 'rw' },
  dy: { binding: 7, kind: 'read' },
  dgamma: { binding: 8, kind: 'rw' },
  dbeta: { binding: 9, kind: 'rw' },
  dx: { binding: 10, kind: 'rw' },
} as const satisfies BindingTable;

/** Invocations per channel (each owns every WorkgroupSize-th example's plane); the reduction tree's size: a power of two. */
export const WorkgroupSize = 64;

export interface BatchNormSpec {
  rows: number;
  channels: number;
  /** H·W (BatchNorm2d) or 1 (BatchNorm1d). */
  spatial: number;
  eps: number;
  momentum: number;
}

/** Floats of the running-statistics block: running_mean (pad4(C)) then running_var (pad4(C)). */
export const runningFloats = (channels: number): number => 2 * pad4(channels);
/** Floats of the saved batch statistics: mean (C) then 1/√(σ² + ε) (C). */
export const statsFloats = (channels: number): number => 2 * channels;

const stride = (s: BatchNormSpec) => pad4(s.channels * s.spatial);

function params(s: BatchNormSpec) {
  return packStruct([[s.rows, 'u'], [s.channels, 'u'], [s.spatial, 'u'], [stride(s), 'u'], [s.eps, 'f'], [s.momentum, 'f'], [pad4(s.channels), 'u']]);
}

export interface BatchNormForwardOperands {
  x: GPUBufferBinding;
  y: GPUBufferBinding;
  gamma: GPUBufferBinding;
  beta: GPUBufferBinding;
  stats: GPUBufferBinding;
  running: GPUBufferBinding;
}

export interface BatchNormBackwardOperands {
  x: GPUBufferBinding;
  gamma: GPUBufferBinding;
  stats: GPUBufferBinding;
  dy: GPUBufferBinding;
  dgamma: GPUBufferBinding;
  dbeta: GPUBufferBinding;
  /** Omitted for a first layer. */
  dx?: GPUBufferBinding;
}

export class BatchNorm {
  constructor(private readonly ctx: KernelContext) {}

  /** One dispatch: training = batch statistics, running update and normalisation; evaluation = the normalisation with the running statistics. */
  async forward(s: BatchNormSpec, training: boolean, activation: ActivationKind, ops: BatchNormForwardOperands, label: string): Promise<Dispatch[]> {
    const n = s.rows * s.channels * s.spatial;
    const resources = training ? ops : { x: ops.x, y: ops.y, gamma: ops.gamma, beta: ops.beta, running: ops.running };
    return [
      await planKernel(this.ctx, {
        shader: 'batchnorm', table: BatchNormBindings, family: 'batchnorm', params: params(s),
        entry: training ? 'bn_forward_train' : 'bn_forward_eval', label: `${label}.${training ? 'statsNormalize' : 'normalize'}`,
        constants: { WorkgroupSize, Activation: activationCode[activation] }, resources, groups: s.channels, flops: (training ? 7 : 4) * n,
      }),
    ];
  }

  /** One dispatch: dγ, dβ, and (with `dx`) dX = act'_in(∂L/∂x); `dy` is the gradient before this layer's activation. */
  async backward(s: BatchNormSpec, inputActivation: ActivationKind, ops: BatchNormBackwardOperands, label: string): Promise<Dispatch[]> {
    const n = s.rows * s.channels * s.spatial;
    const reduce = { x: ops.x, stats: ops.stats, dy: ops.dy, dgamma: ops.dgamma, dbeta: ops.dbeta };
    const common = { shader: 'batchnorm', table: BatchNormBindings, family: 'batchnorm', params: params(s), groups: s.channels } as const;
    if (!ops.dx) {
      return [await planKernel(this.ctx, { ...common, entry: 'bn_grad_reduce', label: `${label}.dGammaBeta`, constants: { WorkgroupSize }, resources: reduce, flops: 4 * n })];
    }
    return [
      await planKernel(this.ctx, {
        ...common, entry: 'bn_backward', label: `${label}.dGammaBetaX`, constants: { WorkgroupSize, InputActivation: activationCode[inputActivation] },
        resources: { ...reduce, gamma: ops.gamma, dx: ops.dx }, flops: 10 * n,
      }),
    ];
  }
}
