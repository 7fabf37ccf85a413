// BatchNorm (d2l §8.5), 1-D and 2-D alike: x is (B, C, S) per batch with S = H·W (BatchNorm2d) or 1
// (BatchNorm1d), rows padded to `stride` floats. One workgroup owns one channel: invocation `lid` owns the
// planes (b, c) with b ≡ lid (mod WorkgroupSize), each S consecutive floats at b·stride + c·S, and walks
// them 4 floats at a time — no division per element (SwiftShader runs an invocation per SIMD lane, so
// index arithmetic costs as much as the math). Sums go in order within an invocation, then through a tree
// in workgroup memory: a fixed order, runs are bit-identical (no float atomics). Owning the whole channel
// lets one dispatch reduce and then apply:
//   bn_forward_train: one pass of Σ(x − k), Σ(x − k)² with k = the channel's first value (a shift that
//                     keeps the one-pass variance free of cancellation when |μ| ≫ σ), μ = k + Σ(x − k)/N,
//                     σ² = Σ(x − k)²/N − (Σ(x − k)/N)² (biased); saves μ and 1/√(σ² + ε), moves the running
//                     statistics r ← (1 − m)·r + m·batch, then y = act(γ·(x − μ)/√(σ² + ε) + β)
//   bn_forward_eval:  the same y with the running statistics
//   bn_grad_reduce:   dβ = Σ dY, dγ = Σ dY·x̂ (dY: before this layer's activation)
//   bn_backward:      dβ, dγ as above, then dX = act'_in(γ/√(σ² + ε) · (dY − dβ/N − x̂·dγ/N)), N = B·S

struct Params {
  rows: u32,     // B
  channels: u32, // C
  spatial: u32,  // S
  stride: u32,   // floats per example
  eps: f32,
  momentum: f32,
  c_pad: u32,    // pad4(C): offset of running_var in `running`
}

override WorkgroupSize: u32 = 64;
override Activation: u32 = 0;
override InputActivation: u32 = 0;

@group(0) @binding(0) var<uniform> params: Params;
// x: (B, stride) the layer's input (the producer's output)
@group(0) @binding(1) var<storage, read> x: array<f32>;
// y: (B, stride) the output
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
// gamma, beta: (C,) sub-ranges of the parameter arena
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> beta: array<f32>;
// stats: (2, C) the batch mean, then 1/√(σ² + ε), saved for the backward
@group(0) @binding(5) var<storage, read_write> stats: array<f32>;
// running: running_mean (c_pad), then running_var (c_pad)
@group(0) @binding(6) var<storage, read_write> running: array<f32>;
// dy: (B, stride) gradient w.r.t. the output before this layer's activation
@group(0) @binding(7) var<storage, read> dy: array<f32>;
// dgamma, dbeta: (C,) sub-ranges of the gradient arena
@group(0) @binding(8) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(9) var<storage, read_write> dbeta: array<f32>;
// dx: (B, stride) gradient w.r.t. the input, before the producer's activation
@group(0) @binding(10) var<storage, read_write> dx: array<f32>;

var<workgroup> partial: array<vec2f, WorkgroupSize>;

// Tree sum of two values across the workgroup; every invocation gets the totals.
fn workgroup_sum2(lid: u32, v: vec2f) -> vec2f {
  partial[lid] = v;
  workgroupBarrier();
  for (var half = WorkgroupSize / 2u; half > 0u; half /= 2u) {
    if (lid < half) { partial[lid] += partial[lid + half]; }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier();
  return total;
}

// The four lanes of an in-order accumulator, added in a fixed order.
fn lanes(v: vec4f) -> f32 {
  return (v.x + v.y) + (v.z + v.w);
}

fn load4(i: u32) -> vec4f {
  return vec4f(x[i], x[i + 1u], x[i + 2u], x[i + 3u]);
}

fn load4_dy(i: u32) -> vec4f {
  return vec4f(dy[i], dy[i + 1u], dy[i + 2u], dy[i + 3u]);
}

// (Σ(x − k), Σ(x − k)²) over the invocation's planes of channel c.
fn shifted_sums(c: u32, lid: u32, k: f32) -> vec2f {
  let s = params.spatial;
  var s1 = vec4f(0.0);
  var s2 = vec4f(0.0);
  var tail = vec2f(0.0);
  for (var b = lid; b < params.rows; b += WorkgroupSize) {
    let start = b * params.stride + c * s;
    let end = start + s;
    var i = start;
    for (; i + 4u <= end; i += 4u) {
      let v = load4(i) - k;
      s1 += v;
      s2 += v * v;
    }
    for (; i < end; i++) {
      let v = x[i] - k;
      tail += vec2f(v, v * v);
    }
  }
  return vec2f(lanes(s1), lanes(s2)) + tail;
}

// y = act((x − mean)·scale + beta) over the invocation's planes of channel c; the last channel's
// workgroup also writes the rows' padding columns 0.
fn normalize_planes(c: u32, lid: u32, mean: f32, scale: f32, shift: f32) {
  let s = params.spatial;
  let last = c + 1u == params.channels;
  for (var b = lid; b < params.rows; b += WorkgroupSize) {
    let start = b * params.stride + c * s;
    let end = start + s;
    var i = start;
    for (; i + 4u <= end; i += 4u) {
      let v = (load4(i) - mean) * scale + shift;
      y[i] = activate(v.x, Activation);
      y[i + 1u] = activate(v.y, Activation);
      y[i + 2u] = activate(v.z, Activation);
      y[i + 3u] = activate(v.w, Activation);
    }
    for (; i < end; i++) { y[i] = activate((x[i] - mean) * scale + shift, Activation); }
    if (last) {
      for (var j = end; j < (b + 1u) * params.stride; j++) { y[j] = 0.0; }
    }
  }
}

@compute @workgroup_size(WorkgroupSize)
fn bn_forward_train(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = linear_group(wid, nwg);
  if (c >= params.channels) { return; }
  let k = x[c * params.spatial];
  let n = f32(params.rows * params.spatial);
  let t = workgroup_sum2(lid, shifted_sums(c, lid, k)) / n;
  let variance = max(t.y - t.x * t.x, 0.0);
  let mean = k + t.x;
  let inv_std = 1.0 / sqrt(variance + params.eps);
  if (lid == 0u) {
    stats[c] = mean;
    stats[params.channels + c] = inv_std;
    let m = params.momentum;
    running[c] = (1.0 - m) * running[c] + m * mean;
    running[params.c_pad + c] = (1.0 - m) * running[params.c_pad + c] + m * variance;
  }
  normalize_planes(c, lid, mean, gamma[c] * inv_std, beta[c]);
}

@compute @workgroup_size(WorkgroupSize)
fn bn_forward_eval(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = linear_group(wid, nwg);
  if (c >= params.channels) { return; }
  let inv_std = 1.0 / sqrt(running[params.c_pad + c] + params.eps);
  normalize_planes(c, lid, running[c], gamma[c] * inv_std, beta[c]);
}

// (dβ, dγ) of channel c, written by invocation 0; every invocation gets both.
fn grad_sums(c: u32, lid: u32, mean: f32, inv_std: f32) -> vec2f {
  let s = params.spatial;
  var sb = vec4f(0.0);
  var sg = vec4f(0.0);
  var tail = vec2f(0.0);
  for (var b = lid; b < params.rows; b += WorkgroupSize) {
    let start = b * params.stride + c * s;
    let end = start + s;
    var i = start;
    for (; i + 4u <= end; i += 4u) {
      let g = load4_dy(i);
      sb += g;
      sg += g * (load4(i) - mean);
    }
    for (; i < end; i++) { tail += vec2f(dy[i], dy[i] * (x[i] - mean)); }
  }
  let t = workgroup_sum2(lid, vec2f(lanes(sb), lanes(sg)) + tail);
  let d = vec2f(t.x, t.y * inv_std);
  if (lid == 0u) {
    dbeta[c] = d.x;
    dgamma[c] = d.y;
  }
  return d;
}

@compute @workgroup_size(WorkgroupSize)
fn bn_grad_reduce(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = linear_group(wid, nwg);
  if (c >= params.channels) { return; }
  _ = grad_sums(c, lid, stats[c], stats[params.channels + c]);
}

@compute @workgroup_size(WorkgroupSize)
fn bn_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = linear_group(wid, nwg);
  if (c >= params.channels) { return; }
  let mean = stats[c];
  let inv_std = stats[params.channels + c];
  let d = grad_sums(c, lid, mean, inv_std);
  // dX = a·dY + e·(x − μ) + f with a = γ/√(σ² + ε), e = −a·dγ/(N·√(σ² + ε)), f = −a·dβ/N.
  let n = f32(params.rows * params.spatial);
  let a = gamma[c] * inv_std;
  let e = -a * inv_std * d.y / n;
  let f = -a * d.x / n;
  let s = params.spatial;
  let last = c + 1u == params.channels;
  for (var b = lid; b < params.rows; b += WorkgroupSize) {
    let start = b * params.stride + c * s;
    let end = start + s;
    var i = start;
    for (; i + 4u <= end; i += 4u) {
      let xv = load4(i);
      let g = a * load4_dy(i) + e * (xv - mean) + f;
      dx[i] = activation_grad(g.x, xv.x, InputActivation);
      dx[i + 1u] = activation_grad(g.y, xv.y, InputActivation);
      dx[i + 2u] = activation_grad(g.z, xv.z, InputActivation);
      dx[i + 3u] = activation_grad(g.w, xv.w, InputActivation);
    }
    for (; i < end; i++) { dx[i] = activation_grad(a * dy[i] + e * (x[i] - mean) + f, x[i], InputActivation); }
    if (last) {
      for (var j = end; j < (b + 1u) * params.stride; j++) { dx[j] = 0.0; }
    }
  }
}
