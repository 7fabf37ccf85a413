// Conv2d gradients. dY (before this layer's activation) is made pixel-major once; the weight gradient is a
// split-K reduction over output rows (partials per chunk, then a fixed-order sum: no atomics); the input
// gradient is the register-blocked matmul dcol = dYp · Wᵀ (nt, src/gpu/matmul.ts) followed by col2im.
//   to_pixels:           dY (NCHW) → dYp (B·P, Cp): pixel-major, four channels a vec4, zeros past Cout
//   weight_grad_partial: partial[t, kk, o] = Σ_{(b, i) rows of chunk t} Σ_j xcol · dYp   (row kk = K: the bias),
//                        five taps × eight channels an invocation
//   weight_grad_reduce:  dW[kk] = Σ_t partial[t, kk] (fixed order); db = Σ_t partial[t, K]
//   col_to_input:        dX[b, c, y, x] = act'_in(Σ over the outputs covering (y, x) of dcol[b, oy, ox, kk])

// One invocation per (b·P + p, channel quad q).
@compute @workgroup_size(WorkgroupSize)
fn to_pixels(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  let P = params.out_h * params.out_w;
  if (t >= params.rows * P * params.c4) { return; }
  let q = t % params.c4;
  let e = t / params.c4;
  let b = e / P;
  let p = e % P;
  var v = vec4f(0.0);
  for (var l = 0u; l < 4u; l++) {
    let o = 4u * q + l;
    if (o < params.out_c) { v[l] = src[b * params.dst_stride + o * P + p]; }
  }
  dyp[t] = v;
}

// Σ over one run of output pixels of x-taps × dYp for two channel quads (qa, qb): five weight rows
// (taps kx0..kx0+4 of one kernel row) share each loaded input, each dYp load feeds five products.
struct TapSums {
  a0: vec4f, a1: vec4f, a2: vec4f, a3: vec4f, a4: vec4f,
  b0: vec4f, b1: vec4f, b2: vec4f, b3: vec4f, b4: vec4f,
}

// One invocation per (chunk, slot, channel-quad pair), pairs fastest. A slot is (c, ky, 5-tap group of
// kx); the last slot is the bias row. A chunk is a run of (b, output row) pairs; along a row the taps'
// inputs slide (stride 1: one new load per output pixel).
@compute @workgroup_size(WorkgroupSize)
fn weight_grad_partial(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  let k = params.kernel;
  let taps = (k + 4u) / 5u;
  let pairs = (params.c4 + 1u) / 2u;
  let slots = params.in_c * k * taps + 1u;
  if (t >= params.chunks * slots * pairs) { return; }
  let qa = 2u * (t % pairs);
  let qb = min(qa + 1u, params.c4 - 1u);
  let has_b = qa + 1u < params.c4;
  let slot = (t / pairs) % slots;
  let chunk = t / (pairs * slots);
  let kk_count = params.in_c * k * k;
  let P = params.out_h * params.out_w;
  let first = chunk * params.chunk_rows;
  let last = min(params.rows * params.out_h, first + params.chunk_rows);
  let base = chunk * (kk_count + 1u) * params.c4;
  if (slot == slots - 1u) {
    var sa = vec4f(0.0);
    var sb = vec4f(0.0);
    for (var r = first; r < last; r++) {
      let e0 = (r / params.out_h) * P + (r % params.out_h) * params.out_w;
      for (var ox = 0u; ox < params.out_w; ox++) {
        sa += dyp[(e0 + ox) * params.c4 + qa];
        sb += dyp[(e0 + ox) * params.c4 + qb];
      }
    }
    partials[base + kk_count * params.c4 + qa] = sa;
    if (has_b) { partials[base + kk_count * params.c4 + qb] = sb; }
    return;
  }
  let c = slot / (k * taps);
  let ky = (slot / taps) % k;
  let kx0 = 5u * (slot % taps);
  let s = params.stride;
  var d: TapSums;
  for (var r = first; r < last; r++) {
    let b = r / params.out_h;
    let oy = r % params.out_h;
    let iy = i32(oy * s + ky) - i32(params.padding);
    if (iy < 0 || iy >= i32(params.in_h)) { continue; }
    let row = b * params.src_stride + (c * params.in_h + u32(iy)) * params.in_w;
    let e0 = (b * P + oy * params.out_w) * params.c4;
    let ix0 = i32(kx0) - i32(params.padding);
    var x0 = src_at(row, ix0);
    var x1 = src_at(row, ix0 + 1);
    var x2 = src_at(row, ix0 + 2);
    var x3 = src_at(row, ix0 + 3);
    var x4 = src_at(row, ix0 + 4);
    for (var ox = 0u; ox < params.out_w; ox++) {
      let ga = dyp[e0 + ox * params.c4 + qa];
      let gb = dyp[e0 + ox * params.c4 + qb];
      d.a0 += x0 * ga; d.a1 += x1 * ga; d.a2 += x2 * ga; d.a3 += x3 * ga; d.a4 += x4 * ga;
      d.b0 += x0 * gb; d.b1 += x1 * gb; d.b2 += x2 * gb; d.b3 += x3 * gb; d.b4 += x4 * gb;
      let next = ix0 + i32((ox + 1u) * s);
      if (s == 1u) {
        x0 = x1; x1 = x2; x2 = x3; x3 = x4;
        x4 = src_at(row, next + 4);
      } else {
        x0 = src_at(row, next);
        x1 = src_at(row, next + 1);
        x2 = src_at(row, next + 2);
        x3 = src_at(row, next + 3);
        x4 = src_at(row, next + 4);
      }
    }
  }
  let kk = (c * k + ky) * k + kx0;
  store_taps(base + kk * params.c4, qa, qb, has_b, min(5u, k - kx0), d);
}

// partials rows kk..kk+n−1 (n ≤ 5 taps) for quads qa and (has_b) qb.
fn store_taps(at: u32, qa: u32, qb: u32, has_b: bool, n: u32, d: TapSums) {
  let c4 = params.c4;
  partials[at + qa] = d.a0;
  if (n > 1u) { partials[at + c4 + qa] = d.a1; }
  if (n > 2u) { partials[at + 2u * c4 + qa] = d.a2; }
  if (n > 3u) { partials[at + 3u * c4 + qa] = d.a3; }
  if (n > 4u) { partials[at + 4u * c4 + qa] = d.a4; }
  if (!has_b) { return; }
  partials[at + qb] = d.b0;
  if (n > 1u) { partials[at + c4 + qb] = d.b1; }
  if (n > 2u) { partials[at + 2u * c4 + qb] = d.b2; }
  if (n > 3u) { partials[at + 3u * c4 + qb] = d.b3; }
  if (n > 4u) { partials[at + 4u * c4 + qb] = d.b4; }
}

// One invocation per (weight row kk ≤ Kp, channel quad q): partial sums added in chunk order.
@compute @workgroup_size(WorkgroupSize)
fn weight_grad_reduce(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= (params.k_rows + 1u) * params.c4) { return; }
  let q = t % params.c4;
  let kk = t / params.c4;
  let K = params.in_c * params.kernel * params.kernel;
  // Rows K..Kp−1 are the weight's padding; row Kp stands for the bias (partial row K).
  let src_row = select(kk, K, kk == params.k_rows);
  var acc = vec4f(0.0);
  if (kk < K || kk == params.k_rows) {
    for (var c = 0u; c < params.chunks; c++) { acc += partials[(c * (K + 1u) + src_row) * params.c4 + q]; }
  }
  if (kk == params.k_rows) { db[q] = acc; } else { dw[t] = acc; }
}

// One invocation per input element (b, j < src_stride): the columns of every output whose window covers
// it, added in (ky, kx) order (no atomics). src = x, for the producer's activation derivative.
@compute @workgroup_size(WorkgroupSize)
fn col_to_input(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.src_stride) { return; }
  let b = t / params.src_stride;
  let j = t % params.src_stride;
  let plane = params.in_h * params.in_w;
  if (j >= params.in_c * plane) {
    dst[t] = 0.0;
    return;
  }
  let c = j / plane;
  let iy = i32((j % plane) / params.in_w) + i32(params.padding);
  let ix = i32(j % params.in_w) + i32(params.padding);
  let k = params.kernel;
  let s = i32(params.stride);
  let P = params.out_h * params.out_w;
  var acc = 0.0;
  for (var ky = 0u; ky < k; ky++) {
    let ny = iy - i32(ky);
    if (ny < 0 || ny % s != 0 || ny / s >= i32(params.out_h)) { continue; }
    let e_row = b * P + u32(ny / s) * params.out_w;
    let kk_row = (c * k + ky) * k;
    for (var kx = 0u; kx < k; kx++) {
      let nx = ix - i32(kx);
      if (nx < 0 || nx % s != 0 || nx / s >= i32(params.out_w)) { continue; }
      acc += col[(e_row + u32(nx / s)) * params.k_rows + kk_row + kx];
    }
  }
  dst[t] = activation_grad(acc, src[t], InputActivation);
}
