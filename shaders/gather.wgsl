// Batch gather + normalise: out[b] = data[order[batch_start + b]] * scale + shift, one invocation per
// (row, vec4 of features), and the label beside it. The dataset stays on the GPU in its stored type
// (bytes stay bytes, packed four to a u32); it may span several buffers ("chunks"), one dispatch per
// chunk, each writing only the rows whose source index falls inside it.

struct Params {
  rows: u32,        // B
  features: u32,    // D, real features per example
  stride4: u32,     // vec4s per output row (D padded to a multiple of 4, over 4)
  chunk_start: u32, // first example held by this chunk
  chunk_rows: u32,  // examples held by this chunk
}

struct Step {
  step: u32,
  batch_start: u32,
  slot: u32,
  lr: f32,
}

override WorkgroupSize: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
// order: the epoch's permutation of example indices (validation: the identity)
@group(0) @binding(1) var<storage, read> order: array<u32>;
// scale, shift: (stride4,) vec4s of the per-feature affine map; zero in the padding
@group(0) @binding(2) var<storage, read> scale: array<vec4f>;
@group(0) @binding(3) var<storage, read> shift: array<vec4f>;
// labels: (N,) u32, the whole split
@group(0) @binding(4) var<storage, read> labels: array<u32>;
// x: (B, stride4) vec4s out; y: (B,) labels out
@group(0) @binding(5) var<storage, read_write> x: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> y: array<u32>;
// data: this chunk's features, bytes packed little-endian four to a u32 (gather_u8) or f32 (gather_f32)
@group(0) @binding(7) var<storage, read> data_u8: array<u32>;
@group(0) @binding(8) var<storage, read> data_f32: array<f32>;
@group(1) @binding(0) var<uniform> step: Step;

fn byte_at(e: u32) -> f32 {
  return f32((data_u8[e >> 2u] >> ((e & 3u) * 8u)) & 0xffu);
}

// The source row for invocation (b, c), or none when it lies in another chunk.
fn source(gid: vec3u, nwg: vec3u) -> vec3u {
  let t = gid.x + gid.y * nwg.x * WorkgroupSize;
  let b = t / params.stride4;
  let c = t % params.stride4;
  if (b >= params.rows) { return vec3u(0u, 0u, 0u); }
  let idx = order[step.batch_start + b];
  if (idx < params.chunk_start || idx - params.chunk_start >= params.chunk_rows) { return vec3u(0u, 0u, 0u); }
  if (c == 0u) { y[b] = labels[idx]; }
  return vec3u(b, c, (idx - params.chunk_start) + 1u);
}

@compute @workgroup_size(WorkgroupSize)
fn gather_u8(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = source(gid, nwg);
  if (s.z == 0u) { return; }
  let base = (s.z - 1u) * params.features;
  let j = 4u * s.y;
  var v = vec4f(0.0);
  if ((params.features & 3u) == 0u) {
    // Rows start on a word: one load gives the four bytes.
    let w = data_u8[(base + j) >> 2u];
    v = vec4f(f32(w & 0xffu), f32((w >> 8u) & 0xffu), f32((w >> 16u) & 0xffu), f32(w >> 24u));
  } else {
    for (var q = 0u; q < 4u; q++) {
      if (j + q < params.features) { v[q] = byte_at(base + j + q); }
    }
  }
  x[s.x * params.stride4 + s.y] = v * scale[s.y] + shift[s.y];
}

@compute @workgroup_size(WorkgroupSize)
fn gather_f32(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = source(gid, nwg);
  if (s.z == 0u) { return; }
  let base = (s.z - 1u) * params.features;
  let j = 4u * s.y;
  var v = vec4f(0.0);
  for (var q = 0u; q < 4u; q++) {
    if (j + q < params.features) { v[q] = data_f32[base + j + q]; }
  }
  x[s.x * params.stride4 + s.y] = v * scale[s.y] + shift[s.y];
}
