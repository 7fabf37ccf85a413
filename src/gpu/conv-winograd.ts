// Winograd F(4×4, 3×3) passes of a 3×3 stride-1 conv padded by 1 (shaders/conv-winograd.wgsl): the
// forward, and the input gradient as the forward of the transposed layer. A pass is a weight transform,
// an input transform, 36 GEMMs (V[ξ] · U[ξ], the matmul kernels in the variant pinned, tuned or the
// heuristic's for their problem) and an output transform with the fused bias and activation. Against
// the implicit GEMM it does 36 products per 4×4 tile and input channel instead of 144 (4× fewer where
// the plane is a multiple of 4; 28×28: 4×, 14×14: 3.1×, 7×7: 3.1×). The weight gradient runs as
// F(3×3, 2×2) (shaders/conv-winograd-dw.wgsl): 16 tn GEMMs over the batch's 2×2 tiles of dY (2.25×
// fewer products). Its dispatches are of the conv family and together count the direct conv's FLOPs, so
// that its GFLOP/s compare with the implicit GEMM's (effective GFLOP/s).
import { activationCode, type ActivationKind } from './activation';
import { planKernel } from './binding-table';
import { createBuffer, storageUsage } from './buffers';
import { ConvBindings, convGeometry, winogradGeometry, winogradGradPoints, winogradGradTile, winogradPoints, type ConvSpec } from './conv-layout';
import type { KernelContext } from './context';
import { blockedWorkgroupSize, type Dispatch } from './dispatch';
import type { Matmul } from './matmul';

/** Whether a layer (or the forward-shaped layer of its input gradient) can run as Winograd: 3×3, stride 1, padding 1. */
export function winogradShape(s: ConvSpec): boolean {
  return s.kernel === 3 && s.stride === 1 && s.padding === 1;
}

/** Bytes of the largest of U, V and M for a forward-shaped layer (each one buffer of 36 slices). */
export function winogradBytes(s: ConvSpec): number {
  const w = winogradGeometry(s);
  return winogradPoints * 16 * Math.max(w.sliceU, w.sliceV, w.sliceM);
}

/** Bytes of the largest of the weight gradient's three operands (16 slices each). */
export function winogradGradBytes(s: ConvSpec): number {
  const w = winogradGeometry(s, winogradGradTile);
  return winogradGradPoints * 16 * Math.max(w.sliceU, w.sliceV, w.sliceM);
}

type Operand = 'u' | 'v' | 'm';

/**
 * U, V and M of every Winograd pass a network plans, shared: its dispatches run one after another, and
 * each pass writes its operands before it reads them. A pass that needs more than the buffers hold gets
 * larger ones (the passes planned before keep theirs).
 */
export class WinogradWorkspace {
  private readonly buffers = new Map<Operand, GPUBuffer>();

  constructor(private readonly device: GPUDevice) {}

  async get(which: Operand, bytes: number): Promise<GPUBuffer> {
    const have = this.buffers.get(which);
    if (have && have.size >= bytes) return have;
    const b = await createBuffer(this.device, `Conv.winograd.${which}`, Math.max(256, bytes), storageUsage());
    this.buffers.set(which, b);
    return b;
  }
}

/** Workgroup size (blockedWorkgroupSize) and count for n invocations. */
function launch(n: number): { constants: { WorkgroupSize: number }; groups: number } {
  const size = blockedWorkgroupSize(n);
  return { constants: { WorkgroupSize: size }, groups: Math.ceil(n / size) };
}

/** Slice ξ of an operand buffer (slices `slice` vec4s apart), `vec4s` long: one GEMM's operand. */
function at(buffer: GPUBuffer, slice: number, xi: number, vec4s: number): GPUBufferBinding {
  return { buffer, offset: xi * slice * 16, size: vec4s * 16 };
}

export interface WinogradOperands {
  /** The layer's input x: read by the forward's input transform, and for act'_in by the input gradient's output. */
  x: GPUBufferBinding;
  /** The layer's weight, arena layout (Kp, Cp). */
  w: GPUBufferBinding;
  /** The output: y (forward) or dX. */
  dst: GPUBufferBinding;
  bias?: GPUBufferBinding;
  /** dY (the input gradient). */
  dy?: GPUBufferBinding;
}

/**
 * Plans a Winograd pass of the forward-shaped layer `fs`: the forward (`activation` fused, `ops.bias`
 * added) or, with `ops.dy`, the input gradient (`fs` = inputGradAsForward(layer); act'_in applied).
 */
export async function planWinograd(
  ctx: KernelContext, matmul: Matmul, space: WinogradWorkspace, fs: ConvSpec, activation: ActivationKind, ops: WinogradOperands, label: string, params: ArrayBuffer,
): Promise<Dispatch[]> {
  if (!winogradShape(fs)) throw new Error(`${label}: Winograd F(4×4, 3×3) needs a 3×3 conv with stride 1 and padding 1`);
  const g = convGeometry(fs);
  const wg = winogradGeometry(fs);
  const grad = ops.dy !== undefined;
  const u = await space.get('u', winogradPoints * 16 * wg.sliceU);
  const v = await space.get('v', winogradPoints * 16 * wg.sliceV);
  const m = await space.get('m', winogradPoints * 16 * wg.sliceM);
  const common = { shader: 'conv-winograd', table: ConvBindings, family: 'conv', params } as const;
  const weightN = 4 * g.cin4 * g.c4;
  const tileInputs = wg.tiles * g.cin4;
  const tileOutputs = wg.tiles * g.c4;
  const directFlops = 2 * fs.rows * g.pixels * fs.outC * g.k;
  const list: Dispatch[] = [
    await planKernel(ctx, {
      ...common, ...launch(weightN), entry: grad ? 'wino_weight_flip' : 'wino_weight', label: grad ? `${label}.dXWeight` : `${label}.winoWeight`,
      resources: { w: ops.w, wu: u }, flops: 0,
    }),
    await planKernel(ctx, {
      ...common, ...launch(tileInputs), entry: 'wino_input', label: grad ? `${label}.dX.winoInput` : `${label}.winoInput`,
      resources: { src: grad ? ops.dy : ops.x, wv: v }, flops: 0,
    }),
  ];
  const problem = { layout: 'nn', rows: wg.tiles, cols: 4 * g.c4, inner: 4 * g.cin4, epilogue: 'none', launches: winogradPoints } as const;
  for (let xi = 0; xi < winogradPoints; xi++) {
    const d = await matmul.plan(problem, { a: at(v, wg.sliceV, xi, tileInputs), b: at(u, wg.sliceU, xi, weightN), c: at(m, wg.sliceM, xi, tileOutputs) }, `${label}${grad ? '.dX' : ''}.winoGemm${xi}`);
    list.push({ ...d, family: 'conv', flops: directFlops / winogradPoints, variant: `winograd ${d.variant}` });
  }
  const out = launch(tileOutputs);
  list.push(
    await planKernel(ctx, {
      ...common, entry: grad ? 'wino_output_grad' : 'wino_output', label: grad ? `${label}.dX` : `${label}.winoOutput`,
      constants: { ...out.constants, [grad ? 'InputActivation' : 'Activation']: activationCode[activation] }, groups: out.groups,
      resources: grad ? { src: ops.x, wm: m, dst: ops.dst } : { bias: ops.bias, wm: m, dst: ops.dst }, flops: 0,
    }),
  );
  return list;
}

export interface WinogradWeightGradOperands {
  x: GPUBufferBinding;
  /** dY, before this layer's activation. */
  dy: GPUBufferBinding;
  dw: GPUBufferBinding;
  db: GPUBufferBinding;
}

/**
 * Plans the weight gradient of a 3×3 stride-1 layer padded by 1 as F(3×3, 2×2) (`params`: the layer's,
 * with the 2×2 tiles): the 4×4 patches of x and the 2×2 tiles of dY transformed, 16 tn GEMMs summing
 * over the tiles (the sixth also writes ¼ of db), the output transform into dW's arena rows.
 */
export async function planWinogradWeightGrad(
  ctx: KernelContext, matmul: Matmul, space: WinogradWorkspace, s: ConvSpec, ops: WinogradWeightGradOperands, label: string, params: ArrayBuffer,
): Promise<Dispatch[]> {
  if (!winogradShape(s)) throw new Error(`${label}: the Winograd weight gradient needs a 3×3 conv with stride 1 and padding 1`);
  const g = convGeometry(s);
  const wg = winogradGeometry(s, winogradGradTile);
  const u = await space.get('u', winogradGradPoints * 16 * wg.sliceU);
  const v = await space.get('v', winogradGradPoints * 16 * wg.sliceV);
  const m = await space.get('m', winogradGradPoints * 16 * wg.sliceM);
  const common = { shader: 'conv-winograd', table: ConvBindings, family: 'conv', params } as const;
  const tileInputs = wg.tiles * g.cin4;
  const tileGrads = wg.tiles * g.c4;
  const products = 4 * g.cin4 * g.c4;
  const directFlops = 2 * s.rows * g.pixels * s.outC * (g.k + 1);
  const list: Dispatch[] = [
    await planKernel(ctx, { ...common, ...launch(tileInputs), entry: 'wino_dw_input', label: `${label}.dW.winoInput`, resources: { src: ops.x, wv: v }, flops: 0 }),
    await planKernel(ctx, { ...common, ...launch(tileGrads), entry: 'wino_dw_dy', label: `${label}.dW.winoDy`, resources: { dy: ops.dy, wm: m }, flops: 0 }),
  ];
  for (let xi = 0; xi < winogradGradPoints; xi++) {
    // Point ξ = 5 (row 1, column 1) of G g Gᵀ is ¼ of the tile's sum: its column sums are ¼ of db.
    const biasPoint = xi === 5;
    const problem = { layout: 'tn', rows: 4 * g.cin4, cols: 4 * g.c4, inner: wg.tiles, epilogue: biasPoint ? 'biasGrad' : 'none', launches: winogradGradPoints } as const;
    const d = await matmul.plan(problem, { a: at(v, wg.sliceV, xi, tileInputs), b: at(m, wg.sliceM, xi, tileGrads), c: at(u, wg.sliceU, xi, products), db: biasPoint ? ops.db : undefined }, `${label}.dW.winoGemm${xi}`);
    list.push({ ...d, family: 'conv', flops: directFlops / winogradGradPoints, variant: `winograd ${d.variant}` });
  }
  list.push(await planKernel(ctx, { ...common, ...launch(s.inC * g.c4), entry: 'wino_dw_output', label: `${label}.dW`, resources: { wu: u, dw: ops.dw, db: ops.db }, flops: 0 }));
  return list;
}
