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
// SwiftShader runs four invocations as the lanes of one SIMD register: an integer division or a load at
// a varying address costs one scalar operation per lane, and every loop iteration has a fixed cost. So
// the common shapes get entry points of their own, with the divisions hoisted out of their loops and
// whole vec4s loaded and stored: 2×2/2 windows (*_k2, in pool-k2.wgsl, concatenated after this file),
// small windows unrolled (*_k3, *_c2) and global pooling; the general loops serve the rest.

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
// x4, dx4: x and dx seen as vec4s, bound instead of x / dx by the entry points that read or write whole
// vec4s (an entry point uses one view of a binding, never both).
@group(0) @binding(1) var<storage, read> x4: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> dx4: array<vec4f>;

// ---- General windows: one invocation per row of a plane ----
// The forward runs one invocation per output row (b, c, i), the backward one per input row (b, c, iy):
// the divisions that place the row happen once, the row's window rows are clipped once, and the columns
// advance by counters along the row. The invocation of an example's last row also zeroes the row
// padding past C·OH·OW (y) or C·H·W (dX).

// Row r of plane (b, c) for invocation t over rows of `per_plane` rows each.
struct PlaneRow { b: u32, c: u32, r: u32 }

fn plane_row(t: u32, per_plane: u32) -> PlaneRow {
  let bc = t / per_plane;
  let b = bc / params.channels;
  return PlaneRow(b, bc - b * params.channels, t - bc * per_plane);
}

fn last_row(pr: PlaneRow, per_plane: u32) -> bool {
  return pr.c + 1u == params.channels && pr.r + 1u == per_plane;
}

// Output row pr.r: each window clipped to the input ([y0, y1) × [x0, x1)); `use_argmax` selects max
// pooling (the first maximum, row-major, padding never competing) over the average (padding counted as
// zeros in the divisor k²).
fn pool_row(pr: PlaneRow, use_argmax: bool) {
  let k = i32(params.kernel);
  let xc = pr.b * params.x_stride + pr.c * params.in_h * params.in_w;
  let yr = pr.b * params.y_stride + (pr.c * params.out_h + pr.r) * params.out_w;
  let top = i32(pr.r * params.stride) - i32(params.padding);
  let y0 = u32(max(top, 0));
  let y1 = u32(min(top + k, i32(params.in_h)));
  let divisor = f32(params.kernel * params.kernel);
  for (var ox = 0u; ox < params.out_w; ox++) {
    let left = i32(ox * params.stride) - i32(params.padding);
    let x0 = u32(max(left, 0));
    let x1 = u32(min(left + k, i32(params.in_w)));
    var at = y0 * params.in_w + x0;
    var best = x[xc + at];
    var sum = 0.0;
    for (var iy = y0; iy < y1; iy++) {
      let row = iy * params.in_w;
      for (var ix = x0; ix < x1; ix++) {
        let v = x[xc + row + ix];
        sum += v;
        if (v > best) {
          best = v;
          at = row + ix;
        }
      }
    }
    if (use_argmax) {
      y[yr + ox] = best;
      argmax[yr + ox] = at;
    } else {
      y[yr + ox] = sum / divisor;
    }
  }
  if (last_row(pr, params.out_h)) {
    for (var f = params.channels * params.out_h * params.out_w; f < params.y_stride; f++) { y[pr.b * params.y_stride + f] = 0.0; }
  }
}

@compute @workgroup_size(WorkgroupSize)
fn max_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.channels * params.out_h) { return; }
  pool_row(plane_row(t, params.out_h), true);
}

@compute @workgroup_size(WorkgroupSize)
fn avg_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.channels * params.out_h) { return; }
  pool_row(plane_row(t, params.out_h), false);
}

// Floor division for a possibly negative numerator and d > 0: (q, n − q·d) with the remainder in [0, d).
fn floor_div(n: i32, d: i32) -> vec2i {
  let q = select(n / d, (n - d + 1) / d, n < 0);
  return vec2i(q, n - q * d);
}

// Input row pr.r: dX[.., iy, ix] = act'_in(Σ over the windows covering it of dY (max: where argmax is
// this element; avg: dY / k²)). In padded coordinates (py, px) = (iy + p, ix + p) window (oy, ox) covers
// the element when oy·s ≤ py < oy·s + k, i.e. oy from ⌈(py − k + 1)/s⌉ = ⌊(py − k + s)/s⌋ (≥ 0) to ⌊py/s⌋
// (< OH), and likewise ox. Both column bounds step by one every s columns: counters, no division per
// element. Windows are summed in row-major order (oy, then ox), a fixed order.
fn gather_row(pr: PlaneRow, use_argmax: bool) {
  let k = i32(params.kernel);
  let s = i32(params.stride);
  let p = i32(params.padding);
  let xr = pr.b * params.x_stride + (pr.c * params.in_h + pr.r) * params.in_w;
  let out_base = pr.b * params.y_stride + pr.c * params.out_h * params.out_w;
  let py = i32(pr.r) + p;
  let y_lo = max(0, floor_div(py - k + s, s).x);
  let y_hi = min(i32(params.out_h) - 1, py / s);
  let scale = select(f32(params.kernel * params.kernel), 1.0, use_argmax);
  let at_row = pr.r * params.in_w;
  var lo = floor_div(p - k + s, s); // ⌊(px − k + s)/s⌋ and its remainder at ix = 0
  var hi = vec2i(p / s, p % s);     // ⌊px/s⌋ and its remainder
  for (var ix = 0u; ix < params.in_w; ix++) {
    let x_lo = max(0, lo.x);
    let x_hi = min(i32(params.out_w) - 1, hi.x);
    var acc = 0.0;
    for (var oy = y_lo; oy <= y_hi; oy++) {
      let orow = out_base + u32(oy) * params.out_w;
      for (var ox = x_lo; ox <= x_hi; ox++) {
        let o = orow + u32(ox);
        if (!use_argmax || argmax[o] == at_row + ix) { acc += dy[o]; }
      }
    }
    dx[xr + ix] = activation_grad(acc / scale, x[xr + ix], InputActivation);
    lo = select(lo + vec2i(0, 1), vec2i(lo.x + 1, 0), lo.y + 1 == s);
    hi = select(hi + vec2i(0, 1), vec2i(hi.x + 1, 0), hi.y + 1 == s);
  }
  if (last_row(pr, params.in_h)) {
    for (var f = params.channels * params.in_h * params.in_w; f < params.x_stride; f++) { dx[pr.b * params.x_stride + f] = 0.0; }
  }
}

@compute @workgroup_size(WorkgroupSize)
fn max_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.channels * params.in_h) { return; }
  gather_row(plane_row(t, params.in_h), true);
}

@compute @workgroup_size(WorkgroupSize)
fn avg_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.channels * params.in_h) { return; }
  gather_row(plane_row(t, params.in_h), false);
}

// ---- Small windows, unrolled ----
// A loop iteration costs SwiftShader a fixed overhead, and a loop whose trip count differs between lanes
// runs the longest lane's count: the general kernels spend most of their time there. Windows of k ≤ 3
// (forward, *_k3) and inputs covered by at most two windows per axis (k ≤ 2s: backward, *_c2) are written
// out instead: every candidate is loaded at a clamped address and masked, in the same row-major order as
// the loops (a masked candidate adds an exact zero or loses every comparison): the same sums and the
// same first maxima as the loops.

// A window's maximum so far and its offset within the channel (max pooling), or its running sum (average).
struct Best { v: f32, at: u32 }

// The first maximum so far: `v` where `ok` and strictly greater wins (row-major order keeps the first).
fn better(best: Best, v: f32, ok: bool, at: u32) -> Best {
  if (ok && v > best.v) { return Best(v, at); }
  return best;
}

// One window row (its offset within the channel and whether it is real) against the three columns.
fn window_row(xc: u32, row: u32, real: bool, cols: vec3u, col_ok: vec3<bool>, use_argmax: bool, acc: Best) -> Best {
  let v = vec3f(x[xc + row + cols.x], x[xc + row + cols.y], x[xc + row + cols.z]);
  let ok = vec3<bool>(real) & col_ok;
  if (use_argmax) {
    return better(better(better(acc, v.x, ok.x, row + cols.x), v.y, ok.y, row + cols.y), v.z, ok.z, row + cols.z);
  }
  let m = select(vec3f(0.0), v, ok);
  return Best(acc.v + m.x + m.y + m.z, 0u);
}

fn pool_row_k3(pr: PlaneRow, use_argmax: bool) {
  let k = i32(params.kernel);
  let xc = pr.b * params.x_stride + pr.c * params.in_h * params.in_w;
  let yr = pr.b * params.y_stride + (pr.c * params.out_h + pr.r) * params.out_w;
  let top = i32(pr.r * params.stride) - i32(params.padding);
  // The window's rows top + {0, 1, 2}: real when inside the plane and the kernel (k = 2 drops the third).
  let rows = vec3i(top) + vec3i(0, 1, 2);
  let row_ok = (rows >= vec3i(0)) & (rows < vec3i(i32(params.in_h))) & (rows < vec3i(top + k));
  let row_at = vec3u(clamp(rows, vec3i(0), vec3i(i32(params.in_h) - 1))) * params.in_w;
  let y0 = u32(max(top, 0));
  let divisor = f32(params.kernel * params.kernel);
  for (var ox = 0u; ox < params.out_w; ox++) {
    let left = i32(ox * params.stride) - i32(params.padding);
    let cols = vec3i(left) + vec3i(0, 1, 2);
    let col_ok = (cols >= vec3i(0)) & (cols < vec3i(i32(params.in_w))) & (cols < vec3i(left + k));
    let col_at = vec3u(clamp(cols, vec3i(0), vec3i(i32(params.in_w) - 1)));
    // The max starts from the first real element (padding never competes); the sum from zero.
    let first = y0 * params.in_w + u32(max(left, 0));
    var r = Best(0.0, 0u);
    if (use_argmax) { r = Best(x[xc + first], first); }
    r = window_row(xc, row_at.x, row_ok.x, col_at, col_ok, use_argmax, r);
    r = window_row(xc, row_at.y, row_ok.y, col_at, col_ok, use_argmax, r);
    r = window_row(xc, row_at.z, row_ok.z, col_at, col_ok, use_argmax, r);
    if (use_argmax) {
      y[yr + ox] = r.v;
      argmax[yr + ox] = r.at;
    } else {
      y[yr + ox] = r.v / divisor;
    }
  }
  if (last_row(pr, params.out_h)) {
    for (var f = params.channels * params.out_h * params.out_w; f < params.y_stride; f++) { y[pr.b * params.y_stride + f] = 0.0; }
  }
}

@compute @workgroup_size(WorkgroupSize)
fn max_forward_k3(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.channels * params.out_h) { return; }
  pool_row_k3(plane_row(t, params.out_h), true);
}

@compute @workgroup_size(WorkgroupSize)
fn avg_forward_k3(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.channels * params.out_h) { return; }
  pool_row_k3(plane_row(t, params.out_h), false);
}

// Output column ox of the two window rows: their gradients and (max pooling) recorded maxima.
struct Column { g: vec2f, at: vec2u }

fn load_column(orow: vec2u, ox: u32, use_argmax: bool) -> Column {
  var c = Column(vec2f(dy[orow.x + ox], dy[orow.y + ox]), vec2u(0u));
  if (use_argmax) { c.at = vec2u(argmax[orow.x + ox], argmax[orow.y + ox]); }
  return c;
}

// The gradient a column's two windows route to element `at`, where they are real (`ok`).
fn routed(c: Column, ok: vec2<bool>, at: u32, use_argmax: bool) -> vec2f {
  let hit = ok & ((c.at == vec2u(at)) | vec2<bool>(!use_argmax));
  return select(vec2f(0.0), c.g, hit);
}

// gather_row with k ≤ 2s: windows y_lo and y_lo + 1 (real up to y_hi), likewise the columns. The column
// range depends on ix alone, so it moves alike in every lane; the two window columns slide along the row
// in registers, each output loaded once per row instead of once per element it covers.
fn gather_row_c2(pr: PlaneRow, use_argmax: bool) {
  let k = i32(params.kernel);
  let s = i32(params.stride);
  let p = i32(params.padding);
  let xr = pr.b * params.x_stride + (pr.c * params.in_h + pr.r) * params.in_w;
  let out_base = pr.b * params.y_stride + pr.c * params.out_h * params.out_w;
  let py = i32(pr.r) + p;
  let y_lo = max(0, floor_div(py - k + s, s).x);
  let y_hi = min(i32(params.out_h) - 1, py / s);
  let last_oy = i32(params.out_h) - 1;
  let orow = vec2u(vec2i(min(y_lo, last_oy), min(y_lo + 1, last_oy))) * params.out_w + vec2u(out_base);
  let row_ok = vec2<bool>(y_lo <= y_hi, y_lo + 1 <= y_hi);
  let scale = select(f32(params.kernel * params.kernel), 1.0, use_argmax);
  let last_ox = i32(params.out_w) - 1;
  let at_row = pr.r * params.in_w;
  var lo = floor_div(p - k + s, s);
  var hi = vec2i(p / s, p % s);
  // Columns x_lo (a) and x_lo + 1 (b), clamped into the row (a clamped column is never real).
  var x_lo = max(0, lo.x);
  var a = load_column(orow, u32(x_lo), use_argmax);
  var b = load_column(orow, u32(min(x_lo + 1, last_ox)), use_argmax);
  for (var ix = 0u; ix < params.in_w; ix++) {
    if (max(0, lo.x) != x_lo) {
      x_lo += 1;
      a = b;
      b = load_column(orow, u32(min(x_lo + 1, last_ox)), use_argmax);
    }
    let x_hi = min(last_ox, hi.x);
    let at = at_row + ix;
    // Row-major over the windows: (y_lo, x_lo), (y_lo, x_lo + 1), (y_lo + 1, x_lo), (y_lo + 1, x_lo + 1).
    let ga = routed(a, row_ok & vec2<bool>(x_lo <= x_hi), at, use_argmax);
    let gb = routed(b, row_ok & vec2<bool>(x_lo + 1 <= x_hi), at, use_argmax);
    let acc = 0.0 + ga.x + gb.x + ga.y + gb.y;
    dx[xr + ix] = activation_grad(acc / scale, x[xr + ix], InputActivation);
    lo = select(lo + vec2i(0, 1), vec2i(lo.x + 1, 0), lo.y + 1 == s);
    hi = select(hi + vec2i(0, 1), vec2i(hi.x + 1, 0), hi.y + 1 == s);
  }
  if (last_row(pr, params.in_h)) {
    for (var f = params.channels * params.in_h * params.in_w; f < params.x_stride; f++) { dx[pr.b * params.x_stride + f] = 0.0; }
  }
}

@compute @workgroup_size(WorkgroupSize)
fn max_backward_c2(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.channels * params.in_h) { return; }
  gather_row_c2(plane_row(t, params.in_h), true);
}

@compute @workgroup_size(WorkgroupSize)
fn avg_backward_c2(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.channels * params.in_h) { return; }
  gather_row_c2(plane_row(t, params.in_h), false);
}

// True (after writing the zero) for t in the row padding of dX past C·H·W.
fn dx_padding(t: u32) -> bool {
  if (t % params.x_stride < params.channels * params.in_h * params.in_w) { return false; }
  dx[t] = 0.0;
  return true;
}

// One invocation per (b, channel slot < y_stride); slots past C are the row padding of y. The plane is
// read as the vec4s that cover it, the floats outside it masked to zeros: adding a zero before the first
// real float or after the last is exact, so the sum is the row-major one, in fewer, wider loads.
@compute @workgroup_size(WorkgroupSize)
fn global_avg_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.y_stride) { return; }
  let b = t / params.y_stride;
  let c = t - b * params.y_stride;
  if (c >= params.channels) {
    y[t] = 0.0;
    return;
  }
  let plane = params.in_h * params.in_w;
  let first = b * params.x_stride + c * plane;
  let end = first + plane;
  var sum = 0.0;
  for (var q = first / 4u; 4u * q < end; q++) {
    let v = x4[q];
    let at = vec4u(4u * q) + vec4u(0u, 1u, 2u, 3u);
    let r = select(vec4f(0.0), v, (at >= vec4u(first)) & (at < vec4u(end)));
    sum = sum + r.x + r.y + r.z + r.w;
  }
  y[t] = sum / f32(plane);
}

// One invocation per 16-float segment of a dX row (planes of ≥ 4 floats): one division finds the first
// float's channel; a vec4 crosses at most one channel boundary, so each takes the gradients of channels
// c and c + 1 and picks per float.
@compute @workgroup_size(WorkgroupSize)
fn global_avg_backward_seg(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = row_segment(linear_index(gid, nwg, WorkgroupSize), params.x_stride);
  if (s.row >= params.rows) { return; }
  let plane = params.in_h * params.in_w;
  let features = params.channels * plane;
  let dy_row = s.row * params.y_stride;
  let scale = f32(plane);
  var c = s.col / plane;
  var next = (c + 1u) * plane; // the first float of channel c + 1
  for (var k = 0u; k < SegmentVec4s && s.col + 4u * k < params.x_stride; k++) {
    let col = s.col + 4u * k;
    // Row padding past C·H·W (channel ≥ C) reads a clamped channel and is zeroed below.
    let g_c = dy[dy_row + min(c, params.channels - 1u)] / scale;
    let g_next = dy[dy_row + min(c + 1u, params.channels - 1u)] / scale;
    let g = select(vec4f(g_c), vec4f(g_next), vec4u(col) + vec4u(0u, 1u, 2u, 3u) >= vec4u(next));
    let r = activation_grad4(g, x4[s.first + k], InputActivation);
    dx4[s.first + k] = select(vec4f(0.0), r, in_row4(col, features));
    if (col + 4u >= next) {
      c += 1u;
      next += plane;
    }
  }
}

// One invocation per input element: the broadcast of its channel's gradient (planes of < 4 floats).
@compute @workgroup_size(WorkgroupSize)
fn global_avg_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.x_stride || dx_padding(t)) { return; }
  let plane = params.in_h * params.in_w;
  let g = dy[(t / params.x_stride) * params.y_stride + (t % params.x_stride) / plane];
  dx[t] = activation_grad(g / f32(plane), x[t], InputActivation);
}
