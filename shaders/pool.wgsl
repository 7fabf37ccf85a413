// MaxPool2d and AvgPool2d (kernel k, stride s, zero padding p; floor mode) and global average pooling
// over NCHW activations with padded row strides. PyTorch's semantics where a window overhangs into the
// padding: max ignores it, average counts it as zeros (count_include_pad=True, divisor k²). Max pooling
// records each window's first maximum (row-major; PyTorch's tie rule) and its backward routes the
// gradient there. Every backward gathers per input element — it writes each element of dX once, padding
// included — so it needs neither atomics nor a zero-fill pass first.
//   max_forward / avg_forward:   y[b, c, i, j] = max / (Σ / k²) of x over the window at (i·s − p, j·s − p)
//   max_backward / avg_backward: dX[b, c, y, x] = act'_in(Σ over windows covering (y, x) of dY (max: where
//                                argmax = (y, x); avg: dY / k²))
//   global_avg_forward:  y[b, c] = Σ_{y, x} x[b, c, y, x] / (H·W)   (row-major order: a fixed-order sum)
//   global_avg_backward: dX[b, c, y, x] = act'_in(dY[b, c] / (H·W))

struct Params {
  rows: u32,     // B
  channels: u32, // C
  in_h: u32,
  in_w: u32,
  out_h: u32,    // 1 for global pooling
  out_w: u32,
  kernel: u32,
  stride: u32,
  padding: u32,  // p ≤ k / 2: every window holds at least one real element
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

// The window of output element t: the channel's first float in x, and the window's clipped row and
// column ranges [y0, y1) × [x0, x1) in input coordinates; `valid` is false in the row padding of y.
struct Window { base: u32, y0: u32, y1: u32, x0: u32, x1: u32, valid: bool }

fn window_of(t: u32) -> Window {
  let b = t / params.y_stride;
  let o = t % params.y_stride;
  let per = params.out_h * params.out_w;
  if (o >= params.channels * per) { return Window(0u, 0u, 0u, 0u, 0u, false); }
  let r = o % per;
  let top = i32((r / params.out_w) * params.stride) - i32(params.padding);
  let left = i32((r % params.out_w) * params.stride) - i32(params.padding);
  let k = i32(params.kernel);
  return Window(
    b * params.x_stride + (o / per) * params.in_h * params.in_w,
    u32(max(top, 0)), u32(min(top + k, i32(params.in_h))),
    u32(max(left, 0)), u32(min(left + k, i32(params.in_w))),
    true,
  );
}

@compute @workgroup_size(WorkgroupSize)
fn max_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.y_stride) { return; }
  let win = window_of(t);
  if (!win.valid) {
    y[t] = 0.0;
    return;
  }
  // The window's first real element starts the search; padding never competes (max ignores it).
  var at = win.y0 * params.in_w + win.x0;
  var best = x[win.base + at];
  for (var iy = win.y0; iy < win.y1; iy++) {
    for (var ix = win.x0; ix < win.x1; ix++) {
      let idx = iy * params.in_w + ix;
      let v = x[win.base + idx];
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
  let win = window_of(t);
  if (!win.valid) {
    y[t] = 0.0;
    return;
  }
  // Padding adds zeros to the sum and still counts in the divisor k².
  var sum = 0.0;
  for (var iy = win.y0; iy < win.y1; iy++) {
    for (var ix = win.x0; ix < win.x1; ix++) { sum += x[win.base + iy * params.in_w + ix]; }
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
  // Padded coordinates: window i covers py = iy + p when i·s ≤ py < i·s + k.
  let py = i32(at / params.in_w + params.padding);
  let px = i32(at % params.in_w + params.padding);
  let k = i32(params.kernel);
  let s = i32(params.stride);
  let out_base = b * params.y_stride + c * params.out_h * params.out_w;
  if (k == s) {
    // Windows tile the padded input: at most one covers (py, px).
    if (py / s >= i32(params.out_h) || px / s >= i32(params.out_w)) { return 0.0; }
    let o = out_base + u32(py / s) * params.out_w + u32(px / s);
    return select(0.0, dy[o], !use_argmax || argmax[o] == at);
  }
  // Windows i from ⌈(py − k + 1)/s⌉ (≥ 0) to ⌊py/s⌋ (< OH); py − k + s ≥ 0 or the max clamps it.
  let y_lo = max(0, (py - k + s) / s);
  let y_hi = min(i32(params.out_h) - 1, py / s);
  let x_lo = max(0, (px - k + s) / s);
  let x_hi = min(i32(params.out_w) - 1, px / s);
  var acc = 0.0;
  for (var oy = y_lo; oy <= y_hi; oy++) {
    for (var ox = x_lo; ox <= x_hi; ox++) {
      let o = out_base + u32(oy) * params.out_w + u32(ox);
      if (!use_argmax || argmax[o] == at) { acc += dy[o]; }
    }
  }
  return acc;
}

// True (after writing the zero) for t in the row padding of dX past C·H·W.
fn dx_padding(t: u32) -> bool {
  if (t % params.x_stride < params.channels * params.in_h * params.in_w) { return false; }
  dx[t] = 0.0;
  return true;
}

@compute @workgroup_size(WorkgroupSize)
fn max_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.x_stride || dx_padding(t)) { return; }
  dx[t] = activation_grad(gather_grad(t, true), x[t], InputActivation);
}

@compute @workgroup_size(WorkgroupSize)
fn avg_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.x_stride || dx_padding(t)) { return; }
  let k = f32(params.kernel * params.kernel);
  dx[t] = activation_grad(gather_grad(t, false) / k, x[t], InputActivation);
}

// One invocation per (b, channel slot < y_stride); slots past C are the row padding of y.
@compute @workgroup_size(WorkgroupSize)
fn global_avg_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.y_stride) { return; }
  let c = t % params.y_stride;
  if (c >= params.channels) {
    y[t] = 0.0;
    return;
  }
  let plane = params.in_h * params.in_w;
  let base = (t / params.y_stride) * params.x_stride + c * plane;
  var sum = 0.0;
  for (var i = 0u; i < plane; i++) { sum += x[base + i]; }
  y[t] = sum / f32(plane);
}

// One invocation per input element: the broadcast of its channel's gradient.
@compute @workgroup_size(WorkgroupSize)
fn global_avg_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.x_stride || dx_padding(t)) { return; }
  let plane = params.in_h * params.in_w;
  let g = dy[(t / params.x_stride) * params.y_stride + (t % params.x_stride) / plane];
  dx[t] = activation_grad(g / f32(plane), x[t], InputActivation);
}
