// A standalone activation, where no producer fuses it (after pooling, dropout or the input), and the
// gradient hand-off through a producer's activation. Elementwise over (B, stride); padding stays 0.
// One invocation per 16-float segment of a row (4 vec4s; stride is a multiple of 4): one division per
// segment instead of a modulo per float (on SwiftShader an invocation is a SIMD lane).
//   act_forward:  y = act(x)                      (Activation)
//   act_backward: dX = act'_in(dY)                (InputActivation; x = the producer's output)

struct Params {
  rows: u32,
  features: u32, // D
  stride: u32,   // floats per example (pad4(D))
}

override WorkgroupSize: u32 = 64;
override Activation: u32 = 0;
override InputActivation: u32 = 0;

@group(0) @binding(0) var<uniform> params: Params;
// x: (B, stride) the input (the producer's output)
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
// y: (B, stride) the output
@group(0) @binding(2) var<storage, read_write> y: array<vec4f>;
// dy: (B, stride) gradient w.r.t. the output; dx: w.r.t. the input, before the producer's activation
@group(0) @binding(3) var<storage, read> dy: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> dx: array<vec4f>;

// Floats an invocation covers, as SegmentVec4s vec4s of one row.
const SegmentVec4s: u32 = 4u;

// Invocation t's segment: the vec4 index of its first vec4, its first column, its row.
struct Segment {
  first: u32,
  col: u32,
  row: u32,
}

fn segment(t: u32) -> Segment {
  let per_row = (params.stride + 4u * SegmentVec4s - 1u) / (4u * SegmentVec4s);
  let row = t / per_row;
  let col = (t - row * per_row) * 4u * SegmentVec4s;
  return Segment((row * params.stride + col) / 4u, col, row);
}

// Components of the vec4 at column col that hold features.
fn in_row4(col: u32) -> vec4<bool> {
  return vec4u(col) + vec4u(0u, 1u, 2u, 3u) < vec4u(params.features);
}

@compute @workgroup_size(WorkgroupSize)
fn act_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = segment(linear_index(gid, nwg, WorkgroupSize));
  if (s.row >= params.rows) { return; }
  for (var k = 0u; k < SegmentVec4s && s.col + 4u * k < params.stride; k++) {
    let v = x[s.first + k];
    let r = vec4f(activate(v.x, Activation), activate(v.y, Activation), activate(v.z, Activation), activate(v.w, Activation));
    y[s.first + k] = select(vec4f(0.0), r, in_row4(s.col + 4u * k));
  }
}

@compute @workgroup_size(WorkgroupSize)
fn act_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = segment(linear_index(gid, nwg, WorkgroupSize));
  if (s.row >= params.rows) { return; }
  for (var k = 0u; k < SegmentVec4s && s.col + 4u * k < params.stride; k++) {
    let g = dy[s.first + k];
    let v = x[s.first + k];
    let r = vec4f(activation_grad(g.x, v.x, InputActivation), activation_grad(g.y, v.y, InputActivation),
                  activation_grad(g.z, v.z, InputActivation), activation_grad(g.w, v.w, InputActivation));
    dx[s.first + k] = select(vec4f(0.0), r, in_row4(s.col + 4u * k));
  }
}
