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

// Elementwise kernels (activation.wgsl, graph.wgsl): one invocation per segment of SegmentVec4s vec4s of
// one row (the host's SegmentFloats, src/gpu/activation.ts, is 4 × SegmentVec4s).
const SegmentVec4s: u32 = 4u;

// Invocation t's segment in rows of `stride` floats: the vec4 index of its first vec4, its first column, its row.
struct Segment {
  first: u32,
  col: u32,
  row: u32,
}

fn row_segment(t: u32, stride: u32) -> Segment {
  let per_row = (stride + 4u * SegmentVec4s - 1u) / (4u * SegmentVec4s);
  let row = t / per_row;
  let col = (t - row * per_row) * 4u * SegmentVec4s;
  return Segment((row * stride + col) / 4u, col, row);
}

// Components of the vec4 at column col that hold one of a row's `count` real floats (the rest is padding).
fn in_row4(col: u32, count: u32) -> vec4<bool> {
  return vec4u(col) + vec4u(0u, 1u, 2u, 3u) < vec4u(count);
}

fn activate4(v: vec4f, kind: u32) -> vec4f {
  return vec4f(activate(v.x, kind), activate(v.y, kind), activate(v.z, kind), activate(v.w, kind));
}

fn activation_grad4(g: vec4f, y: vec4f, kind: u32) -> vec4f {
  return vec4f(activation_grad(g.x, y.x, kind), activation_grad(g.y, y.y, kind), activation_grad(g.z, y.z, kind), activation_grad(g.w, y.w, kind));
}
