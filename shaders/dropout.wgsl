// Dropout (d2l §5.6) with counter-based masks (random.wgsl): element (b, j) of the step's batch is kept
// when uniform01(mix_key(key, step), b·D + j) ≥ p, the same draw as src/reference/dropout.ts, so no mask
// is stored: the backward redraws it. Active only in training; evaluation copies.
//   dropout_forward:  y = x ⊙ keep / (1 − p)
//   dropout_backward: dX = act'_in(dY ⊙ keep / (1 − p))
//   dropout_identity: y = x (evaluation)

struct Params {
  rows: u32,
  features: u32, // D
  stride: u32,   // floats per example (pad4(D))
  key: u32,      // the layer's stream key (streamKey(seed, Stream.dropout, layer))
  p: f32,
  scale: f32,    // 1 / (1 − p)
}

override WorkgroupSize: u32 = 64;
override InputActivation: u32 = 0;

@group(0) @binding(0) var<uniform> params: Params;
// x: (B, stride) the input (the producer's output)
@group(0) @binding(1) var<storage, read> x: array<f32>;
// y: (B, stride) the output
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
// dy: (B, stride) gradient w.r.t. the output; dx: w.r.t. the input, before the producer's activation
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;
@group(1) @binding(0) var<uniform> step: Step;

// The kept-scale of element t: 1/(1 − p) or 0 (padding: 0).
fn keep_scale(t: u32) -> f32 {
  let b = t / params.stride;
  let j = t % params.stride;
  if (j >= params.features) { return 0.0; }
  let u = uniform01(mix_key(params.key, step.step), b * params.features + j);
  return select(0.0, params.scale, u >= params.p);
}

@compute @workgroup_size(WorkgroupSize)
fn dropout_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.stride) { return; }
  y[t] = x[t] * keep_scale(t);
}

@compute @workgroup_size(WorkgroupSize)
fn dropout_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.stride) { return; }
  dx[t] = activation_grad(dy[t] * keep_scale(t), x[t], InputActivation);
}

@compute @workgroup_size(WorkgroupSize)
fn dropout_identity(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.stride) { return; }
  y[t] = x[t];
}
