// The joins of a model graph and the gradient plumbing where a tensor feeds several consumers. All
// tensors are (B, stride) rows with zero padding; `y` is laid out as `dst` and holds the producer's
// output, from which an activation derivative is computed (common.wgsl activation_grad).
// The elementwise entries run one invocation per 16-float segment of a row (4 vec4s: stride is a
// multiple of 4, so rows are vec4-aligned), with one division per segment instead of a modulo per
// float: on SwiftShader an invocation is a SIMD lane and index arithmetic costs as much as the math.
//   add_forward:  dst = act(a + b)                          (residual join; Activation)
//   copy_slice:   dst[b, dst_offset + j] = act'_in(a[b, a_offset + j])  for j < count
//                 (concat forward: a branch into its channels; concat backward: its channels of dY out)
//   sum_grad:     dst = act'_in(a + b)                      (two gradient contributions, fixed order)
//   accumulate:   dst = act'_in(dst + a)                    (a third, fourth … contribution, in order)

struct Params {
  rows: u32,
  count: u32,      // real floats per row (features of an elementwise op, or the slice's length)
  a_stride: u32,   // floats per example of a (and b)
  a_offset: u32,
  dst_stride: u32, // floats per example of dst (and y)
  dst_offset: u32,
}

override WorkgroupSize: u32 = 64;
override Activation: u32 = 0;
override InputActivation: u32 = 0;

@group(0) @binding(0) var<uniform> params: Params;
// a, b: (B, a_stride) the operands
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
// y: (B, dst_stride) the producer's output, for act'_in
@group(0) @binding(3) var<storage, read> y: array<f32>;
// dst: (B, dst_stride) the result
@group(0) @binding(4) var<storage, read_write> dst: array<f32>;
// The same bindings seen as vec4s, for the elementwise entries (an entry point uses one view or the other).
@group(0) @binding(1) var<storage, read> a4: array<vec4f>;
@group(0) @binding(2) var<storage, read> b4: array<vec4f>;
@group(0) @binding(3) var<storage, read> y4: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> dst4: array<vec4f>;

@compute @workgroup_size(WorkgroupSize)
fn add_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = row_segment(linear_index(gid, nwg, WorkgroupSize), params.dst_stride);
  if (s.row >= params.rows) { return; }
  for (var k = 0u; k < SegmentVec4s && s.col + 4u * k < params.dst_stride; k++) {
    let i = s.first + k;
    dst4[i] = select(vec4f(0.0), activate4(a4[i] + b4[i], Activation), in_row4(s.col + 4u * k, params.count));
  }
}

@compute @workgroup_size(WorkgroupSize)
fn copy_slice(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.count) { return; }
  let row = t / params.count;
  let j = t % params.count;
  let d = row * params.dst_stride + params.dst_offset + j;
  dst[d] = activation_grad(a[row * params.a_stride + params.a_offset + j], y[d], InputActivation);
}

@compute @workgroup_size(WorkgroupSize)
fn sum_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = row_segment(linear_index(gid, nwg, WorkgroupSize), params.dst_stride);
  if (s.row >= params.rows) { return; }
  for (var k = 0u; k < SegmentVec4s && s.col + 4u * k < params.dst_stride; k++) {
    let i = s.first + k;
    dst4[i] = select(vec4f(0.0), activation_grad4(a4[i] + b4[i], y4[i], InputActivation), in_row4(s.col + 4u * k, params.count));
  }
}

@compute @workgroup_size(WorkgroupSize)
fn accumulate(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = row_segment(linear_index(gid, nwg, WorkgroupSize), params.dst_stride);
  if (s.row >= params.rows) { return; }
  for (var k = 0u; k < SegmentVec4s && s.col + 4u * k < params.dst_stride; k++) {
    let i = s.first + k;
    dst4[i] = select(vec4f(0.0), activation_grad4(dst4[i] + a4[i], y4[i], InputActivation), in_row4(s.col + 4u * k, params.count));
  }
}
