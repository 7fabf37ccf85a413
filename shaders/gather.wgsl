// Batch gather: the examples order[batch_start + b] of a split, normalised (x·scale + shift), and their
// labels; optionally augmented (training) and resized, per batch, so no resized or augmented dataset is
// ever materialised. The dataset stays on the GPU in its stored type (bytes packed four to a u32, or
// f32 bits) and may span several buffers ("chunks"): one dispatch per chunk, each writing only the rows
// whose example lies inside it. src/reference/gather.ts is the CPU twin; its header states the math:
//   gather:         out[b, j] = data[idx, j]·scale[j] + shift[j], a vec4 of features an invocation
//   gather_image:   + bilinear resize to (out_h, out_w): PyTorch's align_corners=False, no antialias
//   gather_augment: + random crop on the raw image padded with zero pixels, then horizontal flip, drawn
//                   from (epoch key, example index) (random.wgsl), before normalising and resizing

struct Params {
  rows: u32,         // B
  features: u32,     // D = C·H·W, source features per example
  stride4: u32,      // vec4s per output row: pad4(out_features) / 4
  chunk_start: u32,  // first example held by this chunk
  chunk_rows: u32,   // examples held by this chunk
  channels: u32,     // C (image entry points)
  in_h: u32,
  in_w: u32,
  out_h: u32,        // = in_h without a resize
  out_w: u32,
  out_features: u32, // C·out_h·out_w
  crop: u32,         // crop padding p (0: no crop)
  flip: u32,         // 1: random horizontal flip
  resize: u32,       // 1: bilinear resize (else out = in)
  scale_y: f32,      // in_h / out_h
  scale_x: f32,      // in_w / out_w
}

// The epoch's augmentation key, augmentKey(seed, epoch), written once per epoch.
struct Augment {
  key: u32,
}

override WorkgroupSize: u32 = 64;
// 1: data holds bytes packed little-endian four to a u32; 0: data holds f32 bits.
override FromBytes: u32 = 1;

@group(0) @binding(0) var<uniform> params: Params;
// order: the epoch's permutation of example indices (validation: the identity)
@group(0) @binding(1) var<storage, read> order: array<u32>;
// scale, shift: (pad4(D) / 4,) vec4s of the per-feature affine map at the source resolution; zero in the padding
@group(0) @binding(2) var<storage, read> scale: array<vec4f>;
@group(0) @binding(3) var<storage, read> shift: array<vec4f>;
// labels: (N,) u32, the whole split
@group(0) @binding(4) var<storage, read> labels: array<u32>;
// x: (B, stride4) vec4s out, zeros past out_features; y: (B,) labels out
@group(0) @binding(5) var<storage, read_write> x: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> y: array<u32>;
// data: this chunk's examples, (chunk_rows, D) bytes or f32 bits
@group(0) @binding(7) var<storage, read> data: array<u32>;
@group(0) @binding(8) var<uniform> augment: Augment;
@group(1) @binding(0) var<uniform> step: Step;

// Element e of the chunk as a float.
fn fetch(e: u32) -> f32 {
  if (FromBytes == 1u) { return f32((data[e >> 2u] >> ((e & 3u) * 8u)) & 0xffu); }
  return bitcast<f32>(data[e]);
}

// Which example invocation t works on: (b, vec4 q, 1 + index within the chunk), or z = 0 when the row is
// past the batch or its example lies in another chunk. The q = 0 invocation writes the label.
fn source(t: u32) -> vec3u {
  let b = t / params.stride4;
  let q = t % params.stride4;
  if (b >= params.rows) { return vec3u(0u); }
  let idx = order[step.batch_start + b];
  if (idx < params.chunk_start || idx - params.chunk_start >= params.chunk_rows) { return vec3u(0u); }
  if (q == 0u) { y[b] = labels[idx]; }
  return vec3u(b, q, idx - params.chunk_start + 1u);
}

@compute @workgroup_size(WorkgroupSize)
fn gather(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = source(linear_index(gid, nwg, WorkgroupSize));
  if (s.z == 0u) { return; }
  let base = (s.z - 1u) * params.features;
  let j = 4u * s.y;
  var v = vec4f(0.0);
  if (FromBytes == 1u && (params.features & 3u) == 0u) {
    // Rows start on a word: one load gives the four bytes.
    let w = data[(base + j) >> 2u];
    v = vec4f(f32(w & 0xffu), f32((w >> 8u) & 0xffu), f32((w >> 16u) & 0xffu), f32(w >> 24u));
  } else {
    for (var l = 0u; l < 4u; l++) {
      if (j + l < params.features) { v[l] = fetch(base + j + l); }
    }
  }
  x[s.x * params.stride4 + s.y] = v * scale[s.y] + shift[s.y];
}

// An example's augmentation: crop offsets (each in [0, 2p]) and flip.
struct Draw { oy: i32, ox: i32, flip: bool }

// ⌊(r >> 16)·n / 2^16⌋ for n = 2p + 1: exact in u32 (the reference's augmentDraw).
fn draw_of(index: u32) -> Draw {
  let k = mix_key(augment.key, index);
  let n = 2u * params.crop + 1u;
  let oy = ((mix_key(k, 0u) >> 16u) * n) >> 16u;
  let ox = ((mix_key(k, 1u) >> 16u) * n) >> 16u;
  return Draw(i32(oy) - i32(params.crop), i32(ox) - i32(params.crop), params.flip == 1u && (mix_key(k, 2u) >> 31u) == 1u);
}

// The normalised value of the (augmented) source image at channel c, row ay, column ax: the raw pixel
// under the crop window and flip (raw zero outside the image), normalised by the affine map at (c, ay, ax).
fn value_at(base: u32, c: u32, ay: u32, ax: u32, d: Draw) -> f32 {
  let sy = i32(ay) + d.oy;
  let sx = i32(select(ax, params.in_w - 1u - ax, d.flip)) + d.ox;
  let inside = sy >= 0 && sy < i32(params.in_h) && sx >= 0 && sx < i32(params.in_w);
  let raw = select(0.0, fetch(base + (c * params.in_h + u32(max(sy, 0))) * params.in_w + u32(max(sx, 0))), inside);
  let j = (c * params.in_h + ay) * params.in_w + ax;
  return raw * scale[j >> 2u][j & 3u] + shift[j >> 2u][j & 3u];
}

// One tap pair along an axis: output o of `out` from `size` inputs, source s = max((o + ½)·scale − ½, 0).
struct Taps { i0: u32, i1: u32, l: f32 }

fn taps(o: u32, size: u32, scale: f32) -> Taps {
  let s = max((f32(o) + 0.5) * scale - 0.5, 0.0);
  let i0 = min(u32(s), size - 1u);
  return Taps(i0, min(i0 + 1u, size - 1u), s - f32(i0));
}

// Output feature j of an example: (c, oy, ox), bilinear over the augmented, normalised source.
fn image_value(base: u32, j: u32, d: Draw) -> f32 {
  let plane = params.out_h * params.out_w;
  let c = j / plane;
  let oy = (j % plane) / params.out_w;
  let ox = j % params.out_w;
  if (params.resize == 0u) { return value_at(base, c, oy, ox, d); }
  let ty = taps(oy, params.in_h, params.scale_y);
  let tx = taps(ox, params.in_w, params.scale_x);
  let top = (1.0 - tx.l) * value_at(base, c, ty.i0, tx.i0, d) + tx.l * value_at(base, c, ty.i0, tx.i1, d);
  let bottom = (1.0 - tx.l) * value_at(base, c, ty.i1, tx.i0, d) + tx.l * value_at(base, c, ty.i1, tx.i1, d);
  return (1.0 - ty.l) * top + ty.l * bottom;
}

// Four consecutive output features of example s.z − 1 (of this chunk) into row s.x, zeros past out_features.
fn image_vec4(s: vec3u, d: Draw) {
  let base = (s.z - 1u) * params.features;
  var v = vec4f(0.0);
  for (var l = 0u; l < 4u; l++) {
    let j = 4u * s.y + l;
    if (j < params.out_features) { v[l] = image_value(base, j, d); }
  }
  x[s.x * params.stride4 + s.y] = v;
}

@compute @workgroup_size(WorkgroupSize)
fn gather_image(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = source(linear_index(gid, nwg, WorkgroupSize));
  if (s.z == 0u) { return; }
  image_vec4(s, Draw(0, 0, false));
}

@compute @workgroup_size(WorkgroupSize)
fn gather_augment(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let s = source(linear_index(gid, nwg, WorkgroupSize));
  if (s.z == 0u) { return; }
  image_vec4(s, draw_of(params.chunk_start + s.z - 1u));
}
