// A recorded kernel launch: pipeline, bind groups and workgroup counts, built once per run and replayed
// every step without allocation. Large launches fold into 2-D grids (≤ 65,535 workgroups a dimension);
// shaders rebuild the linear index from num_workgroups.

export type KernelFamily = 'gather' | 'matmul' | 'softmax-xent' | 'accuracy' | 'optim' | 'activation' | 'conv' | 'pool' | 'batchnorm' | 'dropout' | 'graph' | 'ceiling';

export interface Dispatch {
  label: string;
  family: KernelFamily;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  /** Group 1: the per-step uniform, bound at the step's dynamic offset. */
  stepGroup?: GPUBindGroup;
  workgroups: [number, number];
  /** Floating-point operations of one launch, for GFLOP/s figures. */
  flops: number;
  /** The kernel variant (matmul block), for the performance figures. */
  variant?: string;
}

export const maxWorkgroupsPerDimension = 65535;

/**
 * Invocations per workgroup of a register-blocked launch (matmul, conv, Winograd) of n invocations: 64,
 * or 16 under 1,024 so that a small launch still spreads over the cores. Both hold whole subgroups of 4.
 */
export function blockedWorkgroupSize(n: number): number {
  return n >= 1024 ? 64 : 16;
}

/** A grid of at least `count` workgroups: 1-D when it fits, else 2-D (x · y ≥ count). */
export function grid(count: number): [number, number] {
  if (count <= maxWorkgroupsPerDimension) return [Math.max(1, count), 1];
  const y = Math.ceil(count / maxWorkgroupsPerDimension);
  return [Math.ceil(count / y), y];
}

const offsets = new Uint32Array(1);

/** Records one dispatch into an open compute pass; `stepOffset` is the step uniform's byte offset. */
export function encodeDispatch(pass: GPUComputePassEncoder, d: Dispatch, stepOffset: number): void {
  pass.setPipeline(d.pipeline);
  pass.setBindGroup(0, d.bindGroup);
  if (d.stepGroup) {
    offsets[0] = stepOffset;
    pass.setBindGroup(1, d.stepGroup, offsets, 0, 1);
  }
  pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1]);
}

/** Records a list of dispatches into one compute pass. */
export function encodeAll(pass: GPUComputePassEncoder, list: readonly Dispatch[], stepOffset: number): void {
  for (const d of list) encodeDispatch(pass, d, stepOffset);
}
