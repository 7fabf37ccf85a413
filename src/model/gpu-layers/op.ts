// What every layer's GPU op shares: the kernel wrappers, the arenas and the run's batch size, built once
// per network (src/model/gpu-network.ts) and handed to each layer module's gpu.create().
import type { ActivationKernel } from '../../gpu/activation';
import type { BatchNorm } from '../../gpu/batchnorm';
import type { KernelContext } from '../../gpu/context';
import type { Conv } from '../../gpu/conv';
import type { Dropout } from '../../gpu/dropout';
import type { GraphKernels } from '../../gpu/graph-ops';
import type { Matmul } from '../../gpu/matmul';
import type { Pool } from '../../gpu/pool';
import type { Act } from '../layers/types';

export interface OpContext {
  kc: KernelContext;
  matmul: Matmul;
  conv: Conv;
  pool: Pool;
  batchNorm: BatchNorm;
  dropout: Dropout;
  activation: ActivationKernel;
  graph: GraphKernels;
  maxRows: number;
  /** The run's seed: dropout masks are keyed by it. */
  seed: number;
}

/** A whole (rows, stride) activation as a binding. */
export const whole = (a: Act): GPUBufferBinding => ({ buffer: a.buffer });

/** Throws unless the op was built with gradients. */
export function needGrad<T>(v: T | null, path: string): T {
  if (v === null) throw new Error(`${path}: built without gradients`);
  return v;
}
