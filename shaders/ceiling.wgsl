// The device's multiply-add ceiling, for `classifier-lab bench --conv` (src/gpu/ceiling.ts): kernels that
// do nothing but register-blocked multiply-adds, with one gathered load a step or sixteen. On SwiftShader
// an invocation is a SIMD lane and a load at a run-time index is a per-lane gather, so these two bound what
// a conv block can reach from its products per gathered load (scripts/gen-matmul.mjs's kernels are
// written to raise that count).
//   ceiling_alu:    32 vec4 accumulators, 1 load a step    (128 multiply-adds a load)
//   ceiling_gather: 16 vec4 accumulators, 16 loads a step  (4 multiply-adds a load)
// Step i of invocation t: s = the step's loads summed, y = vec4(s), every accumulator a = a·x + y, then
// x = x.yzwx (x starts at vec4(t · 1e-6, 0.5, −0.25, 0.125)); dst[t] = the accumulators' sum.

struct Params {
  invocations: u32,
  steps: u32,
  mask: u32, // src holds mask + 1 floats (a power of 2): load indices wrap
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4f>;

override WorkgroupSize: u32 = 64;

fn start(t: u32) -> vec4f {
  return vec4f(f32(t) * 1e-6, 0.5, -0.25, 0.125);
}

@compute @workgroup_size(WorkgroupSize)
fn ceiling_alu(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x;
  if (t >= params.invocations) { return; }
  let mask = params.mask;
  var a0 = vec4f(f32(t + 0u) * 0.001);
  var a1 = vec4f(f32(t + 1u) * 0.001);
  var a2 = vec4f(f32(t + 2u) * 0.001);
  var a3 = vec4f(f32(t + 3u) * 0.001);
  var a4 = vec4f(f32(t + 4u) * 0.001);
  var a5 = vec4f(f32(t + 5u) * 0.001);
  var a6 = vec4f(f32(t + 6u) * 0.001);
  var a7 = vec4f(f32(t + 7u) * 0.001);
  var a8 = vec4f(f32(t + 8u) * 0.001);
  var a9 = vec4f(f32(t + 9u) * 0.001);
  var a10 = vec4f(f32(t + 10u) * 0.001);
  var a11 = vec4f(f32(t + 11u) * 0.001);
  var a12 = vec4f(f32(t + 12u) * 0.001);
  var a13 = vec4f(f32(t + 13u) * 0.001);
  var a14 = vec4f(f32(t + 14u) * 0.001);
  var a15 = vec4f(f32(t + 15u) * 0.001);
  var a16 = vec4f(f32(t + 16u) * 0.001);
  var a17 = vec4f(f32(t + 17u) * 0.001);
  var a18 = vec4f(f32(t + 18u) * 0.001);
  var a19 = vec4f(f32(t + 19u) * 0.001);
  var a20 = vec4f(f32(t + 20u) * 0.001);
  var a21 = vec4f(f32(t + 21u) * 0.001);
  var a22 = vec4f(f32(t + 22u) * 0.001);
  var a23 = vec4f(f32(t + 23u) * 0.001);
  var a24 = vec4f(f32(t + 24u) * 0.001);
  var a25 = vec4f(f32(t + 25u) * 0.001);
  var a26 = vec4f(f32(t + 26u) * 0.001);
  var a27 = vec4f(f32(t + 27u) * 0.001);
  var a28 = vec4f(f32(t + 28u) * 0.001);
  var a29 = vec4f(f32(t + 29u) * 0.001);
  var a30 = vec4f(f32(t + 30u) * 0.001);
  var a31 = vec4f(f32(t + 31u) * 0.001);
  var x = start(t);
  for (var i = 0u; i < params.steps; i++) {
    let y = vec4f(src[(t * 7u + i * 13u) & mask]);
    a0 = a0 * x + y;
    a1 = a1 * x + y;
    a2 = a2 * x + y;
    a3 = a3 * x + y;
    a4 = a4 * x + y;
    a5 = a5 * x + y;
    a6 = a6 * x + y;
    a7 = a7 * x + y;
    a8 = a8 * x + y;
    a9 = a9 * x + y;
    a10 = a10 * x + y;
    a11 = a11 * x + y;
    a12 = a12 * x + y;
    a13 = a13 * x + y;
    a14 = a14 * x + y;
    a15 = a15 * x + y;
    a16 = a16 * x + y;
    a17 = a17 * x + y;
    a18 = a18 * x + y;
    a19 = a19 * x + y;
    a20 = a20 * x + y;
    a21 = a21 * x + y;
    a22 = a22 * x + y;
    a23 = a23 * x + y;
    a24 = a24 * x + y;
    a25 = a25 * x + y;
    a26 = a26 * x + y;
    a27 = a27 * x + y;
    a28 = a28 * x + y;
    a29 = a29 * x + y;
    a30 = a30 * x + y;
    a31 = a31 * x + y;
    x = x.yzwx;
  }
  dst[t] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15 + a16 + a17 + a18 + a19 + a20 + a21 + a22 + a23 + a24 + a25 + a26 + a27 + a28 + a29 + a30 + a31;
}

@compute @workgroup_size(WorkgroupSize)
fn ceiling_gather(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x;
  if (t >= params.invocations) { return; }
  let mask = params.mask;
  var a0 = vec4f(f32(t + 0u) * 0.001);
  var a1 = vec4f(f32(t + 1u) * 0.001);
  var a2 = vec4f(f32(t + 2u) * 0.001);
  var a3 = vec4f(f32(t + 3u) * 0.001);
  var a4 = vec4f(f32(t + 4u) * 0.001);
  var a5 = vec4f(f32(t + 5u) * 0.001);
  var a6 = vec4f(f32(t + 6u) * 0.001);
  var a7 = vec4f(f32(t + 7u) * 0.001);
  var a8 = vec4f(f32(t + 8u) * 0.001);
  var a9 = vec4f(f32(t + 9u) * 0.001);
  var a10 = vec4f(f32(t + 10u) * 0.001);
  var a11 = vec4f(f32(t + 11u) * 0.001);
  var a12 = vec4f(f32(t + 12u) * 0.001);
  var a13 = vec4f(f32(t + 13u) * 0.001);
  var a14 = vec4f(f32(t + 14u) * 0.001);
  var a15 = vec4f(f32(t + 15u) * 0.001);
  var x = start(t);
  for (var i = 0u; i < params.steps; i++) {
    let v0 = src[(t * 7u + i * 13u) & mask];
    let v1 = src[(t * 7u + i * 14u) & mask];
    let v2 = src[(t * 7u + i * 15u) & mask];
    let v3 = src[(t * 7u + i * 16u) & mask];
    let v4 = src[(t * 7u + i * 17u) & mask];
    let v5 = src[(t * 7u + i * 18u) & mask];
    let v6 = src[(t * 7u + i * 19u) & mask];
    let v7 = src[(t * 7u + i * 20u) & mask];
    let v8 = src[(t * 7u + i * 21u) & mask];
    let v9 = src[(t * 7u + i * 22u) & mask];
    let v10 = src[(t * 7u + i * 23u) & mask];
    let v11 = src[(t * 7u + i * 24u) & mask];
    let v12 = src[(t * 7u + i * 25u) & mask];
    let v13 = src[(t * 7u + i * 26u) & mask];
    let v14 = src[(t * 7u + i * 27u) & mask];
    let v15 = src[(t * 7u + i * 28u) & mask];
    let y = vec4f(v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7 + v8 + v9 + v10 + v11 + v12 + v13 + v14 + v15);
    a0 = a0 * x + y;
    a1 = a1 * x + y;
    a2 = a2 * x + y;
    a3 = a3 * x + y;
    a4 = a4 * x + y;
    a5 = a5 * x + y;
    a6 = a6 * x + y;
    a7 = a7 * x + y;
    a8 = a8 * x + y;
    a9 = a9 * x + y;
    a10 = a10 * x + y;
    a11 = a11 * x + y;
    a12 = a12 * x + y;
    a13 = a13 * x + y;
    a14 = a14 * x + y;
    a15 = a15 * x + y;
    x = x.yzwx;
  }
  dst[t] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15;
}
