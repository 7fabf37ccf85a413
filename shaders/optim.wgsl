// Optimizer updates over the flat parameter arena, one invocation per vec4 of parameters, one dispatch
// per step. Weight decay λ is an L2 penalty folded into the gradient (g' = g + λ·p, as PyTorch's SGD and
// Adam do). Padding holds zero parameters with zero gradients and zero state, which every rule keeps at 0.
//   sgd:      p ← p − η·g'
//   momentum: v ← μ·v + g';  p ← p − η·v                                   (d2l §12.6)
//   adam:     m ← β1·m + (1 − β1)·g';  v ← β2·v + (1 − β2)·g'²;
//             p ← p − η·(m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε), t = step + 1   (d2l §12.10)

struct Params {
  count4: u32,        // vec4s in the arena
  weight_decay: f32,  // λ
  momentum: f32,      // μ
  beta1: f32,
  beta2: f32,
  eps: f32,
}

override WorkgroupSize: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
// weights, grads: the parameter arena and its gradient, same layout
@group(0) @binding(1) var<storage, read_write> weights: array<vec4f>;
@group(0) @binding(2) var<storage, read> grads: array<vec4f>;
// state1, state2: arena-shaped optimizer state (momentum: v; adam: m, v)
@group(0) @binding(3) var<storage, read_write> state1: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> state2: array<vec4f>;
@group(1) @binding(0) var<uniform> step: Step;

@compute @workgroup_size(WorkgroupSize)
fn sgd(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  if (i >= params.count4) { return; }
  let p = weights[i];
  weights[i] = p - step.lr * (grads[i] + params.weight_decay * p);
}

@compute @workgroup_size(WorkgroupSize)
fn momentum(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  if (i >= params.count4) { return; }
  let p = weights[i];
  let v = params.momentum * state1[i] + (grads[i] + params.weight_decay * p);
  state1[i] = v;
  weights[i] = p - step.lr * v;
}

// b^t by repeated squaring: ≤ 2·32 f32 products, accurate to a few ulp (SwiftShader's pow is off by
// ~1e-5 relative, which the bias correction 1/(1 − β2^t) amplifies early in training).
fn power(b: f32, t: u32) -> f32 {
  var result = 1.0;
  var base = b;
  var e = t;
  while (e > 0u) {
    if ((e & 1u) == 1u) { result *= base; }
    base *= base;
    e >>= 1u;
  }
  return result;
}

@compute @workgroup_size(WorkgroupSize)
fn adam(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WorkgroupSize);
  if (i >= params.count4) { return; }
  let p = weights[i];
  let g = grads[i] + params.weight_decay * p;
  let m = params.beta1 * state1[i] + (1.0 - params.beta1) * g;
  let v = params.beta2 * state2[i] + (1.0 - params.beta2) * g * g;
  state1[i] = m;
  state2[i] = v;
  let t = step.step + 1u;
  let c1 = 1.0 - power(params.beta1, t);
  let c2 = 1.0 - power(params.beta2, t);
  weights[i] = p - step.lr * (m / c1) / (sqrt(v / c2) + params.eps);
}
