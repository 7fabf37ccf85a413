// Declarations shared by the Conv2d shaders (conv.wgsl: forward; conv-grad.wgsl: gradients), concatenated
// in front of each by src/gpu/shaders.ts. Activations are NCHW per example with a padded row stride
// (zeros past C·H·W); a weight sits in the arena as (Kp, Cp) = (pad4(Cin·k²), pad4(Cout)), row
// kk = ci·k² + ky·k + kx, so one vec4 load gives four output channels' weights.

struct Params {
  rows: u32,       // B
  in_c: u32,       // Cin
  in_h: u32,
  in_w: u32,
  out_c: u32,      // Cout
  out_h: u32,
  out_w: u32,
  kernel: u32,     // k
  stride: u32,
  padding: u32,
  src_stride: u32, // floats per example of x: pad4(Cin·H·W)
  dst_stride: u32, // floats per example of y: pad4(Cout·OH·OW)
  c4: u32,         // vec4s per weight row: pad4(Cout) / 4
  chunks: u32,     // split of the weight-gradient reduction
  chunk_rows: u32, // (b, output row) pairs per chunk
  k_rows: u32,     // Kp: weight rows of the layer (pad4(Cin·k²))
}

override WorkgroupSize: u32 = 64;
// The activation fused into the output, and the producer's, whose derivative the input gradient applies.
override Activation: u32 = 0;
override InputActivation: u32 = 0;

@group(0) @binding(0) var<uniform> params: Params;
// src: (B, src_stride) the layer's input x (the producer's output), or dY (to_pixels, dst_stride)
@group(0) @binding(1) var<storage, read> src: array<f32>;
// w: (Kp, c4) vec4s, the weight in arena layout; bias: (c4,) vec4s
@group(0) @binding(2) var<storage, read> w: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
// dst: (B, dst_stride) y (forward), or (B, src_stride) dX (col_to_input)
@group(0) @binding(4) var<storage, read_write> dst: array<f32>;
// col: (B·P, Kp) the input-gradient columns dcol = dYp · Wᵀ
@group(0) @binding(5) var<storage, read> col: array<f32>;
// dyp: (B·P, c4) vec4s, pixel-major copy of dY
@group(0) @binding(6) var<storage, read_write> dyp: array<vec4f>;
// partials: (chunks, K + 1, c4) vec4s
@group(0) @binding(7) var<storage, read_write> partials: array<vec4f>;
// dw: (Kp, c4) vec4s; db: (c4,) vec4s — sub-ranges of the gradient arena
@group(0) @binding(8) var<storage, read_write> dw: array<vec4f>;
@group(0) @binding(9) var<storage, read_write> db: array<vec4f>;

// src at column ix of a row starting at `row`: 0 outside [0, in_w) (zero padding), never read out of range.
fn src_at(row: u32, ix: i32) -> f32 {
  let inside = ix >= 0 && ix < i32(params.in_w);
  return select(0.0, src[row + u32(clamp(ix, 0, i32(params.in_w) - 1))], inside);
}

