// Shared by the zoo's kernels; src/gpu/shaders.ts concatenates it in front of a shader body, so these
// declarations exist once. Holds the per-step uniform, the linear index of a folded 2-D grid, and the
// activations that producers fuse into their outputs.

// The per-step values (src/gpu/step-uniform.ts), bound at group 1 with a dynamic offset.
struct Step {
  step: u32,        // global step of the run (0-based)
  batch_start: u32, // first position of the batch in the epoch's permutation
  slot: u32,        // loss slot of the step
  lr: f32,          // learning rate of the step
}

// The invocation's linear index in a grid of `wg`-wide workgroups folded into 2-D (src/gpu/dispatch.ts grid()).
fn linear_index(gid: vec3u, nwg: vec3u, wg: u32) -> u32 {
  return gid.x + gid.y * nwg.x * wg;
}

// The workgroup's linear index in a folded 2-D grid.
fn linear_group(wid: vec3u, nwg: vec3u) -> u32 {
  return wid.x + wid.y * nwg.x;
}

// Activation kinds, as the override constants Activation / InputActivation hold them.
const ACT_NONE: u32 = 0u;
const ACT_RELU: u32 = 1u;
const ACT_SIGMOID: u32 = 2u;
const ACT_TANH: u32 = 3u;

// y = act(v): relu max(v, 0); sigmoid 1 / (1 + e^−v); tanh
fn activate(v: f32, kind: u32) -> f32 {
  switch kind {
    case 1u: { return max(v, 0.0); }
    case 2u: { return 1.0 / (1.0 + exp(-v)); }
    // tanh via e^(−2|v|) ∈ (0, 1]: finite for every v (WGSL's tanh may overflow in exp on some drivers).
    case 3u: { let e = exp(-2.0 * abs(v)); return sign(v) * (1.0 - e) / (1.0 + e); }
    default: { return v; }
  }
}

// The gradient through an activation from its output y: relu g·[y > 0]; sigmoid g·y·(1 − y); tanh g·(1 − y²).
fn activation_grad(g: f32, y: f32, kind: u32) -> f32 {
  switch kind {
    case 1u: { return select(0.0, g, y > 0.0); }
    case 2u: { return g * y * (1.0 - y); }
    case 3u: { return g * (1.0 - y * y); }
    default: { return g; }
  }
}
