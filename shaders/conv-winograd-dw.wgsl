// Winograd weight gradient for 3×3 stride-1 convs padded by 1 (src/gpu/conv-winograd.ts), concatenated after
// conv-winograd.wgsl, whose tile helpers (input_tile, tap4) it uses.
// It runs as F(3×3, 2×2) (the wino_dw_* entries, the layer's own params, 2×2 tiles of
// dY): dW[o, c] = Aᵀ[Σ_tiles (G dY_o Gᵀ) ⊙ (Bᵀ d_c B)]A, d_c the 4×4 patch of x under a dY tile. Its sum over
// the tiles at each of the 16 points ξ = 4r + s is a tn GEMM (Cin × T)·(T × Cout) of the matmul kernels,
// whose bias-gradient epilogue on ξ = 5 gives ¼ of db (G row 1 is [½ ½]): wv holds V[ξ] (T, pad4(Cin)),
// wm holds G dY Gᵀ (T, Cp), wu the products (pad4(Cin), Cp).
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 −1 0 1]   G = [1 0; ½ ½; ½ −½; 0 1]   Aᵀ = [1 1 1 0; 0 1 −1 0; 0 1 1 1]

// Bᵀ v of the weight gradient's F(3×3, 2×2) for a column or row v of a patch.
fn dw_bt4(d0: vec4f, d1: vec4f, d2: vec4f, d3: vec4f) -> array<vec4f, 4> {
  return array<vec4f, 4>(d0 - d2, d1 + d2, d2 - d1, d3 - d1);
}

// Row r of a 4×4 patch of x times B.
fn dw_patch_row(it: InputTile, r: i32) -> array<vec4f, 4> {
  let y = it.y0 + r;
  let rin = y >= 0 && y < i32(params.in_h);
  let row = it.base + y * i32(params.in_w);
  return dw_bt4(tap4(it, row, rin, 0), tap4(it, row, rin, 1), tap4(it, row, rin, 2), tap4(it, row, rin, 3));
}

// Column s of Bᵀ d B: V[4r + s] for r = 0..3, at row t, column quad j.
fn store_dw_input_col(s: u32, v: array<vec4f, 4>, t: u32, j: u32) {
  let at = s * params.slice_v + t * params.cin4 + j;
  let row = 4u * params.slice_v;
  wv[at] = v[0];
  wv[at + row] = v[1];
  wv[at + 2u * row] = v[2];
  wv[at + 3u * row] = v[3];
}

// One invocation per (2×2 dY tile, input quad j): V = Bᵀ d B of the 4×4 patch of x under the tile.
@compute @workgroup_size(WorkgroupSize)
fn wino_dw_input(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  if (i >= params.rows * params.tiles_h * params.tiles_w * params.cin4) { return; }
  let it = input_tile(i, 2u);
  let r0 = dw_patch_row(it, 0);
  let r1 = dw_patch_row(it, 1);
  let r2 = dw_patch_row(it, 2);
  let r3 = dw_patch_row(it, 3);
  store_dw_input_col(0u, dw_bt4(r0[0], r1[0], r2[0], r3[0]), it.t, it.j);
  store_dw_input_col(1u, dw_bt4(r0[1], r1[1], r2[1], r3[1]), it.t, it.j);
  store_dw_input_col(2u, dw_bt4(r0[2], r1[2], r2[2], r3[2]), it.t, it.j);
  store_dw_input_col(3u, dw_bt4(r0[3], r1[3], r2[3], r3[3]), it.t, it.j);
}

// G v for a column or row v of a 2×2 dY tile.
fn dw_g4(v0: vec4f, v1: vec4f) -> array<vec4f, 4> {
  return array<vec4f, 4>(v0, 0.5 * (v0 + v1), 0.5 * (v0 - v1), v1);
}

// Four output channels of dY at (y, x) of example b's plane, zeros outside it and past Cout.
fn dy4(base: u32, y: u32, x: u32, n: u32) -> vec4f {
  let inside = y < params.out_h && x < params.out_w;
  let plane = i32(params.out_h * params.out_w);
  let i = i32(base + y * params.out_w + x);
  return vec4f(dy_at(i, inside), dy_at(i + plane, inside && n > 1u), dy_at(i + 2 * plane, inside && n > 2u), dy_at(i + 3 * plane, inside && n > 3u));
}

// Column s of G g Gᵀ (rows of G g given): W'[4r + s] for r = 0..3, at row t, column quad q.
fn store_dw_dy_col(s: u32, v: array<vec4f, 4>, t: u32, q: u32) {
  let at = s * params.slice_m + t * params.c4 + q;
  let row = 4u * params.slice_m;
  wm[at] = v[0];
  wm[at + row] = v[1];
  wm[at + 2u * row] = v[2];
  wm[at + 3u * row] = v[3];
}

// One invocation per (2×2 dY tile, output quad q): W' = G g Gᵀ of the tile g of dY.
@compute @workgroup_size(WorkgroupSize)
fn wino_dw_dy(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  let per = params.tiles_h * params.tiles_w;
  if (i >= params.rows * per * params.c4) { return; }
  let q = i % params.c4;
  let t = i / params.c4;
  let tt = t % per;
  let y = 2u * (tt / params.tiles_w);
  let x = 2u * (tt % params.tiles_w);
  let base = (t / per) * params.dst_stride + 4u * q * params.out_h * params.out_w;
  let n = min(4u, params.out_c - 4u * q);
  let c0 = dw_g4(dy4(base, y, x, n), dy4(base, y + 1u, x, n));
  let c1 = dw_g4(dy4(base, y, x + 1u, n), dy4(base, y + 1u, x + 1u, n));
  // Row r of G g is (c0[r], c1[r]); G applied along it gives W'[4r + 0..3].
  let r0 = dw_g4(c0[0], c1[0]);
  let r1 = dw_g4(c0[1], c1[1]);
  let r2 = dw_g4(c0[2], c1[2]);
  let r3 = dw_g4(c0[3], c1[3]);
  store_dw_dy_col(0u, array<vec4f, 4>(r0[0], r1[0], r2[0], r3[0]), t, q);
  store_dw_dy_col(1u, array<vec4f, 4>(r0[1], r1[1], r2[1], r3[1]), t, q);
  store_dw_dy_col(2u, array<vec4f, 4>(r0[2], r1[2], r2[2], r3[2]), t, q);
  store_dw_dy_col(3u, array<vec4f, 4>(r0[3], r1[3], r2[3], r3[3]), t, q);
}

// Aᵀ v of the weight gradient for a column or row v of the products.
fn dw_at4(m0: vec4f, m1: vec4f, m2: vec4f, m3: vec4f) -> array<vec4f, 3> {
  return array<vec4f, 3>(m0 + m1 + m2, m1 - m2, m1 + m2 + m3);
}

// Row r of the products M (input channel c, output quad q) times A.
fn dw_m_row(at: u32, r: u32) -> array<vec4f, 3> {
  let e = 4u * r * params.slice_u + at;
  let s = params.slice_u;
  return dw_at4(wu[e], wu[e + s], wu[e + 2u * s], wu[e + 3u * s]);
}

// One invocation per (input channel c < Cin, output quad q): dW[4q.., c, ·, ·] = Aᵀ M A into the arena's
// rows c·9 + ky·3 + kx. The invocations of channel 0 also zero the rows past K and scale db by 4.
@compute @workgroup_size(WorkgroupSize)
fn wino_dw_output(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  if (i >= params.in_c * params.c4) { return; }
  let q = i % params.c4;
  let c = i / params.c4;
  let at = c * params.c4 + q;
  let r0 = dw_m_row(at, 0u);
  let r1 = dw_m_row(at, 1u);
  let r2 = dw_m_row(at, 2u);
  let r3 = dw_m_row(at, 3u);
  let k0 = dw_at4(r0[0], r1[0], r2[0], r3[0]);
  let k1 = dw_at4(r0[1], r1[1], r2[1], r3[1]);
  let k2 = dw_at4(r0[2], r1[2], r2[2], r3[2]);
  let row = c * 9u * params.c4 + q;
  dw[row] = k0[0];
  dw[row + params.c4] = k1[0];
  dw[row + 2u * params.c4] = k2[0];
  dw[row + 3u * params.c4] = k0[1];
  dw[row + 4u * params.c4] = k1[1];
  dw[row + 5u * params.c4] = k2[1];
  dw[row + 6u * params.c4] = k0[2];
  dw[row + 7u * params.c4] = k1[2];
  dw[row + 8u * params.c4] = k2[2];
  if (c == 0u) {
    for (var kk = 9u * params.in_c; kk < params.k_rows; kk++) { dw[kk * params.c4 + q] = vec4f(0.0); }
    db[q] = 4.0 * db[q];
  }
}
