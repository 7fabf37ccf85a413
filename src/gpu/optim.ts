// Typed wrapper of shaders/optim.wgsl: one update dispatch over the whole parameter arena per step,
// for minibatch SGD, SGD with momentum and Adam; the state buffers are arena-shaped.
import { adamDefaults } from '../reference/optim';
import { packStruct } from './buffers';
import { planKernel, type BindingTable } from './binding-table';
import type { KernelContext } from './context';
import type { Dispatch } from './dispatch';

export const OptimBindings = {
  params: { binding: 0, kind: 'uniform' },
  weights: { binding: 1, kind: 'rw' },
  grads: { binding: 2, kind: 'read' },
  state1: { binding: 3, kind: 'rw' },
  state2: { binding: 4, kind: 'rw' },
} as const satisfies BindingTable;

export const WorkgroupSize = 64;

export type OptimKind = 'sgd' | 'momentum' | 'adam';

/** Arena-shaped state buffers each kind needs. */
export const stateBuffers: Record<OptimKind, number> = { sgd: 0, momentum: 1, adam: 2 };

export interface OptimSpec {
  /** Floats in the arena (a multiple of 4). */
  count: number;
  weightDecay: number;
  /** Default: sgd. */
  kind?: OptimKind;
  /** μ of SGD with momentum. */
  momentum?: number;
}

export interface OptimOperands {
  weights: GPUBufferBinding;
  grads: GPUBufferBinding;
  stepBuffer: GPUBuffer;
  /** stateBuffers[kind] arena-shaped buffers, zero at the start of training. */
  state?: GPUBufferBinding[];
}

export class Optim {
  constructor(private readonly ctx: KernelContext) {}

  plan(s: OptimSpec, ops: OptimOperands, label: string): Promise<Dispatch> {
    const kind = s.kind ?? 'sgd';
    const state = ops.state ?? [];
    if (state.length !== stateBuffers[kind]) throw new Error(`${label}: ${kind} needs ${stateBuffers[kind]} state buffers, got ${state.length}`);
    const { beta1, beta2, eps } = adamDefaults;
    return planKernel(this.ctx, {
      shader: 'optim', entry: kind, table: OptimBindings, label, family: 'optim', constants: { WorkgroupSize },
      params: packStruct([[s.count / 4, 'u'], [s.weightDecay, 'f'], [s.momentum ?? 0.9, 'f'], [beta1, 'f'], [beta2, 'f'], [eps, 'f']]),
      resources: { weights: ops.weights, grads: ops.grads, state1: state[0], state2: state[1] },
      stepBuffer: ops.stepBuffer, groups: Math.ceil(s.count / 4 / WorkgroupSize), flops: { sgd: 3, momentum: 5, adam: 14 }[kind] * s.count,
    });
  }
}
