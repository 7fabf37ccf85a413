// The adapter's register-block rates, for `npm run bench` and `classifier-lab bench --conv` (src/gpu/ceiling.ts):
// one invocation's 8 rows × 2 column quads of vec4 accumulators (an 8x8 block, the shape of the conv and
// matmul blocks), each step adding four products per accumulator (c += a0·b0 + a1·b1 + a2·b2 + a3·b3, as
// the conv kernels' written-out taps do), 256 multiply-adds a step. The two differ only in where the
// operands come from:
//   ceiling_alu:    computed in registers from x, with one load a step   (256 multiply-adds a load)
//   ceiling_gather: every operand loaded: 8×4 row scalars, 2×4 column vec4s  (4 multiply-adds a load)
// On SwiftShader an invocation is a SIMD lane and a load at a run-time index is a per-lane gather, so the
// first is what the adapter gives a register block when loads cost nothing, and the second what it gives
// one that loads everything it multiplies; a conv pass's multiply-adds per load put it between the two.
// ceiling_alu's step i: x = x.yzwx · 0.5 + src[(7t + 13i) & mask] (x starts at vec4(t · 1e-6, 0.5, −0.25,
// 0.125)); row r's a_k = x[k] + 0.01·(r + 1); column quad j's b_k = x rotated by k − 0.02·(j + 1).
// ceiling_gather's step i: a_rk = src[(7t + 13i + 4r + k) & mask], b_jk = src[(5t + 17i + 4(4j + k) + 0…3) & mask].
// dst[t] = the sum of the 16 accumulators, c0 first.

struct Params {
  invocations: u32,
  steps: u32,
  mask: u32, // src holds mask + 1 floats (a power of 2): load indices wrap
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4f>;

override WorkgroupSize: u32 = 64;

@compute @workgroup_size(WorkgroupSize)
fn ceiling_alu(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x;
  if (t >= params.invocations) { return; }
  let mask = params.mask;
  var c0 = vec4f(0.0);
  var c1 = vec4f(0.0);
  var c2 = vec4f(0.0);
  var c3 = vec4f(0.0);
  var c4 = vec4f(0.0);
  var c5 = vec4f(0.0);
  var c6 = vec4f(0.0);
  var c7 = vec4f(0.0);
  var c8 = vec4f(0.0);
  var c9 = vec4f(0.0);
  var c10 = vec4f(0.0);
  var c11 = vec4f(0.0);
  var c12 = vec4f(0.0);
  var c13 = vec4f(0.0);
  var c14 = vec4f(0.0);
  var c15 = vec4f(0.0);
  var x = vec4f(f32(t) * 1e-6, 0.5, -0.25, 0.125);
  for (var i = 0u; i < params.steps; i++) {
    x = x.yzwx * 0.5 + vec4f(src[(t * 7u + i * 13u) & mask]);
    let a0_0 = x.x + 0.01;
    let a0_1 = x.y + 0.01;
    let a0_2 = x.z + 0.01;
    let a0_3 = x.w + 0.01;
    let a1_0 = x.x + 0.02;
    let a1_1 = x.y + 0.02;
    let a1_2 = x.z + 0.02;
    let a1_3 = x.w + 0.02;
    let a2_0 = x.x + 0.03;
    let a2_1 = x.y + 0.03;
    let a2_2 = x.z + 0.03;
    let a2_3 = x.w + 0.03;
    let a3_0 = x.x + 0.04;
    let a3_1 = x.y + 0.04;
    let a3_2 = x.z + 0.04;
    let a3_3 = x.w + 0.04;
    let a4_0 = x.x + 0.05;
    let a4_1 = x.y + 0.05;
    let a4_2 = x.z + 0.05;
    let a4_3 = x.w + 0.05;
    let a5_0 = x.x + 0.06;
    let a5_1 = x.y + 0.06;
    let a5_2 = x.z + 0.06;
    let a5_3 = x.w + 0.06;
    let a6_0 = x.x + 0.07;
    let a6_1 = x.y + 0.07;
    let a6_2 = x.z + 0.07;
    let a6_3 = x.w + 0.07;
    let a7_0 = x.x + 0.08;
    let a7_1 = x.y + 0.08;
    let a7_2 = x.z + 0.08;
    let a7_3 = x.w + 0.08;
    let b0_0 = x - 0.02;
    let b0_1 = x.yzwx - 0.02;
    let b0_2 = x.zwxy - 0.02;
    let b0_3 = x.wxyz - 0.02;
    let b1_0 = x - 0.04;
    let b1_1 = x.yzwx - 0.04;
    let b1_2 = x.zwxy - 0.04;
    let b1_3 = x.wxyz - 0.04;
    c0 += a0_0 * b0_0 + a0_1 * b0_1 + a0_2 * b0_2 + a0_3 * b0_3;
    c1 += a0_0 * b1_0 + a0_1 * b1_1 + a0_2 * b1_2 + a0_3 * b1_3;
    c2 += a1_0 * b0_0 + a1_1 * b0_1 + a1_2 * b0_2 + a1_3 * b0_3;
    c3 += a1_0 * b1_0 + a1_1 * b1_1 + a1_2 * b1_2 + a1_3 * b1_3;
    c4 += a2_0 * b0_0 + a2_1 * b0_1 + a2_2 * b0_2 + a2_3 * b0_3;
    c5 += a2_0 * b1_0 + a2_1 * b1_1 + a2_2 * b1_2 + a2_3 * b1_3;
    c6 += a3_0 * b0_0 + a3_1 * b0_1 + a3_2 * b0_2 + a3_3 * b0_3;
    c7 += a3_0 * b1_0 + a3_1 * b1_1 + a3_2 * b1_2 + a3_3 * b1_3;
    c8 += a4_0 * b0_0 + a4_1 * b0_1 + a4_2 * b0_2 + a4_3 * b0_3;
    c9 += a4_0 * b1_0 + a4_1 * b1_1 + a4_2 * b1_2 + a4_3 * b1_3;
    c10 += a5_0 * b0_0 + a5_1 * b0_1 + a5_2 * b0_2 + a5_3 * b0_3;
    c11 += a5_0 * b1_0 + a5_1 * b1_1 + a5_2 * b1_2 + a5_3 * b1_3;
    c12 += a6_0 * b0_0 + a6_1 * b0_1 + a6_2 * b0_2 + a6_3 * b0_3;
    c13 += a6_0 * b1_0 + a6_1 * b1_1 + a6_2 * b1_2 + a6_3 * b1_3;
    c14 += a7_0 * b0_0 + a7_1 * b0_1 + a7_2 * b0_2 + a7_3 * b0_3;
    c15 += a7_0 * b1_0 + a7_1 * b1_1 + a7_2 * b1_2 + a7_3 * b1_3;
  }
  dst[t] = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15;
}

@compute @workgroup_size(WorkgroupSize)
fn ceiling_gather(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x;
  if (t >= params.invocations) { return; }
  let mask = params.mask;
  var c0 = vec4f(0.0);
  var c1 = vec4f(0.0);
  var c2 = vec4f(0.0);
  var c3 = vec4f(0.0);
  var c4 = vec4f(0.0);
  var c5 = vec4f(0.0);
  var c6 = vec4f(0.0);
  var c7 = vec4f(0.0);
  var c8 = vec4f(0.0);
  var c9 = vec4f(0.0);
  var c10 = vec4f(0.0);
  var c11 = vec4f(0.0);
  var c12 = vec4f(0.0);
  var c13 = vec4f(0.0);
  var c14 = vec4f(0.0);
  var c15 = vec4f(0.0);
  for (var i = 0u; i < params.steps; i++) {
    let ta = t * 7u + i * 13u;
    let tb = t * 5u + i * 17u;
    let a0_0 = src[(ta + 0u) & mask];
    let a0_1 = src[(ta + 1u) & mask];
    let a0_2 = src[(ta + 2u) & mask];
    let a0_3 = src[(ta + 3u) & mask];
    let a1_0 = src[(ta + 4u) & mask];
    let a1_1 = src[(ta + 5u) & mask];
    let a1_2 = src[(ta + 6u) & mask];
    let a1_3 = src[(ta + 7u) & mask];
    let a2_0 = src[(ta + 8u) & mask];
    let a2_1 = src[(ta + 9u) & mask];
    let a2_2 = src[(ta + 10u) & mask];
    let a2_3 = src[(ta + 11u) & mask];
    let a3_0 = src[(ta + 12u) & mask];
    let a3_1 = src[(ta + 13u) & mask];
    let a3_2 = src[(ta + 14u) & mask];
    let a3_3 = src[(ta + 15u) & mask];
    let a4_0 = src[(ta + 16u) & mask];
    let a4_1 = src[(ta + 17u) & mask];
    let a4_2 = src[(ta + 18u) & mask];
    let a4_3 = src[(ta + 19u) & mask];
    let a5_0 = src[(ta + 20u) & mask];
    let a5_1 = src[(ta + 21u) & mask];
    let a5_2 = src[(ta + 22u) & mask];
    let a5_3 = src[(ta + 23u) & mask];
    let a6_0 = src[(ta + 24u) & mask];
    let a6_1 = src[(ta + 25u) & mask];
    let a6_2 = src[(ta + 26u) & mask];
    let a6_3 = src[(ta + 27u) & mask];
    let a7_0 = src[(ta + 28u) & mask];
    let a7_1 = src[(ta + 29u) & mask];
    let a7_2 = src[(ta + 30u) & mask];
    let a7_3 = src[(ta + 31u) & mask];
    let b0_0 = vec4f(src[(tb + 0u) & mask], src[(tb + 1u) & mask], src[(tb + 2u) & mask], src[(tb + 3u) & mask]);
    let b0_1 = vec4f(src[(tb + 4u) & mask], src[(tb + 5u) & mask], src[(tb + 6u) & mask], src[(tb + 7u) & mask]);
    let b0_2 = vec4f(src[(tb + 8u) & mask], src[(tb + 9u) & mask], src[(tb + 10u) & mask], src[(tb + 11u) & mask]);
    let b0_3 = vec4f(src[(tb + 12u) & mask], src[(tb + 13u) & mask], src[(tb + 14u) & mask], src[(tb + 15u) & mask]);
    let b1_0 = vec4f(src[(tb + 16u) & mask], src[(tb + 17u) & mask], src[(tb + 18u) & mask], src[(tb + 19u) & mask]);
    let b1_1 = vec4f(src[(tb + 20u) & mask], src[(tb + 21u) & mask], src[(tb + 22u) & mask], src[(tb + 23u) & mask]);
    let b1_2 = vec4f(src[(tb + 24u) & mask], src[(tb + 25u) & mask], src[(tb + 26u) & mask], src[(tb + 27u) & mask]);
    let b1_3 = vec4f(src[(tb + 28u) & mask], src[(tb + 29u) & mask], src[(tb + 30u) & mask], src[(tb + 31u) & mask]);
    c0 += a0_0 * b0_0 + a0_1 * b0_1 + a0_2 * b0_2 + a0_3 * b0_3;
    c1 += a0_0 * b1_0 + a0_1 * b1_1 + a0_2 * b1_2 + a0_3 * b1_3;
    c2 += a1_0 * b0_0 + a1_1 * b0_1 + a1_2 * b0_2 + a1_3 * b0_3;
    c3 += a1_0 * b1_0 + a1_1 * b1_1 + a1_2 * b1_2 + a1_3 * b1_3;
    c4 += a2_0 * b0_0 + a2_1 * b0_1 + a2_2 * b0_2 + a2_3 * b0_3;
    c5 += a2_0 * b1_0 + a2_1 * b1_1 + a2_2 * b1_2 + a2_3 * b1_3;
    c6 += a3_0 * b0_0 + a3_1 * b0_1 + a3_2 * b0_2 + a3_3 * b0_3;
    c7 += a3_0 * b1_0 + a3_1 * b1_1 + a3_2 * b1_2 + a3_3 * b1_3;
    c8 += a4_0 * b0_0 + a4_1 * b0_1 + a4_2 * b0_2 + a4_3 * b0_3;
    c9 += a4_0 * b1_0 + a4_1 * b1_1 + a4_2 * b1_2 + a4_3 * b1_3;
    c10 += a5_0 * b0_0 + a5_1 * b0_1 + a5_2 * b0_2 + a5_3 * b0_3;
    c11 += a5_0 * b1_0 + a5_1 * b1_1 + a5_2 * b1_2 + a5_3 * b1_3;
    c12 += a6_0 * b0_0 + a6_1 * b0_1 + a6_2 * b0_2 + a6_3 * b0_3;
    c13 += a6_0 * b1_0 + a6_1 * b1_1 + a6_2 * b1_2 + a6_3 * b1_3;
    c14 += a7_0 * b0_0 + a7_1 * b0_1 + a7_2 * b0_2 + a7_3 * b0_3;
    c15 += a7_0 * b1_0 + a7_1 * b1_1 + a7_2 * b1_2 + a7_3 * b1_3;
  }
  dst[t] = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15;
}
