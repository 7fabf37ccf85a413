// Bias gradient: column sums of the output gradient, db[c] = Σ_b dY[b, c], one invocation per vec4 of
// columns, rows added in order (deterministic, no atomics).

struct Params {
  rows: u32,  // B
  cols4: u32, // vec4 columns
}

override WorkgroupSize: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
// dy: (rows, cols4) vec4s
@group(0) @binding(1) var<storage, read> dy: array<vec4f>;
// db: (cols4,) vec4s
@group(0) @binding(2) var<storage, read_write> db: array<vec4f>;

@compute @workgroup_size(WorkgroupSize)
fn bias_grad(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= params.cols4) { return; }
  var s = vec4f(0.0);
  for (var b = 0u; b < params.rows; b++) { s += dy[b * params.cols4 + c]; }
  db[c] = s;
}
