// Typed wrapper of shaders/matmul.wgsl and shaders/matmul-subgroup.wgsl: plans one register-blocked
// product with a fused epilogue, in the variant pinned for its problem, chosen by the autotuner, or the
// heuristic's. Shapes are in floats with padded column counts (multiples of 4), see the shaders' header.
import { packStruct, uniformBuffer } from './buffers';
import type { KernelContext } from './context';
import { blockedWorkgroupSize, grid, type Dispatch } from './dispatch';

export const MatmulBindings = { params: 0, a: 1, b: 2, c: 3, aux: 4, db: 5 } as const;

export type MatmulLayout = 'nn' | 'tn' | 'nt';

/** Fused epilogues (see the shaders' header); biasGrad (tn only) also writes B's column sums to `db`. */
export const Epilogue = { none: 0, bias: 1, biasRelu: 2, reluMask: 3, biasSigmoid: 4, sigmoidGrad: 5, biasGrad: 6 } as const;
export type EpilogueName = keyof typeof Epilogue;

/** rows × vec4-columns per invocation (thread blocks) or per lane (subgroup blocks); see scripts/gen-matmul.mjs. */
export type Block = readonly [rows: number, cols4: number];
export const blocks: readonly Block[] = [[4, 1], [4, 2], [4, 4], [8, 1], [8, 2], [8, 4], [16, 1], [16, 2]];
export const subgroupBlocks: readonly Block[] = [[8, 1], [8, 2], [16, 1], [16, 2], [32, 1]];

/** Lanes of the subgroups the subgroup variants are written for. */
export const subgroupLanes = 4;

/**
 * One entry point: a thread block ("8x8": 8 rows × 8 columns per invocation) or a subgroup block
 * ("sg16x16": 16 rows × 16 columns per subgroup of 4 lanes, each lane 16 rows × 4 columns).
 */
export interface Variant {
  name: string;
  kind: 'thread' | 'subgroup';
  rows: number;
  cols4: number;
}

export interface MatmulProblem {
  layout: MatmulLayout;
  /** Rows of C. */
  rows: number;
  /** Columns of C (padded: a multiple of 4). */
  cols: number;
  /** Reduction length: K, a multiple of 4 (nn, nt), or R rows (tn). */
  inner: number;
  epilogue: EpilogueName;
  /** Launches of this product a pass makes (a Winograd pass: one per transformed point), for the tuner's threshold; 1 if absent. */
  launches?: number;
}

export interface MatmulOperands {
  a: GPUBufferBinding;
  b: GPUBufferBinding;
  c: GPUBufferBinding;
  /** Bias (epilogues bias*), or the forward activation (reluMask, sigmoidGrad). */
  aux?: GPUBufferBinding;
  /** The bias gradient (epilogue biasGrad): cols floats. */
  db?: GPUBufferBinding;
}

/** Picks a variant for a problem among candidates (the autotuner); see src/gpu/autotune.ts. */
export interface MatmulTuner {
  choose(p: MatmulProblem, candidates: readonly Variant[]): Promise<Variant>;
}

export const WorkgroupSize = 64;

export function problemKey(p: MatmulProblem): string {
  return `${p.layout}:${p.rows}:${p.cols}:${p.inner}`;
}

export function blockName(b: Block): string {
  return `${b[0]}x${b[1] * 4}`;
}

export function threadVariant(b: Block): Variant {
  return { name: blockName(b), kind: 'thread', rows: b[0], cols4: b[1] };
}

export function subgroupVariant(b: Block): Variant {
  return { name: `sg${b[0]}x${b[1] * 4 * subgroupLanes}`, kind: 'subgroup', rows: b[0], cols4: b[1] };
}

export const threadVariants: readonly Variant[] = blocks.map(threadVariant);
export const subgroupVariants: readonly Variant[] = subgroupBlocks.map(subgroupVariant);

/** The variant named `name` ("8x8", "sg16x16"). */
export function parseVariant(name: string): Variant {
  const found = [...threadVariants, ...subgroupVariants].find((v) => v.name === name);
  if (!found) throw new Error(`Unknown matmul variant ${name} (known: ${[...threadVariants, ...subgroupVariants].map((v) => v.name).join(', ')})`);
  return found;
}

/** The thread block named `name` (thread variants only; kept for callers that pass blocks). */
export function parseBlock(name: string): Block {
  const found = blocks.find((b) => blockName(b) === name);
  if (!found) throw new Error(`Unknown matmul block ${name}`);
  return found;
}

/** Whether this device runs the subgroup variants: the subgroups feature with subgroups of exactly 4. */
export function subgroupsOfFour(device: GPUDevice): boolean {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return device.features.has('subgroups') && info?.subgroupMinSize === subgroupLanes && info?.subgroupMaxSize === subgroupLanes;
}

/** Subgroup tiles (or thread blocks) of C a variant splits the problem into. */
export function tileCount(p: MatmulProblem, v: Variant): number {
  const width = v.kind === 'subgroup' ? v.cols4 * subgroupLanes : v.cols4;
  return Math.ceil(p.rows / v.rows) * Math.ceil(p.cols / 4 / width);
}

/** Invocations a variant launches for a problem. */
export function invocations(p: MatmulProblem, v: Variant): number {
  return tileCount(p, v) * (v.kind === 'subgroup' ? subgroupLanes : 1);
}

/** Variants that can run a problem on a device (every variant handles any shape; edges are clamped). */
export function candidates(subgroups: boolean): Variant[] {
  return subgroups ? [...subgroupVariants, ...threadVariants] : [...threadVariants];
}

/** Invocations a launch should have at least, so that its workgroups spread over every core. */
const enoughInvocations = 128;

/**
 * The default variant: the largest block that still launches enough invocations to keep every core
 * busy (subgroup blocks first where the device has them: they share loads, measured 1.2–1.5× faster).
 */
export function heuristicVariant(p: MatmulProblem, subgroups = false): Variant {
  if (subgroups) {
    for (const b of [[16, 1], [8, 1]] as const) {
      const v = subgroupVariant(b);
      if (invocations(p, v) >= enoughInvocations) return v;
    }
  }
  return threadVariant(heuristicBlock(p));
}

/** The default thread block (see heuristicVariant). */
export function heuristicBlock(p: MatmulProblem): Block {
  for (const b of [[8, 2], [4, 2], [8, 1], [4, 1]] as const) {
    if (tileCount(p, threadVariant(b)) >= enoughInvocations) return b;
  }
  return [4, 1];
}

/** Invocations per workgroup (blockedWorkgroupSize). */
export function workgroupSize(p: MatmulProblem, v: Variant): number {
  return blockedWorkgroupSize(invocations(p, v));
}

/** 2·rows·cols·inner: the reduction length is `inner` in every layout. */
export function matmulFlops(p: MatmulProblem): number {
  return 2 * p.rows * p.cols * p.inner;
}

export class Matmul {
  readonly layout: GPUBindGroupLayout;
  /** Whether the subgroup variants may be used on this device. */
  readonly subgroups: boolean;
  /** Choices being tuned, so that two plans of one problem wait for one tuning. */
  private readonly tuning = new Map<string, Promise<Variant>>();
  /** Bound at `db` when the epilogue writes none (a writable binding may not share the read-only dummy). */
  private readonly dummyOut: GPUBuffer;

  constructor(private readonly ctx: KernelContext) {
    this.layout = ctx.cache.layout('Matmul.layout', ['uniform', 'read', 'read', 'rw', 'read', 'rw']);
    this.subgroups = subgroupsOfFour(ctx.device);
    this.dummyOut = ctx.device.createBuffer({ label: 'Matmul.dummyOut', size: 16, usage: GPUBufferUsage.STORAGE });
  }

  validate(p: MatmulProblem): void {
    if (p.cols % 4 !== 0) throw new Error(`matmul: columns ${p.cols} are not padded to a multiple of 4`);
    if (p.layout !== 'tn' && p.inner % 4 !== 0) throw new Error(`matmul ${p.layout}: inner ${p.inner} is not a multiple of 4`);
    if (p.layout === 'tn' && p.rows % 4 !== 0) throw new Error(`matmul tn: rows ${p.rows} are not a multiple of 4`);
    if (p.epilogue === 'biasGrad' && p.layout !== 'tn') throw new Error(`matmul ${p.layout}: the biasGrad epilogue needs the tn layout`);
  }

  /**
   * Plans `p` over `ops`. Without `variant` the problem's pinned choice is used (KernelContext.blockChoices),
   * else the tuner's or the heuristic's, which is then pinned for the rest of the run.
   */
  async plan(p: MatmulProblem, ops: MatmulOperands, label: string, variant?: Block | string | Variant): Promise<Dispatch> {
    this.validate(p);
    const v = variant === undefined ? await this.choose(p) : typeof variant === 'string' ? parseVariant(variant) : 'kind' in variant ? variant : threadVariant(variant);
    if (v.kind === 'subgroup' && !this.subgroups) throw new Error(`matmul variant ${v.name} needs subgroups of ${subgroupLanes}, which this device lacks`);
    const pipeline = await this.ctx.cache.pipeline({
      shader: v.kind === 'subgroup' ? 'matmul-subgroup' : 'matmul',
      entry: `matmul_${p.layout}_${v.name}`,
      constants: { WorkgroupSize: workgroupSize(p, v), Epilogue: Epilogue[p.epilogue] },
      layouts: [this.layout],
    });
    const inner = p.layout === 'tn' ? p.inner : p.inner / 4;
    const params = uniformBuffer(this.ctx.device, `${label}.params`, packStruct([[p.rows, 'u'], [p.cols / 4, 'u'], [inner, 'u']]));
    if (p.epilogue === 'biasGrad' && !ops.db) throw new Error(`${label}: the biasGrad epilogue needs a db operand`);
    const bindGroup = this.ctx.bindGroup(`${label}.bindGroup`, this.layout, [params, ops.a, ops.b, ops.c, ops.aux ?? this.ctx.dummy, ops.db ?? this.dummyOut]);
    const workgroups = grid(Math.ceil(invocations(p, v) / workgroupSize(p, v)));
    return { label, family: 'matmul', pipeline, bindGroup, workgroups, flops: matmulFlops(p), variant: v.name };
  }

  /** The variant for `p`: pinned, else tuned or heuristic (and then pinned, so the run records it). */
  async choose(p: MatmulProblem): Promise<Variant> {
    const key = problemKey(p);
    const pinned = this.ctx.blockChoices.get(key);
    if (pinned !== undefined) {
      const v = parseVariant(pinned);
      if (v.kind === 'thread' || this.subgroups) return v;
    }
    let pending = this.tuning.get(key);
    if (!pending) {
      const tuner = this.ctx.tuner;
      pending = tuner ? tuner.choose(p, candidates(this.subgroups)) : Promise.resolve(heuristicVariant(p, this.subgroups));
      this.tuning.set(key, pending);
    }
    const v = await pending;
    this.tuning.delete(key);
    this.ctx.blockChoices.set(key, v.name);
    return v;
  }
}
