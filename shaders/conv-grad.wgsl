// The small passes around the Conv2d gradient GEMMs of conv.wgsl (all fixed-order, no atomics):
//   to_pixels:          dY (NCHW) → dYp (B·P, Cp): pixel-major, four channels a vec4, zeros past Cout
//   transpose_weight:   W (Kp, Cp) → Wt (k²·Cp, cin4): row (t, o) = w[o, ·, t], for the input gradient,
//                       whose GEMM reduces over (tap, output channel) and yields input channels
//   flip_weight:        W (Kp, Cp) → Wf (Cout·k², cin4), the weight of the stride-1 input gradient run as
//                       a forward conv: row o·k² + (k−1−ky)·k + (k−1−kx) = w[o, ·, ky, kx]
//   weight_grad_reduce: dW[kk] = Σ_t partial[t, kk] (chunk order); db = Σ_t partial[t, K]

// One invocation per (example b, four pixels p0..p0+3, channel quad q): divisions once per 16 values.
@compute @workgroup_size(WorkgroupSize)
fn to_pixels(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  let P = params.out_h * params.out_w;
  let p4 = (P + 3u) / 4u;
  if (t >= params.rows * p4 * params.c4) { return; }
  let q = t % params.c4;
  let e = t / params.c4;
  let b = e / p4;
  let p0 = (e % p4) * 4u;
  var v0 = vec4f(0.0);
  var v1 = vec4f(0.0);
  var v2 = vec4f(0.0);
  var v3 = vec4f(0.0);
  for (var l = 0u; l < 4u; l++) {
    let o = 4u * q + l;
    if (o < params.out_c) {
      let at = b * params.dst_stride + o * P + p0;
      v0[l] = src[at];
      if (p0 + 1u < P) { v1[l] = src[at + 1u]; }
      if (p0 + 2u < P) { v2[l] = src[at + 2u]; }
      if (p0 + 3u < P) { v3[l] = src[at + 3u]; }
    }
  }
  let d = (b * P + p0) * params.c4 + q;
  dyp[d] = v0;
  if (p0 + 1u < P) { dyp[d + params.c4] = v1; }
  if (p0 + 2u < P) { dyp[d + 2u * params.c4] = v2; }
  if (p0 + 3u < P) { dyp[d + 3u * params.c4] = v3; }
}

// (w[o, 4j + l, t])_l: output channel o's weights of tap t for the input channels of quad j, zeros past Cin.
fn input_quad(o: u32, j: u32, t: u32, k2: u32) -> vec4f {
  var v = vec4f(0.0);
  for (var l = 0u; l < 4u; l++) {
    let c = 4u * j + l;
    if (c < params.in_c) { v[l] = w[(c * k2 + t) * params.c4 + o / 4u][o % 4u]; }
  }
  return v;
}

// One invocation per (tap t, output channel o < Cp, input quad j): wt[(t·Cp + o)·cin4 + j] =
// (w[o, 4j + l, t])_l, zeros past Cin (the arena's padding rows hold zeros past K already).
@compute @workgroup_size(WorkgroupSize)
fn transpose_weight(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  let k2 = params.kernel * params.kernel;
  let cp = 4u * params.c4;
  if (i >= k2 * cp * params.cin4) { return; }
  let j = i % params.cin4;
  let o = (i / params.cin4) % cp;
  let t = i / (params.cin4 * cp);
  wt[i] = input_quad(o, j, t, k2);
}

// One invocation per (output channel o, tap t' of the flipped kernel, input quad j): wt[(o·k² + t')·cin4 + j]
// = (w[o, 4j + l, k² − 1 − t'])_l — flipping both kernel axes reverses the tap index — zeros past Cin.
@compute @workgroup_size(WorkgroupSize)
fn flip_weight(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  let k2 = params.kernel * params.kernel;
  if (i >= params.out_c * k2 * params.cin4) { return; }
  let j = i % params.cin4;
  let t = k2 - 1u - (i / params.cin4) % k2;
  let o = i / (params.cin4 * k2);
  wt[i] = input_quad(o, j, t, k2);
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
