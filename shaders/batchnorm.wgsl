// BatchNorm (d2l §8.5), 1-D and 2-D alike: x is (B, C, S) per batch with S = H·W (BatchNorm2d) or 1
// (BatchNorm1d), rows padded to `stride` floats. Every entry runs Partials invocations per channel:
// invocation (c, p) owns the planes (b, c) with b ≡ p (mod Partials), each S consecutive floats at
// b·stride + c·S, and walks them 4 floats at a time — no division per element (SwiftShader runs an
// invocation per SIMD lane, so index arithmetic costs as much as the math). Reductions are two-level
// and barrier-free (on SwiftShader a one-workgroup-per-channel tree with barriers measured up to 5×
// slower at 64×7×7): a first dispatch
// writes each invocation's in-order partial sums, and the second merges a channel's Partials partials
// in index order — in every invocation that needs the totals, so all get the same bits and reruns are
// bit-identical (no float atomics).
//   bn_stats_partial + bn_forward_train: Σ(x − k), Σ(x − k)² with k = the channel's first value (a
//                     shift that keeps the one-pass variance free of cancellation when |μ| ≫ σ);
//                     μ = k + Σ(x − k)/N, σ² = Σ(x − k)²/N − (Σ(x − k)/N)² (biased); saves μ and
//                     1/√(σ² + ε), moves the running statistics r ← (1 − m)·r + m·batch, and
//                     y = act(γ·(x − μ)/√(σ² + ε) + β)
//   bn_forward_eval:  the same y with the running statistics
//   bn_grad_partial + bn_grad_finish: dβ = Σ dY, dγ = Σ dY·x̂ (dY: before this layer's activation)
//   bn_grad_partial + bn_backward:    dβ, dγ, and dX = act'_in(γ/√(σ² + ε) · (dY − dβ/N − x̂·dγ/N)), N = B·S

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
// Invocations (and partial sums) per channel: a power of two.
override Partials: u32 = 16;
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
// stats: (2, C) the batch mean, then 1/√(σ² + ε), saved for the backward; then (C, Partials) vec2
// partial sums (forward: Σ(x − k), Σ(x − k)²; backward: Σ dY, Σ dY·(x − μ))
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

// Invocation t's channel and partial index (c ≥ C: none).
struct Owner {
  c: u32,
  p: u32,
}

fn owner(gid: vec3u, nwg: vec3u) -> Owner {
  let t = linear_index(gid, nwg, WorkgroupSize);
  return Owner(t / Partials, t % Partials);
}

// Where channel c's partial p lives in `stats`.
fn partial_at(c: u32, p: u32) -> u32 {
  return 2u * params.channels + 2u * (c * Partials + p);
}

// Channel c's totals: its partials added in index order (the same bits in every invocation).
fn merged(c: u32) -> vec2f {
  var t = vec2f(0.0);
  for (var p = 0u; p < Partials; p++) {
    let i = partial_at(c, p);
    t += vec2f(stats[i], stats[i + 1u]);
  }
  return t;
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

// (Σ(x − k), Σ(x − k)²) over the planes of channel c that invocation p owns.
fn shifted_sums(c: u32, p: u32, k: f32) -> vec2f {
  let s = params.spatial;
  var s1 = vec4f(0.0);
  var s2 = vec4f(0.0);
  var tail = vec2f(0.0);
  for (var b = p; b < params.rows; b += Partials) {
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

// y = act((x − mean)·scale + shift) over the planes of channel c that invocation p owns; the last
// channel's invocations also write their rows' padding columns 0.
fn normalize_planes(c: u32, p: u32, mean: f32, scale: f32, shift: f32) {
  let s = params.spatial;
  let last = c + 1u == params.channels;
  for (var b = p; b < params.rows; b += Partials) {
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
fn bn_stats_partial(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = owner(gid, nwg);
  if (o.c >= params.channels) { return; }
  let t = shifted_sums(o.c, o.p, x[o.c * params.spatial]);
  let i = partial_at(o.c, o.p);
  stats[i] = t.x;
  stats[i + 1u] = t.y;
}

@compute @workgroup_size(WorkgroupSize)
fn bn_forward_train(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = owner(gid, nwg);
  if (o.c >= params.channels) { return; }
  let c = o.c;
  let t = merged(c) / f32(params.rows * params.spatial);
  let variance = max(t.y - t.x * t.x, 0.0);
  let mean = x[c * params.spatial] + t.x;
  let inv_std = 1.0 / sqrt(variance + params.eps);
  if (o.p == 0u) {
    stats[c] = mean;
    stats[params.channels + c] = inv_std;
    let m = params.momentum;
    running[c] = (1.0 - m) * running[c] + m * mean;
    running[params.c_pad + c] = (1.0 - m) * running[params.c_pad + c] + m * variance;
  }
  normalize_planes(c, o.p, mean, gamma[c] * inv_std, beta[c]);
}

@compute @workgroup_size(WorkgroupSize)
fn bn_forward_eval(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = owner(gid, nwg);
  if (o.c >= params.channels) { return; }
  let inv_std = 1.0 / sqrt(running[params.c_pad + o.c] + params.eps);
  normalize_planes(o.c, o.p, running[o.c], gamma[o.c] * inv_std, beta[o.c]);
}

// Partial (Σ dY, Σ dY·(x − μ)) over the planes of channel c that invocation p owns.
@compute @workgroup_size(WorkgroupSize)
fn bn_grad_partial(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = owner(gid, nwg);
  if (o.c >= params.channels) { return; }
  let mean = stats[o.c];
  let s = params.spatial;
  var sb = vec4f(0.0);
  var sg = vec4f(0.0);
  var tail = vec2f(0.0);
  for (var b = o.p; b < params.rows; b += Partials) {
    let start = b * params.stride + o.c * s;
    let end = start + s;
    var i = start;
    for (; i + 4u <= end; i += 4u) {
      let g = load4_dy(i);
      sb += g;
      sg += g * (load4(i) - mean);
    }
    for (; i < end; i++) { tail += vec2f(dy[i], dy[i] * (x[i] - mean)); }
  }
  let t = vec2f(lanes(sb), lanes(sg)) + tail;
  let i = partial_at(o.c, o.p);
  stats[i] = t.x;
  stats[i + 1u] = t.y;
}

// (dβ, dγ) of channel c from its partials; invocation 0 of the channel writes them.
fn grad_totals(o: Owner) -> vec2f {
  let t = merged(o.c);
  let d = vec2f(t.x, t.y * stats[params.channels + o.c]);
  if (o.p == 0u) {
    dbeta[o.c] = d.x;
    dgamma[o.c] = d.y;
  }
  return d;
}

// Without an input gradient (a first layer): dβ, dγ only, one invocation per channel.
@compute @workgroup_size(WorkgroupSize)
fn bn_grad_finish(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let c = linear_index(gid, nwg, WorkgroupSize);
  if (c >= params.channels) { return; }
  _ = grad_totals(Owner(c, 0u));
}

@compute @workgroup_size(WorkgroupSize)
fn bn_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = owner(gid, nwg);
  if (o.c >= params.channels) { return; }
  let c = o.c;
  let mean = stats[c];
  let inv_std = stats[params.channels + c];
  let d = grad_totals(o);
  // dX = a·dY + e·(x − μ) + f with a = γ/√(σ² + ε), e = −a·dγ/(N·√(σ² + ε)), f = −a·dβ/N.
  let n = f32(params.rows * params.spatial);
  let a = gamma[c] * inv_std;
  let e = -a * inv_std * d.y / n;
  let f = -a * d.x / n;
  let s = params.spatial;
  let last = c + 1u == params.channels;
  for (var b = o.p; b < params.rows; b += Partials) {
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
