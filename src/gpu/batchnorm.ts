// Typed wrapper of shaders/batchnorm.wgsl: BatchNorm's training forward (batch statistics, running
// statistics moved), evaluation forward (running statistics) and backward, for 1-D and 2-D inputs; each
// is two barrier-free dispatches (partial sums, then merge and apply) of Partials invocations per channel.
import { activationCode, type ActivationKind } from './activation';
import { packStruct, pad4 } from './buffers';
import { planKernel, type BindingTable, type Resources } from './binding-table';
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

export const WorkgroupSize = 64;
/** Invocations per channel, each owning every Partials-th example's plane, and the partial sums per channel. */
export const Partials = 16;

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
/** Floats of the saved batch statistics, mean (C) then 1/√(σ² + ε) (C), then the (C, Partials) pairs of partial sums. */
export const statsFloats = (channels: number): number => 2 * channels + 2 * channels * Partials;

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

const perChannel = (s: BatchNormSpec) => Math.ceil((s.channels * Partials) / WorkgroupSize);

export class BatchNorm {
  constructor(private readonly ctx: KernelContext) {}

  private plan(s: BatchNormSpec, entry: string, label: string, resources: Resources<typeof BatchNormBindings>, constants: Record<string, number>, flops: number, groups = perChannel(s)): Promise<Dispatch> {
    return planKernel(this.ctx, {
      shader: 'batchnorm', table: BatchNormBindings, family: 'batchnorm', params: params(s), entry, label,
      constants: { WorkgroupSize, Partials, ...constants }, resources, groups, flops,
    });
  }

  /** Training: partial sums, then statistics, running update and normalisation; evaluation: the normalisation with the running statistics. */
  async forward(s: BatchNormSpec, training: boolean, activation: ActivationKind, ops: BatchNormForwardOperands, label: string): Promise<Dispatch[]> {
    const n = s.rows * s.channels * s.spatial;
    const act = { Activation: activationCode[activation] };
    if (!training) return [await this.plan(s, 'bn_forward_eval', `${label}.normalize`, { x: ops.x, y: ops.y, gamma: ops.gamma, beta: ops.beta, running: ops.running }, act, 4 * n)];
    return [
      await this.plan(s, 'bn_stats_partial', `${label}.stats`, { x: ops.x, stats: ops.stats }, {}, 3 * n),
      await this.plan(s, 'bn_forward_train', `${label}.normalize`, ops, act, 4 * n),
    ];
  }

  /** dγ, dβ, and (with `dx`) dX = act'_in(∂L/∂x); `dy` is the gradient before this layer's activation. */
  async backward(s: BatchNormSpec, inputActivation: ActivationKind, ops: BatchNormBackwardOperands, label: string): Promise<Dispatch[]> {
    const n = s.rows * s.channels * s.spatial;
    const partial = await this.plan(s, 'bn_grad_partial', `${label}.dGammaBeta`, { x: ops.x, stats: ops.stats, dy: ops.dy }, {}, 4 * n);
    const totals = { stats: ops.stats, dgamma: ops.dgamma, dbeta: ops.dbeta };
    if (!ops.dx) return [partial, await this.plan(s, 'bn_grad_finish', `${label}.dGammaBetaTotals`, totals, {}, 0, Math.ceil(s.channels / WorkgroupSize))];
    return [
      partial,
      await this.plan(s, 'bn_backward', `${label}.dX`, { ...totals, x: ops.x, gamma: ops.gamma, dy: ops.dy, dx: ops.dx }, { InputActivation: activationCode[inputActivation] }, 6 * n),
    ];
  }
}
