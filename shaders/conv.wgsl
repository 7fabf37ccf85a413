// Conv2d computed directly (no im2col matrix): PyTorch's cross-correlation with square kernels, stride and
// zero padding. Activations are NCHW per example with a padded row stride (zeros past C·H·W); the weight
// sits in the arena as (Kp, Cp) = (pad4(Cin·k²), pad4(Cout)), row kk = ci·k² + ky·k + kx, so one vec4
// load gives four output channels' weights.
//   conv_forward:        y[b, o, i, j] = act(bias[o] + Σ_{ci,ky,kx} w[kk, o] · x[b, ci, i·s−pad+ky, j·s−pad+kx])
//   to_pixels:           dY (NCHW) → dYp (B·P, Cp): pixel-major, four channels a vec4, zeros past Cout
//   weight_grad_partial: partial[t, kk, o] = Σ_{e in chunk t} xcol[e, kk] · dYp[e, o]   (row kk = K: xcol ≡ 1, the bias)
//   weight_grad_reduce:  dW[kk] = Σ_t partial[t, kk] (fixed order); db = Σ_t partial[t, K]
//   input_grad:          dX[b, ci, y, x] = act'_in(Σ over outputs covering (y, x) of dYp[b, oy, ox] · w[kk]) (gather form)

struct Params {
  rows: u32,      // B
  in_c: u32,      // Cin
  in_h: u32,
  in_w: u32,
  out_c: u32,     // Cout
  out_h: u32,
  out_w: u32,
  kernel: u32,    // k
  stride: u32,
  padding: u32,
  x_stride: u32,  // floats per example of x: pad4(Cin·H·W)
  y_stride: u32,  // floats per example of y: pad4(Cout·OH·OW)
  c4: u32,        // vec4s per weight row / pixel-major row: Cp / 4
  chunks: u32,    // split of the B·P reduction in weight_grad_partial
  chunk_len: u32, // positions per chunk
  k_rows: u32,    // Kp: weight rows (pad4(Cin·k²))
}

override WorkgroupSize: u32 = 64;
// The activation fused into this layer's output (common.wgsl ACT_*), and the producer's, whose
// derivative the input gradient applies.
override Activation: u32 = 0;
override InputActivation: u32 = 0;

@group(0) @binding(0) var<uniform> params: Params;
// x: (B, x_stride) the layer's input (the producer's output, after its activation)
@group(0) @binding(1) var<storage, read> x: array<f32>;
// w: (Kp, c4) vec4s; bias: (c4,) vec4s — sub-ranges of the parameter arena
@group(0) @binding(2) var<storage, read> w: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
// y: (B, y_stride) the layer's output
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
// dy: (B, y_stride) gradient w.r.t. the output before this layer's activation
@group(0) @binding(5) var<storage, read> dy: array<f32>;
// dyp: (B·P, c4) vec4s, pixel-major copy of dy
@group(0) @binding(6) var<storage, read_write> dyp: array<vec4f>;
// partials: (chunks, K + 1, c4) vec4s
@group(0) @binding(7) var<storage, read_write> partials: array<vec4f>;
// dw: (Kp, c4) vec4s; db: (c4,) vec4s — sub-ranges of the gradient arena
@group(0) @binding(8) var<storage, read_write> dw: array<vec4f>;
@group(0) @binding(9) var<storage, read_write> db: array<vec4f>;
// dx: (B, x_stride) gradient w.r.t. the layer's input, before the producer's activation
@group(0) @binding(10) var<storage, read_write> dx: array<f32>;

fn pixels() -> u32 {
  return params.out_h * params.out_w;
}

// x[b, ci, iy, ix] for a possibly out-of-range (padding) position: 0 outside the image.
fn x_at(b: u32, ci: u32, iy: i32, ix: i32) -> f32 {
  if (iy < 0 || ix < 0 || iy >= i32(params.in_h) || ix >= i32(params.in_w)) { return 0.0; }
  return x[b * params.x_stride + (ci * params.in_h + u32(iy)) * params.in_w + u32(ix)];
}

// One invocation per (b, channel quad q, pixel p), pixels fastest so neighbours read neighbouring x.
@compute @workgroup_size(WorkgroupSize)
fn conv_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  let P = pixels();
  if (t >= params.rows * params.c4 * P) { return; }
  let p = t % P;
  let q = (t / P) % params.c4;
  let b = t / (P * params.c4);
  let oy = i32(p / params.out_w) * i32(params.stride) - i32(params.padding);
  let ox = i32(p % params.out_w) * i32(params.stride) - i32(params.padding);
  let k = params.kernel;
  var acc = bias[q];
  for (var ci = 0u; ci < params.in_c; ci++) {
    for (var ky = 0u; ky < k; ky++) {
      let row = (ci * k + ky) * k;
      for (var kx = 0u; kx < k; kx++) {
        acc += x_at(b, ci, oy + i32(ky), ox + i32(kx)) * w[(row + kx) * params.c4 + q];
      }
    }
  }
  let base = b * params.y_stride + p;
  for (var l = 0u; l < 4u; l++) {
    let o = 4u * q + l;
    if (o < params.out_c) { y[base + o * P] = activate(acc[l], Activation); }
  }
  // The row's padding past Cout·P stays zero.
  let used = params.out_c * P;
  if (q == 0u && used + p < params.y_stride) { y[b * params.y_stride + used + p] = 0.0; }
}

// One invocation per (b·P + p, channel quad q).
@compute @workgroup_size(WorkgroupSize)
fn to_pixels(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  let P = pixels();
  if (t >= params.rows * P * params.c4) { return; }
  let q = t % params.c4;
  let e = t / params.c4;
  let b = e / P;
  let p = e % P;
  var v = vec4f(0.0);
  for (var l = 0u; l < 4u; l++) {
    let o = 4u * q + l;
    if (o < params.out_c) { v[l] = dy[b * params.y_stride + o * P + p]; }
  }
  dyp[t] = v;
}

// One invocation per (chunk, weight row kk ≤ K, channel quad q), q fastest; kk = K is the bias row.
@compute @workgroup_size(WorkgroupSize)
fn weight_grad_partial(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  let k = params.kernel;
  let kk_count = params.in_c * k * k + 1u;
  if (t >= params.chunks * kk_count * params.c4) { return; }
  let q = t % params.c4;
  let kk = (t / params.c4) % kk_count;
  let chunk = t / (params.c4 * kk_count);
  let is_bias = kk == kk_count - 1u;
  let ci = kk / (k * k);
  let ky = i32((kk / k) % k) - i32(params.padding);
  let kx = i32(kk % k) - i32(params.padding);
  let P = pixels();
  let total = params.rows * P;
  let start = chunk * params.chunk_len;
  let end = min(total, start + params.chunk_len);
  var acc = vec4f(0.0);
  var b = start / P;
  var p = start % P;
  for (var e = start; e < end; e++) {
    var xv = 1.0;
    if (!is_bias) {
      let oy = i32(p / params.out_w) * i32(params.stride);
      let ox = i32(p % params.out_w) * i32(params.stride);
      xv = x_at(b, ci, oy + ky, ox + kx);
    }
    acc += xv * dyp[e * params.c4 + q];
    p++;
    if (p == P) { p = 0u; b++; }
  }
  partials[t] = acc;
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
  let src = select(kk, K, kk == params.k_rows);
  var acc = vec4f(0.0);
  if (kk < K || kk == params.k_rows) {
    for (var c = 0u; c < params.chunks; c++) { acc += partials[(c * (K + 1u) + src) * params.c4 + q]; }
  }
  if (kk == params.k_rows) { db[q] = acc; } else { dw[t] = acc; }
}

// One invocation per input element (b, j < x_stride).
@compute @workgroup_size(WorkgroupSize)
fn input_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.x_stride) { return; }
  let b = t / params.x_stride;
  let j = t % params.x_stride;
  let plane = params.in_h * params.in_w;
  if (j >= params.in_c * plane) {
    dx[t] = 0.0;
    return;
  }
  let ci = j / plane;
  let iy = i32((j % plane) / params.in_w) + i32(params.padding);
  let ix = i32(j % params.in_w) + i32(params.padding);
  let k = params.kernel;
  let s = i32(params.stride);
  let P = pixels();
  var acc = vec4f(0.0);
  for (var ky = 0u; ky < k; ky++) {
    let ny = iy - i32(ky);
    if (ny < 0 || ny % s != 0 || ny / s >= i32(params.out_h)) { continue; }
    for (var kx = 0u; kx < k; kx++) {
      let nx = ix - i32(kx);
      if (nx < 0 || nx % s != 0 || nx / s >= i32(params.out_w)) { continue; }
      let e = b * P + u32(ny / s) * params.out_w + u32(nx / s);
      let row = ((ci * k + ky) * k + kx) * params.c4;
      for (var q = 0u; q < params.c4; q++) { acc += dyp[e * params.c4 + q] * w[row + q]; }
    }
  }
  dx[t] = activation_grad(acc.x + acc.y + acc.z + acc.w, x[t], InputActivation);
}
