// Optimizer updates over the flat parameter arena, one invocation per vec4 of parameters. Padding holds
// zero parameters with zero gradients, which every update below keeps at zero.
//   sgd: p ← p − lr · (g + λ·p)          (λ: weight decay, as d2l's L2 penalty folded into the gradient)

struct Params {
  count4: u32,        // vec4s in the arena
  weight_decay: f32,
}

struct Step {
  step: u32,
  batch_start: u32,
  slot: u32,
  lr: f32,
}

override WorkgroupSize: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
// weights, grads: the parameter arena and its gradient, same layout
@group(0) @binding(1) var<storage, read_write> weights: array<vec4f>;
@group(0) @binding(2) var<storage, read> grads: array<vec4f>;
@group(1) @binding(0) var<uniform> step: Step;

fn index(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * WorkgroupSize;
}

@compute @workgroup_size(WorkgroupSize)
fn sgd(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = index(gid, nwg);
  if (i >= params.count4) { return; }
  let p = weights[i];
  weights[i] = p - step.lr * (grads[i] + params.weight_decay * p);
}
