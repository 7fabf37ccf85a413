// A standalone activation, where no producer fuses it (after pooling, dropout or the input), and the
// gradient hand-off through a producer's activation. Elementwise over (B, stride); padding stays 0.
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
@group(0) @binding(1) var<storage, read> x: array<f32>;
// y: (B, stride) the output
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
// dy: (B, stride) gradient w.r.t. the output; dx: w.r.t. the input, before the producer's activation
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WorkgroupSize)
fn act_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.stride) { return; }
  y[t] = select(0.0, activate(x[t], Activation), t % params.stride < params.features);
}

@compute @workgroup_size(WorkgroupSize)
fn act_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.stride) { return; }
  dx[t] = select(0.0, activation_grad(dy[t], x[t], InputActivation), t % params.stride < params.features);
}
