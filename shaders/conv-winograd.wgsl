// Winograd F(4×4, 3×3) for 3×3 stride-1 convs padded by 1 (src/gpu/conv-winograd.ts): each 4×4 output
// tile is Y = Aᵀ [Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B)] A, d_c the 6×6 input patch of channel c under the tile and
// g_c its 3×3 kernel (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2015). The sum
// over c at each of the 36 positions ξ = 6r + s of the transformed tile is a GEMM (T tiles × Cin) ·
// (Cin × Cout), run by the matmul kernels between these passes:
//   wino_weight       U[ξ] (pad4(Cin), Cp) = G g Gᵀ of the forward's weight
//   wino_weight_flip  the same of the input gradient's: the weight transposed and flipped (flip_weight)
//   wino_input        V[ξ] (T, pad4(Cin)) = Bᵀ d B of x (the forward) or of dY (the input gradient)
//   wino_output       y = act(Aᵀ M A + bias), M[ξ] = V[ξ] · U[ξ] (T, Cp)
//   wino_output_grad  dX = act'_in(Aᵀ M A), the derivative taken at x (src)
// The params are the forward-shaped layer's (the input gradient's as in inputGradAsForward). Each
// transform works on four channels a vec4; every sum has a fixed order, so runs are bit-identical.
// The weight gradient's F(3×3, 2×2) is in conv-winograd-dw.wgsl, concatenated after this file. F(4×4, 3×3):
//   Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
//   G  = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1/24 1/12 ⅙; 1/24 −1/12 ⅙; 0 0 1]
//   Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]

// Bᵀ v for a column or row v of a patch.
fn bt6(d0: vec4f, d1: vec4f, d2: vec4f, d3: vec4f, d4: vec4f, d5: vec4f) -> array<vec4f, 6> {
  return array<vec4f, 6>(
    4.0 * d0 - 5.0 * d2 + d4,
    d3 + d4 - 4.0 * (d1 + d2),
    d4 - d3 + 4.0 * (d1 - d2),
    d4 - d2 + 2.0 * (d3 - d1),
    d4 - d2 + 2.0 * (d1 - d3),
    4.0 * d1 - 5.0 * d3 + d5,
  );
}

// G v for a column or row v of a kernel.
fn g6(v0: vec4f, v1: vec4f, v2: vec4f) -> array<vec4f, 6> {
  let even = v0 + v2;
  return array<vec4f, 6>(
    0.25 * v0,
    -(even + v1) / 6.0,
    (v1 - even) / 6.0,
    v0 / 24.0 + v1 / 12.0 + v2 / 6.0,
    v0 / 24.0 - v1 / 12.0 + v2 / 6.0,
    v2,
  );
}

// Aᵀ v for a column or row v of a transformed tile.
fn at6(m0: vec4f, m1: vec4f, m2: vec4f, m3: vec4f, m4: vec4f, m5: vec4f) -> array<vec4f, 4> {
  let p12 = m1 + m2;
  let d12 = m1 - m2;
  let p34 = m3 + m4;
  let d34 = m3 - m4;
  return array<vec4f, 4>(m0 + p12 + p34, d12 + 2.0 * d34, p12 + 4.0 * p34, d12 + 8.0 * d34 + m5);
}

// G g Gᵀ of a 3×3 kernel g (row-major, four kernels a vec4), stored at U[ξ] row r, column quad q.
fn store_weight(g: array<vec4f, 9>, r: u32, q: u32) {
  var t: array<vec4f, 18>; // G g: 6 rows × 3 columns
  for (var c = 0u; c < 3u; c++) {
    let col = g6(g[c], g[3u + c], g[6u + c]);
    for (var i = 0u; i < 6u; i++) { t[3u * i + c] = col[i]; }
  }
  for (var i = 0u; i < 6u; i++) {
    let row = g6(t[3u * i], t[3u * i + 1u], t[3u * i + 2u]);
    for (var j = 0u; j < 6u; j++) { wu[(6u * i + j) * params.slice_u + r * params.c4 + q] = row[j]; }
  }
}

// One invocation per (input channel r < pad4(Cin), output quad q): g = w[4q..4q+3, r, ·, ·], zeros past Cin.
@compute @workgroup_size(WorkgroupSize)
fn wino_weight(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  if (i >= 4u * params.cin4 * params.c4) { return; }
  let q = i % params.c4;
  let r = i / params.c4;
  var g: array<vec4f, 9>;
  if (r < params.in_c) {
    for (var t = 0u; t < 9u; t++) { g[t] = w[(r * 9u + t) * params.c4 + q]; }
  }
  store_weight(g, r, q);
}

// One invocation per (row r < pad4(Cin) of the transposed layer = the layer's output channel o, column quad
// q = the layer's input channels 4q..4q+3): g[ky, kx] = w[o, 4q + l, 2 − ky, 2 − kx], zeros past either
// count. The layer's weight rows are cin4 vec4s wide here (the transposed layer's cin4 is the layer's c4).
@compute @workgroup_size(WorkgroupSize)
fn wino_weight_flip(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  if (i >= 4u * params.cin4 * params.c4) { return; }
  let q = i % params.c4;
  let r = i / params.c4;
  var g: array<vec4f, 9>;
  if (r < params.in_c) {
    for (var l = 0u; l < 4u; l++) {
      let c = 4u * q + l;
      if (c < params.out_c) {
        for (var t = 0u; t < 9u; t++) { g[t][l] = w[(c * 9u + 8u - t) * params.cin4 + r / 4u][r % 4u]; }
      }
    }
  }
  store_weight(g, r, q);
}

// The tile and channel quad of an invocation of the input transform, and where its patch starts. Built
// as values (no function-scope variables, no indexing by a runtime value: SwiftShader keeps those in
// memory), as is everything the input and output transforms compute.
struct InputTile {
  t: u32,    // tile index over the batch: (b·tiles_h + ty)·tiles_w + tx
  j: u32,    // channel quad
  base: i32, // example b's channel 4j plane in src
  y0: i32,   // the patch's first row and column (−1 at the top and left: padding)
  x0: i32,
  n: u32,    // channels of the quad below Cin
}

// `size`: the output tile's side (4, or 2 for the weight gradient's dY tiles).
fn input_tile(i: u32, size: u32) -> InputTile {
  let per = params.tiles_h * params.tiles_w;
  let j = i % params.cin4;
  let t = i / params.cin4;
  let tt = t % per;
  let base = (t / per) * params.src_stride + 4u * j * params.in_h * params.in_w;
  let y0 = i32(size * (tt / params.tiles_w)) - i32(params.padding);
  let x0 = i32(size * (tt % params.tiles_w)) - i32(params.padding);
  return InputTile(t, j, i32(base), y0, x0, min(4u, params.in_c - 4u * j));
}

// The quad's four channels at patch column c of the row starting at `row` (`rin`: the row lies inside).
fn tap4(it: InputTile, row: i32, rin: bool, c: i32) -> vec4f {
  let x = it.x0 + c;
  let inside = rin && x >= 0 && x < i32(params.in_w);
  let i = row + x;
  let plane = i32(params.in_h * params.in_w);
  return vec4f(x_at(i, inside), x_at(i + plane, inside && it.n > 1u), x_at(i + 2 * plane, inside && it.n > 2u), x_at(i + 3 * plane, inside && it.n > 3u));
}

// Row r of the patch times B: Bᵀ applied along the row.
fn patch_row(it: InputTile, r: i32) -> array<vec4f, 6> {
  let y = it.y0 + r;
  let rin = y >= 0 && y < i32(params.in_h);
  let row = it.base + y * i32(params.in_w);
  return bt6(tap4(it, row, rin, 0), tap4(it, row, rin, 1), tap4(it, row, rin, 2), tap4(it, row, rin, 3), tap4(it, row, rin, 4), tap4(it, row, rin, 5));
}

// Column s of Bᵀ d B: V[6r + s] for r = 0..5, at row t, column quad j.
fn store_input_col(s: u32, v: array<vec4f, 6>, t: u32, j: u32) {
  let at = s * params.slice_v + t * params.cin4 + j;
  let row = 6u * params.slice_v;
  wv[at] = v[0];
  wv[at + row] = v[1];
  wv[at + 2u * row] = v[2];
  wv[at + 3u * row] = v[3];
  wv[at + 4u * row] = v[4];
  wv[at + 5u * row] = v[5];
}

// One invocation per (tile, input quad): V = Bᵀ d B of the patch of src — x for the forward, dY for the
// input gradient (bound as src there; the params' src_stride is then dY's).
@compute @workgroup_size(WorkgroupSize)
fn wino_input(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  if (i >= params.rows * params.tiles_h * params.tiles_w * params.cin4) { return; }
  let it = input_tile(i, 4u);
  let r0 = patch_row(it, 0);
  let r1 = patch_row(it, 1);
  let r2 = patch_row(it, 2);
  let r3 = patch_row(it, 3);
  let r4 = patch_row(it, 4);
  let r5 = patch_row(it, 5);
  store_input_col(0u, bt6(r0[0], r1[0], r2[0], r3[0], r4[0], r5[0]), it.t, it.j);
  store_input_col(1u, bt6(r0[1], r1[1], r2[1], r3[1], r4[1], r5[1]), it.t, it.j);
  store_input_col(2u, bt6(r0[2], r1[2], r2[2], r3[2], r4[2], r5[2]), it.t, it.j);
  store_input_col(3u, bt6(r0[3], r1[3], r2[3], r3[3], r4[3], r5[3]), it.t, it.j);
  store_input_col(4u, bt6(r0[4], r1[4], r2[4], r3[4], r4[4], r5[4]), it.t, it.j);
  store_input_col(5u, bt6(r0[5], r1[5], r2[5], r3[5], r4[5], r5[5]), it.t, it.j);
}

// Row r of M (at = tile t's quad q in a slice) times A: Aᵀ applied along the row.
fn m_row(at: u32, r: u32) -> array<vec4f, 4> {
  let e = 6u * r * params.slice_m + at;
  let s = params.slice_m;
  return at6(wm[e], wm[e + s], wm[e + 2u * s], wm[e + 3u * s], wm[e + 4u * s], wm[e + 5u * s]);
}

// Where an invocation of the output transform writes: its tile's first output in channel 4q, and how
// much of the 4×4 tile lies inside the plane.
struct OutputTile {
  at: u32,
  plane: u32,
  n: u32,    // channels of the quad below Cout
  rows: u32, // outputs of the tile inside the plane: rows × cols
  cols: u32,
  pad: bool, // whether this invocation zeroes example b's row padding
  b: u32,
  m: u32,    // the tile's quad in a slice of M
}

fn output_tile(i: u32) -> OutputTile {
  let per = params.tiles_h * params.tiles_w;
  let q = i % params.c4;
  let t = i / params.c4;
  let b = t / per;
  let tt = t % per;
  let oy = 4u * (tt / params.tiles_w);
  let ox = 4u * (tt % params.tiles_w);
  let plane = params.out_h * params.out_w;
  return OutputTile(
    b * params.dst_stride + 4u * q * plane + oy * params.out_w + ox, plane, min(4u, params.out_c - 4u * q),
    min(4u, params.out_h - oy), min(4u, params.out_w - ox), q == 0u && tt == 0u, b, t * params.c4 + q,
  );
}

// Row i of the tile (columns c0..c3 given): y = act(v + bias), the columns inside the plane.
fn store_forward_row(o: OutputTile, i: u32, c0: vec4f, c1: vec4f, c2: vec4f, c3: vec4f, bq: vec4f) {
  if (i >= o.rows) { return; }
  let at = o.at + i * params.out_w;
  store_forward(at, o.plane, o.n, c0 + bq);
  if (o.cols > 1u) { store_forward(at + 1u, o.plane, o.n, c1 + bq); }
  if (o.cols > 2u) { store_forward(at + 2u, o.plane, o.n, c2 + bq); }
  if (o.cols > 3u) { store_forward(at + 3u, o.plane, o.n, c3 + bq); }
}

// Row i of the tile: dX = act'_in(v), the columns inside the plane.
fn store_grad_row(o: OutputTile, i: u32, c0: vec4f, c1: vec4f, c2: vec4f, c3: vec4f) {
  if (i >= o.rows) { return; }
  let at = o.at + i * params.out_w;
  store_input_grad(at, o.plane, o.n, c0);
  if (o.cols > 1u) { store_input_grad(at + 1u, o.plane, o.n, c1); }
  if (o.cols > 2u) { store_input_grad(at + 2u, o.plane, o.n, c2); }
  if (o.cols > 3u) { store_input_grad(at + 3u, o.plane, o.n, c3); }
}

// One invocation per (tile, output quad q): y = act(Aᵀ M A + bias).
@compute @workgroup_size(WorkgroupSize)
fn wino_output(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  if (i >= params.rows * params.tiles_h * params.tiles_w * params.c4) { return; }
  let o = output_tile(i);
  let r0 = m_row(o.m, 0u);
  let r1 = m_row(o.m, 1u);
  let r2 = m_row(o.m, 2u);
  let r3 = m_row(o.m, 3u);
  let r4 = m_row(o.m, 4u);
  let r5 = m_row(o.m, 5u);
  let c0 = at6(r0[0], r1[0], r2[0], r3[0], r4[0], r5[0]);
  let c1 = at6(r0[1], r1[1], r2[1], r3[1], r4[1], r5[1]);
  let c2 = at6(r0[2], r1[2], r2[2], r3[2], r4[2], r5[2]);
  let c3 = at6(r0[3], r1[3], r2[3], r3[3], r4[3], r5[3]);
  let bq = bias[i % params.c4];
  store_forward_row(o, 0u, c0[0], c1[0], c2[0], c3[0], bq);
  store_forward_row(o, 1u, c0[1], c1[1], c2[1], c3[1], bq);
  store_forward_row(o, 2u, c0[2], c1[2], c2[2], c3[2], bq);
  store_forward_row(o, 3u, c0[3], c1[3], c2[3], c3[3], bq);
  if (o.pad) { zero_forward_padding(o.b); }
}

// One invocation per (tile, quad q of the layer's input channels): dX = act'_in(Aᵀ M A).
@compute @workgroup_size(WorkgroupSize)
fn wino_output_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  if (i >= params.rows * params.tiles_h * params.tiles_w * params.c4) { return; }
  let o = output_tile(i);
  let r0 = m_row(o.m, 0u);
  let r1 = m_row(o.m, 1u);
  let r2 = m_row(o.m, 2u);
  let r3 = m_row(o.m, 3u);
  let r4 = m_row(o.m, 4u);
  let r5 = m_row(o.m, 5u);
  let c0 = at6(r0[0], r1[0], r2[0], r3[0], r4[0], r5[0]);
  let c1 = at6(r0[1], r1[1], r2[1], r3[1], r4[1], r5[1]);
  let c2 = at6(r0[2], r1[2], r2[2], r3[2], r4[2], r5[2]);
  let c3 = at6(r0[3], r1[3], r2[3], r3[3], r4[3], r5[3]);
  store_grad_row(o, 0u, c0[0], c1[0], c2[0], c3[0]);
  store_grad_row(o, 1u, c0[1], c1[1], c2[1], c3[1]);
  store_grad_row(o, 2u, c0[2], c1[2], c2[2], c3[2]);
  store_grad_row(o, 3u, c0[3], c1[3], c2[3], c3[3]);
  if (o.pad) { zero_forward_padding(o.b); }
}
