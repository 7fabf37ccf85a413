// BatchNorm (d2l §8.5), 1-D and 2-D alike: x is (B, C, S) per batch with S = H·W (BatchNorm2d) or 1
// (BatchNorm1d), rows padded to `stride` floats. Per-channel sums run in one workgroup per channel:
// each invocation adds a strided slice in order, then a tree in workgroup memory — a fixed order, so
// runs are bit-identical (no float atomics).
//   bn_stats (training):  μ = mean x, σ² = mean (x − μ)² (biased), saves μ and 1/√(σ² + ε), and moves the
//                         running statistics: r ← (1 − m)·r + m·batch
//   bn_forward_train / bn_forward_eval: y = act(γ·(x − μ)/√(σ² + ε) + β) with batch / running statistics
//   bn_grad_reduce:       dβ = Σ dY, dγ = Σ dY·x̂ (dY: before this layer's activation)
//   bn_backward:          dX = act'_in(γ/√(σ² + ε) · (dY − dβ/N − x̂·dγ/N)), N = B·S

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

var<workgroup> partial: array<f32, WorkgroupSize>;

// Index of the e-th value (e < B·S) of channel c.
fn element(c: u32, e: u32) -> u32 {
  let b = e / params.spatial;
  return b * params.stride + c * params.spatial + (e % params.spatial);
}

// Tree sum of `partial` across the workgroup; every invocation gets the total.
fn workgroup_sum(lid: u32, v: f32) -> f32 {
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

// One workgroup per channel.
@compute @workgroup_size(WorkgroupSize)
fn bn_stats(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = linear_group(wid, nwg);
  if (c >= params.channels) { return; }
  let n = params.rows * params.spatial;
  var s = 0.0;
  for (var e = lid; e < n; e += WorkgroupSize) { s += x[element(c, e)]; }
  let mean = workgroup_sum(lid, s) / f32(n);
  var sq = 0.0;
  for (var e = lid; e < n; e += WorkgroupSize) {
    let d = x[element(c, e)] - mean;
    sq += d * d;
  }
  let variance = workgroup_sum(lid, sq) / f32(n);
  if (lid == 0u) {
    stats[c] = mean;
    stats[params.channels + c] = 1.0 / sqrt(variance + params.eps);
    let m = params.momentum;
    running[c] = (1.0 - m) * running[c] + m * mean;
    running[params.c_pad + c] = (1.0 - m) * running[params.c_pad + c] + m * variance;
  }
}

// The output at t from a channel's mean and 1/√(σ² + ε); padding stays 0.
fn normalize_at(t: u32, training: bool) {
  let j = t % params.stride;
  if (j >= params.channels * params.spatial) {
    y[t] = 0.0;
    return;
  }
  let c = j / params.spatial;
  var mean = 0.0;
  var inv_std = 0.0;
  if (training) {
    mean = stats[c];
    inv_std = stats[params.channels + c];
  } else {
    mean = running[c];
    inv_std = 1.0 / sqrt(running[params.c_pad + c] + params.eps);
  }
  y[t] = activate(gamma[c] * (x[t] - mean) * inv_std + beta[c], Activation);
}

@compute @workgroup_size(WorkgroupSize)
fn bn_forward_train(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.stride) { return; }
  normalize_at(t, true);
}

@compute @workgroup_size(WorkgroupSize)
fn bn_forward_eval(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.stride) { return; }
  normalize_at(t, false);
}

// One workgroup per channel.
@compute @workgroup_size(WorkgroupSize)
fn bn_grad_reduce(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = linear_group(wid, nwg);
  if (c >= params.channels) { return; }
  let n = params.rows * params.spatial;
  let mean = stats[c];
  let inv_std = stats[params.channels + c];
  var sb = 0.0;
  var sg = 0.0;
  for (var e = lid; e < n; e += WorkgroupSize) {
    let i = element(c, e);
    sb += dy[i];
    sg += dy[i] * (x[i] - mean) * inv_std;
  }
  let db = workgroup_sum(lid, sb);
  let dg = workgroup_sum(lid, sg);
  if (lid == 0u) {
    dbeta[c] = db;
    dgamma[c] = dg;
  }
}

@compute @workgroup_size(WorkgroupSize)
fn bn_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.stride) { return; }
  let j = t % params.stride;
  if (j >= params.channels * params.spatial) {
    dx[t] = 0.0;
    return;
  }
  let c = j / params.spatial;
  let n = f32(params.rows * params.spatial);
  let inv_std = stats[params.channels + c];
  let x_hat = (x[t] - stats[c]) * inv_std;
  let g = gamma[c] * inv_std * (dy[t] - dbeta[c] / n - x_hat * dgamma[c] / n);
  dx[t] = activation_grad(g, x[t], InputActivation);
}
