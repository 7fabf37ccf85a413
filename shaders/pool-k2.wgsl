// Pooling's 2×2/2 entry points (LeNet's pools), concatenated after pool.wgsl, whose bindings, Params and
// activation override they use (src/gpu/shaders.ts); the wrapper is src/gpu/pool.ts.

// ---- 2×2 windows, stride 2, no padding, even W and H·W % 4 == 0 (LeNet's pools) ----
// Then x_stride = C·H·W (no row padding) and the two input rows 2i, 2i+1 of output row i are 2W = 4·OW
// contiguous floats starting on a vec4: OW vec4s, the top row's OW pairs followed by the bottom row's (a
// vec4 holds two pairs; for odd OW one vec4 holds the top row's last pair and the bottom row's first).
// One invocation per (b, c, output row i); the only divisions are the two that find (b, c, i).

// Output row t's first vec4 of x, its first float of y, and where it is: plane row i, channel c, example b.
struct RowJob { q0: u32, y0: u32, i: u32, c: u32, b: u32 }

fn row_job(t: u32) -> RowJob {
  let bc = t / params.out_h;
  let i = t - bc * params.out_h;
  let b = bc / params.channels;
  let c = bc - b * params.channels;
  let q0 = (bc * params.in_h * params.in_w + 2u * i * params.in_w) / 4u;
  return RowJob(q0, b * params.y_stride + (c * params.out_h + i) * params.out_w, i, c, b);
}

// Zeroes y's row padding past C·OH·OW (≤ 3 floats) from the invocation of the example's last output row.
fn zero_y_padding(job: RowJob) {
  if (job.c + 1u != params.channels || job.i + 1u != params.out_h) { return; }
  for (var k = params.channels * params.out_h * params.out_w; k < params.y_stride; k++) { y[job.b * params.y_stride + k] = 0.0; }
}

// The bottom-row pairs under top pairs 2m and 2m + 1 (OW odd: the bottom row starts mid-vec4).
fn bottom_pairs(job: RowJob, m: u32) -> vec4f {
  let odd = (params.out_w & 1u) == 1u;
  let qb = job.q0 + (params.out_w >> 1u) + m;
  let b0 = x4[qb];
  var b1 = b0;
  if (odd) { b1 = x4[qb + 1u]; }
  return select(b0, vec4f(b0.zw, b1.xy), odd);
}

// The first maximum of the window (top.x, top.y, bottom.x, bottom.y) in row-major order, as value and
// offset within the channel (at: the top-left element's).
fn max_window(top: vec2f, bottom: vec2f, at: u32) -> Best {
  var r = Best(top.x, at);
  if (top.y > r.v) { r = Best(top.y, at + 1u); }
  if (bottom.x > r.v) { r = Best(bottom.x, at + params.in_w); }
  if (bottom.y > r.v) { r = Best(bottom.y, at + params.in_w + 1u); }
  return r;
}

// Outputs 2m and 2m + 1 of the row per iteration; the last one of an odd row is not written.
@compute @workgroup_size(WorkgroupSize)
fn avg_forward_k2(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.channels * params.out_h) { return; }
  let job = row_job(t);
  let ow = params.out_w;
  for (var m = 0u; 2u * m < ow; m++) {
    let top = x4[job.q0 + m];
    let bot = bottom_pairs(job, m);
    // Row-major order, as the general kernel and the reference sum; × 0.25 is exactly / 4.
    y[job.y0 + 2u * m] = (top.x + top.y + bot.x + bot.y) * 0.25;
    if (2u * m + 1u < ow) { y[job.y0 + 2u * m + 1u] = (top.z + top.w + bot.z + bot.w) * 0.25; }
  }
  zero_y_padding(job);
}

@compute @workgroup_size(WorkgroupSize)
fn max_forward_k2(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.channels * params.out_h) { return; }
  let job = row_job(t);
  let ow = params.out_w;
  let row_at = 2u * job.i * params.in_w;
  for (var m = 0u; 2u * m < ow; m++) {
    let top = x4[job.q0 + m];
    let bot = bottom_pairs(job, m);
    let lo = max_window(top.xy, bot.xy, row_at + 4u * m);
    y[job.y0 + 2u * m] = lo.v;
    argmax[job.y0 + 2u * m] = lo.at;
    if (2u * m + 1u < ow) {
      let hi = max_window(top.zw, bot.zw, row_at + 4u * m + 2u);
      y[job.y0 + 2u * m + 1u] = hi.v;
      argmax[job.y0 + 2u * m + 1u] = hi.at;
    }
  }
  zero_y_padding(job);
}

// The backward writes the row pair's OW vec4s of dX, one per iteration: vec4 q holds pairs p = 2q and
// 2q + 1 of the 2·OW (top row, then bottom row), pair p = a·OW + j under output j, and its elements sit at
// 2iW + 4q + {0..3} within the channel. An odd H leaves the plane's last row under no window: its
// invocation writes that row's zeros (W % 4 == 0 there, since H·W % 4 == 0).

// The output column under pair p of the row pair.
fn pair_col(p: u32) -> u32 {
  return p - select(0u, params.out_w, p >= params.out_w);
}

fn zero_leftover_row(job: RowJob) {
  if ((params.in_h & 1u) == 0u || job.i + 1u != params.out_h) { return; }
  for (var q = 0u; q < params.in_w / 4u; q++) { dx4[job.q0 + params.out_w + q] = vec4f(0.0); }
}

@compute @workgroup_size(WorkgroupSize)
fn avg_backward_k2(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.channels * params.out_h) { return; }
  let job = row_job(t);
  for (var q = 0u; q < params.out_w; q++) {
    let g0 = dy[job.y0 + pair_col(2u * q)] * 0.25;
    let g1 = dy[job.y0 + pair_col(2u * q + 1u)] * 0.25;
    dx4[job.q0 + q] = activation_grad4(vec4f(g0, g0, g1, g1), x4[job.q0 + q], InputActivation);
  }
  zero_leftover_row(job);
}

@compute @workgroup_size(WorkgroupSize)
fn max_backward_k2(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.channels * params.out_h) { return; }
  let job = row_job(t);
  let row_at = 2u * job.i * params.in_w;
  for (var q = 0u; q < params.out_w; q++) {
    let o0 = job.y0 + pair_col(2u * q);
    let o1 = job.y0 + pair_col(2u * q + 1u);
    let a0 = argmax[o0];
    let a1 = argmax[o1];
    let g0 = dy[o0];
    let g1 = dy[o1];
    // Each element gets its window's gradient where it is the window's recorded maximum.
    let at = vec4u(row_at + 4u * q) + vec4u(0u, 1u, 2u, 3u);
    let g = select(vec4f(0.0), vec4f(g0, g0, g1, g1), vec4u(a0, a0, a1, a1) == at);
    dx4[job.q0 + q] = activation_grad4(g, x4[job.q0 + q], InputActivation);
  }
  zero_leftover_row(job);
}
