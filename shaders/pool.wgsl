// MaxPool2d and AvgPool2d (no padding, floor mode) over NCHW activations with padded row strides.
// Max pooling records each window's first maximum (row-major; PyTorch's tie rule) and its backward
// routes the gradient there; both backwards gather per input element, so no atomics are needed.
//   max_forward / avg_forward:   y[b, c, i, j] = max / mean of x over the k×k window at (i·s, j·s)
//   max_backward / avg_backward: dX[b, c, y, x] = act'_in(Σ over windows covering (y, x) of dY (max: where
//                                argmax = (y, x); avg: dY / k²))

struct Params {
  rows: u32,     // B
  channels: u32, // C
  in_h: u32,
  in_w: u32,
  out_h: u32,
  out_w: u32,
  kernel: u32,
  stride: u32,
  x_stride: u32, // floats per example of x: pad4(C·H·W)
  y_stride: u32, // floats per example of y: pad4(C·OH·OW)
}

override WorkgroupSize: u32 = 64;
// The producer's activation (common.wgsl ACT_*), whose derivative the backward applies.
override InputActivation: u32 = 0;

@group(0) @binding(0) var<uniform> params: Params;
// x: (B, x_stride) the pooling's input (the producer's output)
@group(0) @binding(1) var<storage, read> x: array<f32>;
// y: (B, y_stride) the pooled output
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
// argmax: (B, y_stride) the window's first maximum, as iy·W + ix within its channel (max pooling)
@group(0) @binding(3) var<storage, read_write> argmax: array<u32>;
// dy: (B, y_stride) gradient w.r.t. the output
@group(0) @binding(4) var<storage, read> dy: array<f32>;
// dx: (B, x_stride) gradient w.r.t. the input, before the producer's activation
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;

// The output element of invocation t: (b, c, i, j) as (b, c, i·s·W + j·s), or none (padding) as in_plane = ~0.
fn out_site(t: u32) -> vec3u {
  let b = t / params.y_stride;
  let o = t % params.y_stride;
  let per = params.out_h * params.out_w;
  if (o >= params.channels * per) { return vec3u(b, 0u, 0xffffffffu); }
  let r = o % per;
  let corner = (r / params.out_w) * params.stride * params.in_w + (r % params.out_w) * params.stride;
  return vec3u(b, o / per, corner);
}

@compute @workgroup_size(WorkgroupSize)
fn max_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.y_stride) { return; }
  let site = out_site(t);
  if (site.z == 0xffffffffu) {
    y[t] = 0.0;
    return;
  }
  let base = site.x * params.x_stride + site.y * params.in_h * params.in_w;
  var best = x[base + site.z];
  var at = site.z;
  for (var p = 0u; p < params.kernel; p++) {
    for (var q = 0u; q < params.kernel; q++) {
      let idx = site.z + p * params.in_w + q;
      let v = x[base + idx];
      if (v > best) {
        best = v;
        at = idx;
      }
    }
  }
  y[t] = best;
  argmax[t] = at;
}

@compute @workgroup_size(WorkgroupSize)
fn avg_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.y_stride) { return; }
  let site = out_site(t);
  if (site.z == 0xffffffffu) {
    y[t] = 0.0;
    return;
  }
  let base = site.x * params.x_stride + site.y * params.in_h * params.in_w + site.z;
  var sum = 0.0;
  for (var p = 0u; p < params.kernel; p++) {
    for (var q = 0u; q < params.kernel; q++) { sum += x[base + p * params.in_w + q]; }
  }
  y[t] = sum / f32(params.kernel * params.kernel);
}

// Sum of the output gradient over the windows covering input element t; `use_argmax` selects max pooling.
fn gather_grad(t: u32, use_argmax: bool) -> f32 {
  let b = t / params.x_stride;
  let j = t % params.x_stride;
  let plane = params.in_h * params.in_w;
  let c = j / plane;
  let at = j % plane;
  let iy = i32(at / params.in_w);
  let ix = i32(at % params.in_w);
  let k = i32(params.kernel);
  let s = i32(params.stride);
  // Windows i with i·s ≤ iy < i·s + k: i from ⌈(iy − k + 1)/s⌉ (≥ 0) to ⌊iy/s⌋ (< OH).
  let y_lo = max(0, (iy - k + s) / s);
  let y_hi = min(i32(params.out_h) - 1, iy / s);
  let x_lo = max(0, (ix - k + s) / s);
  let x_hi = min(i32(params.out_w) - 1, ix / s);
  let out_base = b * params.y_stride + c * params.out_h * params.out_w;
  if (k == s) {
    // Windows tile the input: at most one covers (iy, ix).
    if (iy / s >= i32(params.out_h) || ix / s >= i32(params.out_w)) { return 0.0; }
    let o = out_base + u32(iy / s) * params.out_w + u32(ix / s);
    return select(0.0, dy[o], !use_argmax || argmax[o] == at);
  }
  var acc = 0.0;
  for (var oy = y_lo; oy <= y_hi; oy++) {
    for (var ox = x_lo; ox <= x_hi; ox++) {
      let o = out_base + u32(oy) * params.out_w + u32(ox);
      if (!use_argmax || argmax[o] == at) { acc += dy[o]; }
    }
  }
  return acc;
}

@compute @workgroup_size(WorkgroupSize)
fn max_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.x_stride) { return; }
  if (t % params.x_stride >= params.channels * params.in_h * params.in_w) {
    dx[t] = 0.0;
    return;
  }
  dx[t] = activation_grad(gather_grad(t, true), x[t], InputActivation);
}

@compute @workgroup_size(WorkgroupSize)
fn avg_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.x_stride) { return; }
  if (t % params.x_stride >= params.channels * params.in_h * params.in_w) {
    dx[t] = 0.0;
    return;
  }
  let k = f32(params.kernel * params.kernel);
  dx[t] = activation_grad(gather_grad(t, false) / k, x[t], InputActivation);
}
