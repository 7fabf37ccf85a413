// The facts every Conv2d wrapper shares: the bindings and params of shaders/conv-common.wgsl, a layer's
// shape (ConvSpec) and the sizes derived from it — the implicit GEMMs' (convGeometry) and the Winograd
// passes' (winogradGeometry).
import { pad4 } from './buffers';
import type { BindingTable } from './binding-table';
import { WgslStruct } from './wgsl-struct';

export const ConvBindings = {
  params: { binding: 0, kind: 'uniform' },
  src: { binding: 1, kind: 'read' },
  w: { binding: 2, kind: 'read' },
  bias: { binding: 3, kind: 'read' },
  dst: { binding: 4, kind: 'rw' },
  wt: { binding: 5, kind: 'rw' },
  dyp: { binding: 6, kind: 'rw' },
  partials: { binding: 7, kind: 'rw' },
  dw: { binding: 8, kind: 'rw' },
  db: { binding: 9, kind: 'rw' },
  dy: { binding: 10, kind: 'read' },
  wu: { binding: 11, kind: 'rw' },
  wv: { binding: 12, kind: 'rw' },
  wm: { binding: 13, kind: 'rw' },
} as const satisfies BindingTable;

export const ConvParams = new WgslStruct('Params', {
  rows: 'u32', in_c: 'u32', in_h: 'u32', in_w: 'u32', out_c: 'u32', out_h: 'u32', out_w: 'u32', kernel: 'u32',
  stride: 'u32', padding: 'u32', src_stride: 'u32', dst_stride: 'u32', c4: 'u32', chunks: 'u32', chunk_rows: 'u32', k_rows: 'u32',
  cin4: 'u32', jh: 'u32', jw: 'u32', group_rows: 'u32', tiles_h: 'u32', tiles_w: 'u32', slice_u: 'u32', slice_v: 'u32', slice_m: 'u32',
});

export const WorkgroupSize = 64;

export interface ConvSpec {
  rows: number;
  inC: number;
  h: number;
  w: number;
  outC: number;
  kernel: number;
  stride: number;
  padding: number;
}

/** Derived sizes: output plane, padded strides, weight rows Kp and vec4 channel groups. */
export function convGeometry(s: ConvSpec) {
  const oh = Math.floor((s.h + 2 * s.padding - s.kernel) / s.stride) + 1;
  const ow = Math.floor((s.w + 2 * s.padding - s.kernel) / s.stride) + 1;
  const k = s.inC * s.kernel * s.kernel;
  return {
    oh, ow, pixels: oh * ow, k, kRows: pad4(k), c4: pad4(s.outC) / 4, cin4: pad4(s.inC) / 4,
    xStride: pad4(s.inC * s.h * s.w), yStride: pad4(s.outC * oh * ow),
  };
}

/** Rounds a count of vec4s up to 16 (256 bytes: the storage-binding offset alignment WebGPU guarantees). */
const slice = (vec4s: number): number => Math.ceil(vec4s / 16) * 16;

/** Winograd F(4×4, 3×3): output tiles of 4×4, transformed tiles of 6×6 (shaders/conv-winograd.wgsl). */
export const winogradTile = 4;
export const winogradPoints = 36;
/** The weight gradient's F(3×3, 2×2): dY tiles of 2×2, transformed tiles of 4×4. */
export const winogradGradTile = 2;
export const winogradGradPoints = 16;

/**
 * Winograd sizes of a forward-shaped layer (3×3, stride 1, padding 1): output tiles per plane and in
 * the batch (T), and the vec4s between the 36 slices ξ of U (pad4(Cin), Cp), V (T, pad4(Cin)) and M
 * (T, Cp), each slice a GEMM operand bound at offset ξ·slice·16 bytes. With `tile` = winogradGradTile:
 * the weight gradient's, whose 16 slices of U hold its products (pad4(Cin), Cp) and of M the dY tiles
 * transformed (T, Cp).
 */
export function winogradGeometry(s: ConvSpec, tile = winogradTile) {
  const g = convGeometry(s);
  const tilesH = Math.ceil(g.oh / tile);
  const tilesW = Math.ceil(g.ow / tile);
  const tiles = s.rows * tilesH * tilesW;
  return { tilesH, tilesW, tiles, sliceU: slice(4 * g.cin4 * g.c4), sliceV: slice(tiles * g.cin4), sliceM: slice(tiles * g.c4) };
}
