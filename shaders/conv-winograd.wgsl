// Winograd F(2×2, 3×3) for 3×3 stride-1 convs padded by 1 (src/gpu/conv-winograd.ts): each 2×2 output
// tile is Y = Aᵀ [Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B)] A, d_c the 4×4 input patch of channel c under the tile and
// g_c its 3×3 kernel. The sum over c at each of the 16 positions ξ = 4r + s of the transformed tile is a
// GEMM (T tiles × Cin) · (Cin × Cout), run by the matmul kernels between these passes:
//   wino_weight       U[ξ] (pad4(Cin), Cp) = G g Gᵀ of the forward's weight
//   wino_weight_flip  the same of the input gradient's: the weight transposed and flipped (flip_weight)
//   wino_input        V[ξ] (T, pad4(Cin)) = Bᵀ d B of x (the forward) or of dY (the input gradient)
//   wino_output       y = act(Aᵀ M A + bias), M[ξ] = V[ξ] · U[ξ] (T, Cp)
//   wino_output_grad  dX = act'_in(Aᵀ M A), the derivative taken at x (src)
// The params are the forward-shaped layer's (the input gradient's as in inputGradAsForward). Each
// transform works on four channels a vec4; every sum has a fixed order, so runs are bit-identical.
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]   Aᵀ = [1 1 1 0; 0 1 −1 −1]

// Bᵀ v for a column or row v of a patch.
fn bt4(v0: vec4f, v1: vec4f, v2: vec4f, v3: vec4f) -> array<vec4f, 4> {
  return array<vec4f, 4>(v0 - v2, v1 + v2, v2 - v1, v1 - v3);
}

// G v for a column or row v of a kernel.
fn g3(v0: vec4f, v1: vec4f, v2: vec4f) -> array<vec4f, 4> {
  return array<vec4f, 4>(v0, 0.5 * (v0 + v1 + v2), 0.5 * (v0 - v1 + v2), v2);
}

// Aᵀ v for a column or row v of a transformed tile.
fn at4(v0: vec4f, v1: vec4f, v2: vec4f, v3: vec4f) -> array<vec4f, 2> {
  return array<vec4f, 2>(v0 + v1 + v2, v1 - v2 - v3);
}

// G g Gᵀ of a 3×3 kernel g (row-major, four kernels a vec4), stored at U[ξ] row r, column quad q.
fn store_weight(g: array<vec4f, 9>, r: u32, q: u32) {
  var t: array<vec4f, 12>; // G g: 4 rows × 3 columns
  for (var c = 0u; c < 3u; c++) {
    let col = g3(g[c], g[3u + c], g[6u + c]);
    for (var i = 0u; i < 4u; i++) { t[3u * i + c] = col[i]; }
  }
  for (var i = 0u; i < 4u; i++) {
    let row = g3(t[3u * i], t[3u * i + 1u], t[3u * i + 2u]);
    for (var j = 0u; j < 4u; j++) { wu[(4u * i + j) * params.slice_u + r * params.c4 + q] = row[j]; }
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
// memory), as is everything the transforms compute.
struct InputTile {
  t: u32,    // tile index over the batch: (b·tiles_h + ty)·tiles_w + tx
  j: u32,    // channel quad
  base: i32, // example b's channel 4j plane in src
  y0: i32,   // the patch's first row and column (−1 at the top and left: padding)
  x0: i32,
  n: u32,    // channels of the quad below Cin
}

fn input_tile(i: u32) -> InputTile {
  let per = params.tiles_h * params.tiles_w;
  let j = i % params.cin4;
  let t = i / params.cin4;
  let tt = t % per;
  let base = (t / per) * params.src_stride + 4u * j * params.in_h * params.in_w;
  let y0 = i32(2u * (tt / params.tiles_w)) - i32(params.padding);
  let x0 = i32(2u * (tt % params.tiles_w)) - i32(params.padding);
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
fn patch_row(it: InputTile, r: i32) -> array<vec4f, 4> {
  let y = it.y0 + r;
  let rin = y >= 0 && y < i32(params.in_h);
  let row = it.base + y * i32(params.in_w);
  return bt4(tap4(it, row, rin, 0), tap4(it, row, rin, 1), tap4(it, row, rin, 2), tap4(it, row, rin, 3));
}

// Column s of Bᵀ d B: V[4r + s] for r = 0..3, at row t, column quad j.
fn store_input_col(s: u32, v: array<vec4f, 4>, t: u32, j: u32) {
  let at = t * params.cin4 + j;
  wv[s * params.slice_v + at] = v[0];
  wv[(4u + s) * params.slice_v + at] = v[1];
  wv[(8u + s) * params.slice_v + at] = v[2];
  wv[(12u + s) * params.slice_v + at] = v[3];
}

// One invocation per (tile, input quad): V = Bᵀ d B of the patch of src — x for the forward, dY for the
// input gradient (bound as src there; the params' src_stride is then dY's).
@compute @workgroup_size(WorkgroupSize)
fn wino_input(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  if (i >= params.rows * params.tiles_h * params.tiles_w * params.cin4) { return; }
  let it = input_tile(i);
  let r0 = patch_row(it, 0);
  let r1 = patch_row(it, 1);
  let r2 = patch_row(it, 2);
  let r3 = patch_row(it, 3);
  store_input_col(0u, bt4(r0[0], r1[0], r2[0], r3[0]), it.t, it.j);
  store_input_col(1u, bt4(r0[1], r1[1], r2[1], r3[1]), it.t, it.j);
  store_input_col(2u, bt4(r0[2], r1[2], r2[2], r3[2]), it.t, it.j);
  store_input_col(3u, bt4(r0[3], r1[3], r2[3], r3[3]), it.t, it.j);
}

// Row r of M (tile t, quad q) times A: Aᵀ applied along the row.
fn m_row(at: u32, r: u32) -> array<vec4f, 2> {
  let e = 4u * r * params.slice_m + at;
  return at4(wm[e], wm[e + params.slice_m], wm[e + 2u * params.slice_m], wm[e + 3u * params.slice_m]);
}

// The output tile of an invocation of the output transform: Y = Aᵀ M A (four channels a vec4) and where it goes.
struct OutputTile {
  y00: vec4f,
  y01: vec4f,
  y10: vec4f,
  y11: vec4f,
  at: u32,    // dst index of the tile's first output in channel 4q
  plane: u32,
  n: u32,     // channels of the quad below Cout
  down: bool, // whether the tile's second row and column lie inside the plane
  right: bool,
  pad: bool,  // whether this invocation zeroes example b's row padding
  b: u32,
}

fn output_tile(i: u32) -> OutputTile {
  let per = params.tiles_h * params.tiles_w;
  let q = i % params.c4;
  let t = i / params.c4;
  let b = t / per;
  let tt = t % per;
  let oy = 2u * (tt / params.tiles_w);
  let ox = 2u * (tt % params.tiles_w);
  let at = t * params.c4 + q;
  let r0 = m_row(at, 0u);
  let r1 = m_row(at, 1u);
  let r2 = m_row(at, 2u);
  let r3 = m_row(at, 3u);
  let c0 = at4(r0[0], r1[0], r2[0], r3[0]);
  let c1 = at4(r0[1], r1[1], r2[1], r3[1]);
  let plane = params.out_h * params.out_w;
  return OutputTile(
    c0[0], c1[0], c0[1], c1[1], b * params.dst_stride + 4u * q * plane + oy * params.out_w + ox, plane,
    min(4u, params.out_c - 4u * q), oy + 1u < params.out_h, ox + 1u < params.out_w, q == 0u && tt == 0u, b,
  );
}

// One invocation per (tile, output quad q): y = act(Aᵀ M A + bias).
@compute @workgroup_size(WorkgroupSize)
fn wino_output(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  if (i >= params.rows * params.tiles_h * params.tiles_w * params.c4) { return; }
  let o = output_tile(i);
  let bq = bias[i % params.c4];
  store_forward(o.at, o.plane, o.n, o.y00 + bq);
  if (o.right) { store_forward(o.at + 1u, o.plane, o.n, o.y01 + bq); }
  if (o.down) {
    store_forward(o.at + params.out_w, o.plane, o.n, o.y10 + bq);
    if (o.right) { store_forward(o.at + params.out_w + 1u, o.plane, o.n, o.y11 + bq); }
  }
  if (o.pad) { zero_forward_padding(o.b); }
}

// One invocation per (tile, quad q of the layer's input channels): dX = act'_in(Aᵀ M A).
@compute @workgroup_size(WorkgroupSize)
fn wino_output_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  if (i >= params.rows * params.tiles_h * params.tiles_w * params.c4) { return; }
  let o = output_tile(i);
  store_input_grad(o.at, o.plane, o.n, o.y00);
  if (o.right) { store_input_grad(o.at + 1u, o.plane, o.n, o.y01); }
  if (o.down) {
    store_input_grad(o.at + params.out_w, o.plane, o.n, o.y10);
    if (o.right) { store_input_grad(o.at + params.out_w + 1u, o.plane, o.n, o.y11); }
  }
  if (o.pad) { zero_forward_padding(o.b); }
}
