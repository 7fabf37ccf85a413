// Typed wrapper of shaders/matmul.wgsl: plans one register-blocked product with a fused epilogue.
// Shapes are in floats with padded column counts (multiples of 4), see the shader's header.
import { packStruct, uniformBuffer } from './buffers';
import type { KernelContext } from './context';
import { grid, type Dispatch } from './dispatch';

export const MatmulBindings = { params: 0, a: 1, b: 2, c: 3, aux: 4 } as const;

export type MatmulLayout = 'nn' | 'tn' | 'nt';

export const Epilogue = { none: 0, bias: 1, biasRelu: 2, reluMask: 3, biasSigmoid: 4, sigmoidGrad: 5 } as const;
export type EpilogueName = keyof typeof Epilogue;

/** rows × vec4-columns per invocation; must be one of scripts/gen-matmul.mjs's blocks. */
export type Block = readonly [rows: number, cols4: number];
export const blocks: readonly Block[] = [[4, 1], [4, 2], [4, 4], [8, 1], [8, 2], [8, 4], [16, 1], [16, 2]];

export interface MatmulProblem {
  layout: MatmulLayout;
  /** Rows of C. */
  rows: number;
  /** Columns of C (padded: a multiple of 4). */
  cols: number;
  /** Reduction length: K, a multiple of 4 (nn, nt), or R rows (tn). */
  inner: number;
  epilogue: EpilogueName;
}

export interface MatmulOperands {
  a: GPUBufferBinding;
  b: GPUBufferBinding;
  c: GPUBufferBinding;
  /** Bias (epilogues bias*), or the forward activation (reluMask, sigmoidGrad). */
  aux?: GPUBufferBinding;
}

export const WorkgroupSize = 64;

export function problemKey(p: MatmulProblem): string {
  return `${p.layout}:${p.rows}:${p.cols}:${p.inner}`;
}

export function blockName(b: Block): string {
  return `${b[0]}x${b[1] * 4}`;
}

export function parseBlock(name: string): Block {
  const found = blocks.find((b) => blockName(b) === name);
  if (!found) throw new Error(`Unknown matmul block ${name}`);
  return found;
}

/** The default block: the largest whose tiles still give the two cores ≥ 32 invocations of work. */
export function heuristicBlock(p: MatmulProblem): Block {
  const cols4 = p.cols / 4;
  for (const b of [[8, 2], [4, 2], [8, 1], [4, 1]] as const) {
    const tiles = Math.ceil(p.rows / b[0]) * Math.ceil(cols4 / b[1]);
    if (tiles >= 32 && (p.layout !== 'tn' || p.rows % 4 === 0)) return b;
  }
  return [4, 1];
}

/** 2·rows·cols·inner: the reduction length is `inner` in every layout. */
export function matmulFlops(p: MatmulProblem): number {
  return 2 * p.rows * p.cols * p.inner;
}

export class Matmul {
  readonly layout: GPUBindGroupLayout;

  constructor(private readonly ctx: KernelContext) {
    this.layout = ctx.cache.layout('Matmul.layout', ['uniform', 'read', 'read', 'rw', 'read']);
  }

  validate(p: MatmulProblem): void {
    if (p.cols % 4 !== 0) throw new Error(`matmul: columns ${p.cols} are not padded to a multiple of 4`);
    if (p.layout !== 'tn' && p.inner % 4 !== 0) throw new Error(`matmul ${p.layout}: inner ${p.inner} is not a multiple of 4`);
    if (p.layout === 'tn' && p.rows % 4 !== 0) throw new Error(`matmul tn: rows ${p.rows} are not a multiple of 4`);
  }

  async plan(p: MatmulProblem, ops: MatmulOperands, label: string, block?: Block): Promise<Dispatch> {
    this.validate(p);
    const chosen = block ?? this.choose(p);
    const entry = `matmul_${p.layout}_${blockName(chosen)}`;
    const pipeline = await this.ctx.cache.pipeline({
      shader: 'matmul',
      entry,
      constants: { WorkgroupSize, Epilogue: Epilogue[p.epilogue] },
      layouts: [this.layout],
    });
    const inner = p.layout === 'tn' ? p.inner : p.inner / 4;
    const params = uniformBuffer(this.ctx.device, `${label}.params`, packStruct([[p.rows, 'u'], [p.cols / 4, 'u'], [inner, 'u']]));
    const bindGroup = this.ctx.bindGroup(`${label}.bindGroup`, this.layout, [params, ops.a, ops.b, ops.c, ops.aux ?? this.ctx.dummy]);
    const tiles = Math.ceil(p.rows / chosen[0]) * Math.ceil(p.cols / 4 / chosen[1]);
    return { label, family: 'matmul', pipeline, bindGroup, workgroups: grid(Math.ceil(tiles / WorkgroupSize)), flops: matmulFlops(p) };
  }

  private choose(p: MatmulProblem): Block {
    const pinned = this.ctx.blockChoices.get(problemKey(p));
    return pinned ? parseBlock(pinned) : heuristicBlock(p);
  }
}
