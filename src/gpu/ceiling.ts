// Typed wrapper of shaders/ceiling.wgsl: the adapter's rate for an 8x8 register block (8 rows × 2 column
// quads, four products per accumulator a step) with its operands computed in registers (ceiling_alu: one
// load per 256 multiply-adds) and with every operand loaded (ceiling_gather: one per 4). Timed by
// `npm run bench` and `classifier-lab bench --conv` next to the real kernels: on SwiftShader every load
// at a run-time index is a per-lane gather, and a conv pass's multiply-adds per load put it between the two.
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

/** Each entry point and its loads a step (both do productsPerStep multiply-adds a step; shaders/ceiling.wgsl). */
export const ceilingKernels = {
  alu: { entry: 'ceiling_alu', loads: 1 },
  gather: { entry: 'ceiling_gather', loads: 64 },
} as const;

/** The block: rows × column quads of vec4 accumulators, products summed into each a step. */
const Rows = 8;
const Quads = 2;
const Terms = 4;
const productsPerStep = Rows * Quads * 4 * Terms;

export type CeilingKernel = keyof typeof ceilingKernels;

export interface CeilingShape {
  invocations: number;
  steps: number;
  /** src holds srcFloats floats, a power of 2 (the load indices wrap). */
  srcFloats: number;
}

/** FLOPs of one launch: a multiply and an add per product, 256 products a step. */
export function ceilingFlops(s: CeilingShape): number {
  return s.invocations * s.steps * productsPerStep * 2;
}

/** Multiply-adds (per component) for each load at a run-time index. */
export function productsPerLoad(kernel: CeilingKernel): number {
  return productsPerStep / ceilingKernels[kernel].loads;
}

export async function ceilingDispatch(kc: KernelContext, kernel: CeilingKernel, s: CeilingShape, ops: { src: GPUBufferBinding; dst: GPUBufferBinding }, label: string): Promise<Dispatch> {
  if (s.srcFloats < 1 || (s.srcFloats & (s.srcFloats - 1)) !== 0) throw new Error(`ceiling: src must hold a power of 2 of floats, got ${s.srcFloats}`);
  return planKernel(kc, {
    shader: 'ceiling', entry: ceilingKernels[kernel].entry, table: CeilingBindings, label, family: 'ceiling', constants: { WorkgroupSize },
    params: packStruct([[s.invocations, 'u'], [s.steps, 'u'], [s.srcFloats - 1, 'u']]), resources: ops,
    groups: Math.ceil(s.invocations / WorkgroupSize), flops: ceilingFlops(s),
  });
}

const rotate = (v: readonly number[], k: number) => [0, 1, 2, 3].map((c) => v[(c + k) % 4]);

/** CPU reference of invocation t's output (four floats), in the shader's order of operations, in f32. */
export function ceilingReference(kernel: CeilingKernel, src: Float32Array, t: number, steps: number): Float32Array {
  const f = Math.fround;
  const mask = src.length - 1;
  const at = (i: number) => src[i & mask];
  const acc = Array.from({ length: Rows * Quads }, () => [0, 0, 0, 0]);
  let x = [f(f(t) * f(1e-6)), 0.5, -0.25, 0.125];
  for (let i = 0; i < steps; i++) {
    let a: number[][];
    let b: number[][][];
    if (kernel === 'alu') {
      const s = at(Math.imul(t, 7) + Math.imul(i, 13));
      x = rotate(x, 1).map((v) => f(f(v * 0.5) + s));
      a = Array.from({ length: Rows }, (_, r) => x.map((v) => f(v + f(Number(((r + 1) * 0.01).toFixed(2))))));
      b = Array.from({ length: Quads }, (_, j) => [0, 1, 2, 3].map((k) => rotate(x, k).map((v) => f(v - f(Number(((j + 1) * 0.02).toFixed(2)))))));
    } else {
      const ta = Math.imul(t, 7) + Math.imul(i, 13);
      const tb = Math.imul(t, 5) + Math.imul(i, 17);
      a = Array.from({ length: Rows }, (_, r) => [0, 1, 2, 3].map((k) => at(ta + r * Terms + k)));
      b = Array.from({ length: Quads }, (_, j) => [0, 1, 2, 3].map((k) => [0, 1, 2, 3].map((l) => at(tb + 4 * (j * Terms + k) + l))));
    }
    for (let r = 0; r < Rows; r++) {
      for (let j = 0; j < Quads; j++) {
        const c = acc[r * Quads + j];
        for (let l = 0; l < 4; l++) {
          let sum = f(a[r][0] * b[j][0][l]);
          for (let k = 1; k < Terms; k++) sum = f(sum + f(a[r][k] * b[j][k][l]));
          c[l] = f(c[l] + sum);
        }
      }
    }
  }
  const out = new Float32Array(4);
  for (let l = 0; l < 4; l++) out[l] = acc.reduce((sum, c, i) => (i === 0 ? c[l] : f(sum + c[l])), 0);
  return out;
}

export interface CeilingTiming {
  kernel: CeilingKernel;
  productsPerLoad: number;
  ms: number;
  gflops: number;
}

/** Median GPU time of each ceiling kernel (reps timed launches after a warm-up): 4,096 invocations of 256 steps, 537 MFLOP each. */
export async function benchCeiling(kc: KernelContext, reps = 5): Promise<CeilingTiming[]> {
  const srcFloats = 1 << 16;
  const invocations = 4096;
  const src = kc.device.createBuffer({ label: 'benchCeiling.src', size: srcFloats * 4, usage: GPUBufferUsage.STORAGE });
  const dst = kc.device.createBuffer({ label: 'benchCeiling.dst', size: invocations * 16, usage: GPUBufferUsage.STORAGE });
  const profiler = new Profiler(kc.device, 1);
  try {
    const out: CeilingTiming[] = [];
    for (const kernel of Object.keys(ceilingKernels) as CeilingKernel[]) {
      const d = await ceilingDispatch(kc, kernel, { invocations, steps: 256, srcFloats }, { src: { buffer: src }, dst: { buffer: dst } }, `benchCeiling.${kernel}`);
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
