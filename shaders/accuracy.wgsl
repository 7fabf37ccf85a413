// Fused accuracy: argmax over the class axis → compare with the label → count, one invocation per row.
// Ties go to the first index (NumPy/JAX argmax); a row holding a NaN counts as wrong. NaN is found from
// the bits, since `x != x` is folded to false by some compilers (SwiftShader). Counts are integers, so
// the workgroup and global atomics give the same total in any order.

struct Params {
  rows: u32,    // examples in this batch
  classes: u32, // real classes
  stride: u32,  // row stride of logits in floats
}

override WorkgroupSize: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
// logits: (rows, stride) row-major f32
@group(0) @binding(1) var<storage, read> logits: array<f32>;
// labels: (rows,) u32
@group(0) @binding(2) var<storage, read> labels: array<u32>;
// correct: a running count, added to (zeroed by the host once per validation pass)
@group(0) @binding(3) var<storage, read_write> correct: atomic<u32>;

var<workgroup> hits: atomic<u32>;

fn is_nan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

@compute @workgroup_size(WorkgroupSize)
fn accuracy(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u,
            @builtin(local_invocation_index) lid: u32) {
  if (lid == 0u) { atomicStore(&hits, 0u); }
  workgroupBarrier();
  let b = gid.x + gid.y * nwg.x * WorkgroupSize;
  if (b < params.rows) {
    let base = b * params.stride;
    var best = logits[base];
    var arg = 0u;
    var nan = is_nan(best);
    for (var j = 1u; j < params.classes; j++) {
      let v = logits[base + j];
      nan = nan || is_nan(v);
      if (v > best) { best = v; arg = j; }
    }
    if (!nan && arg == labels[b]) { atomicAdd(&hits, 1u); }
  }
  workgroupBarrier();
  if (lid == 0u) { atomicAdd(&correct, atomicLoad(&hits)); }
}
