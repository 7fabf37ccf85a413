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

@compute @workgroup_size(WorkgroupSize)
fn act_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = row_segment(linear_index(gid, nwg, WorkgroupSize), params.stride);
  if (s.row >= params.rows) { return; }
  for (var k = 0u; k < SegmentVec4s && s.col + 4u * k < params.stride; k++) {
    let v = x[s.first + k];
    let r = activate4(v, Activation);
    y[s.first + k] = select(vec4f(0.0), r, in_row4(s.col + 4u * k, params.features));
  }
}

@compute @workgroup_size(WorkgroupSize)
fn act_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = row_segment(linear_index(gid, nwg, WorkgroupSize), params.stride);
  if (s.row >= params.rows) { return; }
  for (var k = 0u; k < SegmentVec4s && s.col + 4u * k < params.stride; k++) {
    let g = dy[s.first + k];
    let v = x[s.first + k];
    let r = activation_grad4(g, v, InputActivation);
    dx[s.first + k] = select(vec4f(0.0), r, in_row4(s.col + 4u * k, params.features));
  }
}
