// Typed wrapper of shaders/ceiling.wgsl: the device's multiply-add ceiling with one gathered load per
// 128 multiply-adds (ceiling_alu) and with one per 4 (ceiling_gather), timed by `classifier-lab bench
// --conv` next to the conv passes. On SwiftShader every load at a run-time index is a per-lane gather:
// the two figures bound what a conv block reaches from its multiply-adds per gathered load.
import { packStruct } from './buffers';
import { planKernel, type BindingTable } from './binding-table';
import type { KernelContext } from './context';
import type { Dispatch } from './dispatch';
import { gflops as rate, Profiler } from './profiler';

export const CeilingBindings = {
  params: { binding: 0, kind: 'uniform' },
  src: { binding: 1, kind: 'read' },
  dst: { binding: 2, kind: 'rw' },
} as const satisfies BindingTable;

const WorkgroupSize = 64;

/** Each entry point's vec4 accumulators and loads a step (shaders/ceiling.wgsl). */
export const ceilingKernels = {
  alu: { entry: 'ceiling_alu', accumulators: 32, loads: 1 },
  gather: { entry: 'ceiling_gather', accumulators: 16, loads: 16 },
} as const;

export type CeilingKernel = keyof typeof ceilingKernels;

export interface CeilingShape {
  invocations: number;
  steps: number;
  /** src holds srcFloats floats, a power of 2 (the load indices wrap). */
  srcFloats: number;
}

/** FLOPs of one launch: a multiply and an add per component of every accumulator, every step. */
export function ceilingFlops(kernel: CeilingKernel, s: CeilingShape): number {
  return s.invocations * s.steps * ceilingKernels[kernel].accumulators * 8;
}

/** Multiply-adds (per component) for each load at a run-time index. */
export function productsPerLoad(kernel: CeilingKernel): number {
  const k = ceilingKernels[kernel];
  return (k.accumulators * 4) / k.loads;
}

export async function ceilingDispatch(kc: KernelContext, kernel: CeilingKernel, s: CeilingShape, ops: { src: GPUBufferBinding; dst: GPUBufferBinding }, label: string): Promise<Dispatch> {
  if (s.srcFloats < 1 || (s.srcFloats & (s.srcFloats - 1)) !== 0) throw new Error(`ceiling: src must hold a power of 2 of floats, got ${s.srcFloats}`);
  return planKernel(kc, {
    shader: 'ceiling', entry: ceilingKernels[kernel].entry, table: CeilingBindings, label, family: 'ceiling', constants: { WorkgroupSize },
    params: packStruct([[s.invocations, 'u'], [s.steps, 'u'], [s.srcFloats - 1, 'u']]), resources: ops,
    groups: Math.ceil(s.invocations / WorkgroupSize), flops: ceilingFlops(kernel, s),
  });
}

/** CPU reference of invocation t's output (four floats), in the shader's order of operations, in f32. */
export function ceilingReference(kernel: CeilingKernel, src: Float32Array, t: number, steps: number): Float32Array {
  const f = Math.fround;
  const { accumulators, loads } = ceilingKernels[kernel];
  const mask = src.length - 1;
  const a = Array.from({ length: accumulators }, (_, i) => new Array<number>(4).fill(f(f(t + i) * f(0.001))));
  let x = [f(f(t) * f(1e-6)), 0.5, -0.25, 0.125];
  for (let i = 0; i < steps; i++) {
    let y = 0;
    for (let j = 0; j < loads; j++) {
      const v = src[(Math.imul(t, 7) + Math.imul(i, 13 + j)) & mask];
      y = j === 0 ? v : f(y + v);
    }
    for (const acc of a) for (let c = 0; c < 4; c++) acc[c] = f(f(acc[c] * x[c]) + y);
    x = [x[1], x[2], x[3], x[0]];
  }
  const out = new Float32Array(4);
  for (let c = 0; c < 4; c++) out[c] = a.reduce((sum, acc, i) => (i === 0 ? acc[c] : f(sum + acc[c])), 0);
  return out;
}

export interface CeilingTiming {
  kernel: CeilingKernel;
  productsPerLoad: number;
  ms: number;
  gflops: number;
}

/**
 * Median GPU time of each ceiling kernel (reps timed launches after a warm-up) on 4,096 invocations of
 * 512 steps × 32 accumulators' worth of multiply-adds (the same FLOPs for both: 537 M).
 */
export async function benchCeiling(kc: KernelContext, reps = 5): Promise<CeilingTiming[]> {
  const srcFloats = 1 << 16;
  const invocations = 4096;
  const src = kc.device.createBuffer({ label: 'benchCeiling.src', size: srcFloats * 4, usage: GPUBufferUsage.STORAGE });
  const dst = kc.device.createBuffer({ label: 'benchCeiling.dst', size: invocations * 16, usage: GPUBufferUsage.STORAGE });
  const profiler = new Profiler(kc.device, 1);
  try {
    const out: CeilingTiming[] = [];
    for (const kernel of Object.keys(ceilingKernels) as CeilingKernel[]) {
      const steps = (512 * 32) / ceilingKernels[kernel].accumulators;
      const d = await ceilingDispatch(kc, kernel, { invocations, steps, srcFloats }, { src: { buffer: src }, dst: { buffer: dst } }, `benchCeiling.${kernel}`);
      const [t] = await profiler.time([d], 0, reps);
      out.push({ kernel, productsPerLoad: productsPerLoad(kernel), ms: t.ms, gflops: rate(d.flops, t.ms) });
    }
    return out;
  } finally {
    profiler.destroy();
    src.destroy();
    dst.destroy();
  }
}
