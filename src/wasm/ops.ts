// Typed constructors of the kernels' ops: each fills its record's fields by name, in the units the WAT
// expects (byte addresses and byte strides for products, floats for elementwise strides), and counts
// its tiles. A tile's extent never changes what an output element is computed from (no tile splits a
// sum), so tile shapes are free to follow the problem's size.
import { activations, epilogues, tileSizes, type ActivationName, type EpilogueName } from './abi';
import { scratchBytes } from './memory-plan';
import type { Op } from './program';

export const pad4 = (n: number): number => Math.ceil(n / 4) * 4;
const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

/** A row-major f32 matrix in the memory: `rows` × `cols` values, rows `stride` floats apart. */
export interface Mat {
  at: number;
  rows: number;
  cols: number;
  stride: number;
}

export const mat = (at: number, rows: number, cols: number, stride = pad4(cols)): Mat => ({ at, rows, cols, stride });

export interface ProductOptions {
  epilogue?: EpilogueName;
  /** Byte address of pad4(N) bias values (0: none). */
  bias?: number;
  /** Byte address of a matrix with C's layout, read by the reluMask / sigmoidGrad epilogues. */
  aux?: number;
  /** Output tile (rows a multiple of 4, columns of 8). */
  tile?: { rows: number; cols: number };
  /** Pack B's panels into the thread's scratch (default: when B's rows are longer than a panel). */
  pack?: 0 | 1;
}

/**
 * Output tiles: one 8-column panel of B (packed once per tile when B's rows are long) by up to 128 rows,
 * so packing costs ≤ 1/256 of the tile's arithmetic and the panel stays in L1 across the row blocks.
 */
function productTile(m: number, n: number, o: ProductOptions) {
  const rows = o.tile?.rows ?? Math.min(128, pad4(m));
  const cols = o.tile?.cols ?? 8;
  if (rows % 4 !== 0 || cols % 8 !== 0) throw new Error(`matmul tile ${rows}×${cols}: rows must be a multiple of 4, columns of 8`);
  return { tileRows: rows, tileCols: cols, tilesN: ceilDiv(n, cols), tiles: ceilDiv(m, rows) * ceilDiv(n, cols) };
}

function product(label: string, m: number, n: number, k: number, a: { at: number; rsa: number; csa: number }, b: Mat, c: Mat, o: ProductOptions): Op<'matmul'> {
  if (k < 1 || m < 1 || n < 1) throw new Error(`${label}: empty product ${m}×${k}·${k}×${n}`);
  if (c.cols !== n || c.rows < m || b.rows < k || b.cols < n) throw new Error(`${label}: shapes do not fit (${m}×${k}·${b.rows}×${b.cols} → ${c.rows}×${c.cols})`);
  const t = productTile(m, n, o);
  return {
    name: 'matmul',
    label,
    tiles: t.tiles,
    flops: 2 * m * n * k,
    args: {
      m, n, k, a: a.at, rsa: a.rsa, csa: a.csa, b: b.at, rsb: 4 * b.stride, c: c.at, rsc: 4 * c.stride,
      epilogue: epilogues[o.epilogue ?? 'none'], bias: o.bias ?? 0, aux: o.aux ?? 0, tileRows: t.tileRows, tileCols: t.tileCols, tilesN: t.tilesN,
      // A B row of 8 floats per k is already a panel; longer rows are packed (while a panel fits the scratch).
      pack: o.pack ?? (b.stride > 8 && k * 32 <= scratchBytes) ? 1 : 0,
    },
  };
}

/** C (M, N) = A (M, K) · B (K, N). */
export function matmulNN(label: string, a: Mat, b: Mat, c: Mat, o: ProductOptions = {}): Op<'matmul'> {
  return product(label, a.rows, b.cols, a.cols, { at: a.at, rsa: 4 * a.stride, csa: 4 }, b, c, o);
}

/** C (M, N) = Aᵀ · B for A (K, M), B (K, N). */
export function matmulTN(label: string, a: Mat, b: Mat, c: Mat, o: ProductOptions = {}): Op<'matmul'> {
  return product(label, a.cols, b.cols, a.rows, { at: a.at, rsa: 4, csa: 4 * a.stride }, b, c, o);
}

/** dst (cols, rows) = srcᵀ: packs the B of an nt product (C = A·Bᵀ = matmulNN(A, transpose(B))). */
export function transposeOp(label: string, src: Mat, dst: Mat): Op<'transpose'> {
  if (dst.rows < src.cols || dst.cols < src.rows) throw new Error(`${label}: ${dst.rows}×${dst.cols} cannot hold the transpose of ${src.rows}×${src.cols}`);
  return {
    name: 'transpose', label, tiles: ceilDiv(src.rows, tileSizes.transpose),
    args: { rows: src.rows, cols: src.cols, src: src.at, rss: 4 * src.stride, dst: dst.at, rsd: 4 * dst.stride, batch: 1, bss: 0, bsd: 0 },
  };
}

/** dst[j] = Σ_r src[r, j] over all `src.rows` rows (pad4(cols) values written). */
export function colsumOp(label: string, src: Mat, dst: number): Op<'colsum'> {
  const cols = pad4(src.cols);
  return { name: 'colsum', label, tiles: ceilDiv(cols, tileSizes.colsum), args: { rows: src.rows, cols, src: src.at, rss: 4 * src.stride, dst } };
}

export interface GatherArgs {
  rows: number;
  features: number;
  data: number;
  dtype: 'u8' | 'f32';
  /** The epoch's order (byte address), or 0 for consecutive rows from the step's batch start. */
  order: number;
  scale: number;
  shift: number;
  labels: number;
  x: number;
  y: number;
}

export function gatherOp(label: string, g: GatherArgs): Op<'gather'> {
  return {
    name: 'gather', label, tiles: ceilDiv(g.rows, tileSizes.gather),
    args: { ...g, stride: pad4(g.features), dtype: g.dtype === 'u8' ? 0 : 1 },
  };
}

/** Per-row losses (f64, at `losses`) and, with `dlogits` ≠ 0, dlogits = (softmax − onehot) / rows. */
export function softmaxXentOp(label: string, logits: Mat, labels: number, losses: number, dlogits = 0): Op<'softmaxXent'> {
  return {
    name: 'softmaxXent', label, tiles: ceilDiv(logits.rows, tileSizes.softmaxXent),
    args: { rows: logits.rows, classes: logits.cols, stride: logits.stride, logits: logits.at, labels, dlogits, losses },
  };
}

/** out[step.slot] = Σ of `rows` f64 losses, in order. */
export function lossSumOp(label: string, rows: number, losses: number, out: number): Op<'lossSum'> {
  return { name: 'lossSum', label, tiles: 1, args: { rows, losses, out } };
}

/** counts[0] += rows whose argmax equals the label. */
export function accuracyOp(label: string, logits: Mat, labels: number, counts: number): Op<'accuracy'> {
  return {
    name: 'accuracy', label, tiles: ceilDiv(logits.rows, tileSizes.accuracy),
    args: { rows: logits.rows, classes: logits.cols, stride: logits.stride, logits: logits.at, labels, counts },
  };
}

export interface DropoutArgs {
  key: number;
  p: number;
  /** 'forward': dst = src ⊙ mask / (1 − p); 'backward': dst = act'(src ⊙ mask / (1 − p); actOut). */
  mode: 'forward' | 'backward';
  src: Mat;
  dst: number;
  act?: ActivationName;
  actOut?: number;
}

export function dropoutOp(label: string, d: DropoutArgs): Op<'dropout'> {
  return {
    name: 'dropout', label, tiles: ceilDiv(d.src.rows, tileSizes.dropout),
    args: {
      rows: d.src.rows, features: d.src.cols, stride: d.src.stride, key: d.key >>> 0, p: Math.fround(d.p), scale: Math.fround(1 / (1 - d.p)),
      mode: d.mode === 'forward' ? 0 : 1, src: d.src.at, dst: d.dst, act: activations[d.act ?? 'none'], actOut: d.actOut ?? 0,
    },
  };
}

/** 'forward': dst = act(src (+ src2)); 'backward': dst = src ⊙ act'(y). Kind 'none' copies. */
export function activationOp(label: string, kind: ActivationName, mode: 'forward' | 'backward', src: Mat, dst: number, y = 0, src2 = 0): Op<'activation'> {
  return {
    name: 'activation', label, tiles: ceilDiv(src.rows, tileSizes.activation),
    args: { rows: src.rows, features: src.cols, stride: src.stride, kind: activations[kind], mode: mode === 'forward' ? 0 : 1, src: src.at, dst, y, src2 },
  };
}

/** dst = act'(a + b; y) over (rows, features) tensors of one layout; b = 0: act'(a; y). */
export function gradSumOp(label: string, a: Mat, b: number, act: ActivationName, y: number, dst: number): Op<'gradSum'> {
  return {
    name: 'gradSum', label, tiles: ceilDiv(a.rows, tileSizes.gradSum),
    args: { rows: a.rows, features: a.cols, stride: a.stride, a: a.at, b, act: activations[act], y, dst },
  };
}

export interface OptimizerArgs {
  kind: 'sgd' | 'momentum' | 'adam';
  /** Floats of the arena (a multiple of 4). */
  count: number;
  weights: number;
  grads: number;
  /** State arenas (momentum: s1; Adam: s1 = m, s2 = v); 0 where unused. */
  s1: number;
  s2: number;
  weightDecay: number;
  momentum: number;
}

export const adamConstants = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

export function optimizerOp(label: string, o: OptimizerArgs): Op<'optimizer'> {
  if (o.count % 4 !== 0) throw new Error(`${label}: the arena holds ${o.count} floats, not a multiple of 4`);
  const kind = { sgd: 0, momentum: 1, adam: 2 }[o.kind];
  return {
    name: 'optimizer', label, tiles: ceilDiv(o.count, tileSizes.optimizer),
    args: { count: o.count, weights: o.weights, grads: o.grads, s1: o.s1, s2: o.s2, kind, weightDecay: o.weightDecay, momentum: o.momentum, ...adamConstants },
  };
}
