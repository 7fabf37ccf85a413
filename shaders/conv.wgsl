// Conv2d computed directly (no im2col matrix), register-blocked: PyTorch's cross-correlation with square
// kernels, stride and zero padding. Activations are NCHW per example with a padded row stride (zeros
// past C·H·W); a weight sits in the arena as (Kp, Cp) = (pad4(Cin·k²), pad4(Cout)), row
// kk = ci·k² + ky·k + kx, so one vec4 load gives four output channels' weights.
//   conv_forward:        y[b, o, i, j] = act(bias[o] + Σ_{c,ky,kx} w[c·k² + ky·k + kx, o] · x[b, c, i·s−pad+ky, j·s−pad+kx])
//                        (conv_forward_wide: the same for 5×5 at stride 1, eight pixels an invocation)
//   to_pixels:           dY (NCHW) → dYp (B·P, Cp): pixel-major, four channels a vec4, zeros past Cout
//   weight_grad_partial: partial[t, kk, o] = Σ_{(b, i) rows of chunk t} Σ_j xcol · dYp   (row kk = K: the bias),
//                        five taps × eight channels an invocation
//   weight_grad_reduce:  dW[kk] = Σ_t partial[t, kk] (fixed order); db = Σ_t partial[t, K]
//   col_to_input:        dX[b, c, y, x] = act'_in(Σ over the outputs covering (y, x) of dcol[b, oy, ox, kk]),
//                        where dcol = dYp · Wᵀ comes from the register-blocked matmul (nt)

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

// y[b, 4q..4q+3, pixel] = act(v + bias); channels past out_c are skipped.
fn emit4(b: u32, q: u32, pixel: u32, v: vec4f) {
  let plane = params.out_h * params.out_w;
  let at = b * params.dst_stride + 4u * q * plane + pixel;
  let n = min(4u, params.out_c - min(4u * q, params.out_c));
  let z = v + bias[q];
  if (n > 0u) { dst[at] = activate(z.x, Activation); }
  if (n > 1u) { dst[at + plane] = activate(z.y, Activation); }
  if (n > 2u) { dst[at + 2u * plane] = activate(z.z, Activation); }
  if (n > 3u) { dst[at + 3u * plane] = activate(z.w, Activation); }
}

// Writes one pixel of a block: channels 4qa..4qa+3 and (when they exist) the next four.
fn emit_pixel(b: u32, qa: u32, oy: u32, ox: u32, va: vec4f, vb: vec4f) {
  if (ox >= params.out_w) { return; }
  let pixel = oy * params.out_w + ox;
  emit4(b, qa, pixel, va);
  if (qa + 1u < params.c4) { emit4(b, qa + 1u, pixel, vb); }
}

// One invocation per (b, 8-channel block, output row, 4-pixel group), pixel groups fastest: four
// neighbouring outputs share each loaded input (stride 1: one new load per tap) and each weight load
// feeds eight channels.
@compute @workgroup_size(WorkgroupSize)
fn conv_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  let groups = (params.out_w + 3u) / 4u;
  let blocks = (params.c4 + 1u) / 2u;
  if (t >= params.rows * blocks * params.out_h * groups) { return; }
  let g = t % groups;
  let oy = (t / groups) % params.out_h;
  let block = (t / (groups * params.out_h)) % blocks;
  let b = t / (groups * params.out_h * blocks);
  let qa = 2u * block;
  let qb = min(qa + 1u, params.c4 - 1u);
  let k = params.kernel;
  let s = params.stride;
  let ix0 = i32(4u * g * s) - i32(params.padding);
  var a0 = vec4f(0.0); var b0 = vec4f(0.0);
  var a1 = vec4f(0.0); var b1 = vec4f(0.0);
  var a2 = vec4f(0.0); var b2 = vec4f(0.0);
  var a3 = vec4f(0.0); var b3 = vec4f(0.0);
  for (var c = 0u; c < params.in_c; c++) {
    for (var ky = 0u; ky < k; ky++) {
      let iy = i32(oy * s + ky) - i32(params.padding);
      if (iy < 0 || iy >= i32(params.in_h)) { continue; }
      let row = b * params.src_stride + (c * params.in_h + u32(iy)) * params.in_w;
      let wrow = (c * k + ky) * k;
      if (s == 1u && k == 5u) {
        // LeNet's 5×5 at stride 1, unrolled (SwiftShader does not unroll loops): eight inputs and ten
        // weight loads feed forty vec4 products.
        let x0 = src_at(row, ix0);
        let x1 = src_at(row, ix0 + 1);
        let x2 = src_at(row, ix0 + 2);
        let x3 = src_at(row, ix0 + 3);
        let x4 = src_at(row, ix0 + 4);
        let x5 = src_at(row, ix0 + 5);
        let x6 = src_at(row, ix0 + 6);
        let x7 = src_at(row, ix0 + 7);
        let c4 = params.c4;
        let wi = wrow * c4;
        let w0a = w[wi + qa]; let w0b = w[wi + qb];
        let w1a = w[wi + c4 + qa]; let w1b = w[wi + c4 + qb];
        let w2a = w[wi + 2u * c4 + qa]; let w2b = w[wi + 2u * c4 + qb];
        let w3a = w[wi + 3u * c4 + qa]; let w3b = w[wi + 3u * c4 + qb];
        let w4a = w[wi + 4u * c4 + qa]; let w4b = w[wi + 4u * c4 + qb];
        a0 += x0 * w0a + x1 * w1a + x2 * w2a + x3 * w3a + x4 * w4a;
        b0 += x0 * w0b + x1 * w1b + x2 * w2b + x3 * w3b + x4 * w4b;
        a1 += x1 * w0a + x2 * w1a + x3 * w2a + x4 * w3a + x5 * w4a;
        b1 += x1 * w0b + x2 * w1b + x3 * w2b + x4 * w3b + x5 * w4b;
        a2 += x2 * w0a + x3 * w1a + x4 * w2a + x5 * w3a + x6 * w4a;
        b2 += x2 * w0b + x3 * w1b + x4 * w2b + x5 * w3b + x6 * w4b;
        a3 += x3 * w0a + x4 * w1a + x5 * w2a + x6 * w3a + x7 * w4a;
        b3 += x3 * w0b + x4 * w1b + x5 * w2b + x6 * w3b + x7 * w4b;
      } else if (s == 1u) {
        // A sliding window: the four pixels' inputs for tap kx are x[ix0 + kx + j].
        var x0 = src_at(row, ix0);
        var x1 = src_at(row, ix0 + 1);
        var x2 = src_at(row, ix0 + 2);
        var x3 = src_at(row, ix0 + 3);
        for (var kx = 0u; kx < k; kx++) {
          let wa = w[(wrow + kx) * params.c4 + qa];
          let wb = w[(wrow + kx) * params.c4 + qb];
          a0 += x0 * wa; b0 += x0 * wb;
          a1 += x1 * wa; b1 += x1 * wb;
          a2 += x2 * wa; b2 += x2 * wb;
          a3 += x3 * wa; b3 += x3 * wb;
          x0 = x1; x1 = x2; x2 = x3;
          x3 = src_at(row, ix0 + i32(kx) + 4);
        }
      } else {
        for (var kx = 0u; kx < k; kx++) {
          let wa = w[(wrow + kx) * params.c4 + qa];
          let wb = w[(wrow + kx) * params.c4 + qb];
          let x0 = src_at(row, ix0 + i32(kx));
          let x1 = src_at(row, ix0 + i32(kx + s));
          let x2 = src_at(row, ix0 + i32(kx + 2u * s));
          let x3 = src_at(row, ix0 + i32(kx + 3u * s));
          a0 += x0 * wa; b0 += x0 * wb;
          a1 += x1 * wa; b1 += x1 * wb;
          a2 += x2 * wa; b2 += x2 * wb;
          a3 += x3 * wa; b3 += x3 * wb;
        }
      }
    }
  }
  emit_pixel(b, qa, oy, 4u * g, a0, b0);
  emit_pixel(b, qa, oy, 4u * g + 1u, a1, b1);
  emit_pixel(b, qa, oy, 4u * g + 2u, a2, b2);
  emit_pixel(b, qa, oy, 4u * g + 3u, a3, b3);
  // The row's padding past out_c·P stays zero.
  let used = params.out_c * params.out_h * params.out_w;
  if (t % (blocks * params.out_h * groups) == 0u) {
    for (var p = used; p < params.dst_stride; p++) { dst[b * params.dst_stride + p] = 0.0; }
  }
}

// Sixteen accumulators: pixels 0..7 of a row × channel quads a and b.
struct Wide {
  a0: vec4f, a1: vec4f, a2: vec4f, a3: vec4f, a4: vec4f, a5: vec4f, a6: vec4f, a7: vec4f,
  b0: vec4f, b1: vec4f, b2: vec4f, b3: vec4f, b4: vec4f, b5: vec4f, b6: vec4f, b7: vec4f,
}

// conv_forward for 5×5 kernels at stride 1 with eight pixels an invocation: per kernel row, twelve
// inputs and ten weight loads feed eighty vec4 products (the wrapper picks it when rows are wide).
@compute @workgroup_size(WorkgroupSize)
fn conv_forward_wide(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  let groups = (params.out_w + 7u) / 8u;
  let blocks = (params.c4 + 1u) / 2u;
  if (t >= params.rows * blocks * params.out_h * groups) { return; }
  let g = t % groups;
  let oy = (t / groups) % params.out_h;
  let block = (t / (groups * params.out_h)) % blocks;
  let b = t / (groups * params.out_h * blocks);
  let qa = 2u * block;
  let qb = min(qa + 1u, params.c4 - 1u);
  let c4 = params.c4;
  let ix0 = i32(8u * g) - i32(params.padding);
  var a: Wide;
  for (var c = 0u; c < params.in_c; c++) {
    for (var ky = 0u; ky < 5u; ky++) {
      let iy = i32(oy + ky) - i32(params.padding);
      if (iy < 0 || iy >= i32(params.in_h)) { continue; }
      let row = b * params.src_stride + (c * params.in_h + u32(iy)) * params.in_w;
      let wi = ((c * 5u + ky) * 5u) * c4;
      let w0a = w[wi + qa]; let w0b = w[wi + qb];
      let w1a = w[wi + c4 + qa]; let w1b = w[wi + c4 + qb];
      let w2a = w[wi + 2u * c4 + qa]; let w2b = w[wi + 2u * c4 + qb];
      let w3a = w[wi + 3u * c4 + qa]; let w3b = w[wi + 3u * c4 + qb];
      let w4a = w[wi + 4u * c4 + qa]; let w4b = w[wi + 4u * c4 + qb];
      var x0 = src_at(row, ix0);
      var x1 = src_at(row, ix0 + 1);
      var x2 = src_at(row, ix0 + 2);
      var x3 = src_at(row, ix0 + 3);
      var x4 = src_at(row, ix0 + 4);
      // Pixel p takes inputs p..p+4; slide the five-input window along the eight pixels.
      a.a0 += x0 * w0a + x1 * w1a + x2 * w2a + x3 * w3a + x4 * w4a;
      a.b0 += x0 * w0b + x1 * w1b + x2 * w2b + x3 * w3b + x4 * w4b;
      x0 = src_at(row, ix0 + 5);
      a.a1 += x1 * w0a + x2 * w1a + x3 * w2a + x4 * w3a + x0 * w4a;
      a.b1 += x1 * w0b + x2 * w1b + x3 * w2b + x4 * w3b + x0 * w4b;
      x1 = src_at(row, ix0 + 6);
      a.a2 += x2 * w0a + x3 * w1a + x4 * w2a + x0 * w3a + x1 * w4a;
      a.b2 += x2 * w0b + x3 * w1b + x4 * w2b + x0 * w3b + x1 * w4b;
      x2 = src_at(row, ix0 + 7);
      a.a3 += x3 * w0a + x4 * w1a + x0 * w2a + x1 * w3a + x2 * w4a;
      a.b3 += x3 * w0b + x4 * w1b + x0 * w2b + x1 * w3b + x2 * w4b;
      x3 = src_at(row, ix0 + 8);
      a.a4 += x4 * w0a + x0 * w1a + x1 * w2a + x2 * w3a + x3 * w4a;
      a.b4 += x4 * w0b + x0 * w1b + x1 * w2b + x2 * w3b + x3 * w4b;
      x4 = src_at(row, ix0 + 9);
      a.a5 += x0 * w0a + x1 * w1a + x2 * w2a + x3 * w3a + x4 * w4a;
      a.b5 += x0 * w0b + x1 * w1b + x2 * w2b + x3 * w3b + x4 * w4b;
      x0 = src_at(row, ix0 + 10);
      a.a6 += x1 * w0a + x2 * w1a + x3 * w2a + x4 * w3a + x0 * w4a;
      a.b6 += x1 * w0b + x2 * w1b + x3 * w2b + x4 * w3b + x0 * w4b;
      x1 = src_at(row, ix0 + 11);
      a.a7 += x2 * w0a + x3 * w1a + x4 * w2a + x0 * w3a + x1 * w4a;
      a.b7 += x2 * w0b + x3 * w1b + x4 * w2b + x0 * w3b + x1 * w4b;
    }
  }
  let ox = 8u * g;
  emit_pixel(b, qa, oy, ox, a.a0, a.b0);
  emit_pixel(b, qa, oy, ox + 1u, a.a1, a.b1);
  emit_pixel(b, qa, oy, ox + 2u, a.a2, a.b2);
  emit_pixel(b, qa, oy, ox + 3u, a.a3, a.b3);
  emit_pixel(b, qa, oy, ox + 4u, a.a4, a.b4);
  emit_pixel(b, qa, oy, ox + 5u, a.a5, a.b5);
  emit_pixel(b, qa, oy, ox + 6u, a.a6, a.b6);
  emit_pixel(b, qa, oy, ox + 7u, a.a7, a.b7);
  let used = params.out_c * params.out_h * params.out_w;
  if (t % (blocks * params.out_h * groups) == 0u) {
    for (var p = used; p < params.dst_stride; p++) { dst[b * params.dst_stride + p] = 0.0; }
  }
}

// One invocation per (b·P + p, channel quad q).
@compute @workgroup_size(WorkgroupSize)
fn to_pixels(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  let P = params.out_h * params.out_w;
  if (t >= params.rows * P * params.c4) { return; }
  let q = t % params.c4;
  let e = t / params.c4;
  let b = e / P;
  let p = e % P;
  var v = vec4f(0.0);
  for (var l = 0u; l < 4u; l++) {
    let o = 4u * q + l;
    if (o < params.out_c) { v[l] = src[b * params.dst_stride + o * P + p]; }
  }
  dyp[t] = v;
}

// Σ over one run of output pixels of x-taps × dYp for two channel quads (qa, qb): five weight rows
// (taps kx0..kx0+4 of one kernel row) share each loaded input, each dYp load feeds five products.
struct TapSums {
  a0: vec4f, a1: vec4f, a2: vec4f, a3: vec4f, a4: vec4f,
  b0: vec4f, b1: vec4f, b2: vec4f, b3: vec4f, b4: vec4f,
}

// One invocation per (chunk, slot, channel-quad pair), pairs fastest. A slot is (c, ky, 5-tap group of
// kx); the last slot is the bias row. A chunk is a run of (b, output row) pairs; along a row the taps'
// inputs slide (stride 1: one new load per output pixel).
@compute @workgroup_size(WorkgroupSize)
fn weight_grad_partial(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  let k = params.kernel;
  let taps = (k + 4u) / 5u;
  let pairs = (params.c4 + 1u) / 2u;
  let slots = params.in_c * k * taps + 1u;
  if (t >= params.chunks * slots * pairs) { return; }
  let qa = 2u * (t % pairs);
  let qb = min(qa + 1u, params.c4 - 1u);
  let has_b = qa + 1u < params.c4;
  let slot = (t / pairs) % slots;
  let chunk = t / (pairs * slots);
  let kk_count = params.in_c * k * k;
  let P = params.out_h * params.out_w;
  let first = chunk * params.chunk_rows;
  let last = min(params.rows * params.out_h, first + params.chunk_rows);
  let base = chunk * (kk_count + 1u) * params.c4;
  if (slot == slots - 1u) {
    var sa = vec4f(0.0);
    var sb = vec4f(0.0);
    for (var r = first; r < last; r++) {
      let e0 = (r / params.out_h) * P + (r % params.out_h) * params.out_w;
      for (var ox = 0u; ox < params.out_w; ox++) {
        sa += dyp[(e0 + ox) * params.c4 + qa];
        sb += dyp[(e0 + ox) * params.c4 + qb];
      }
    }
    partials[base + kk_count * params.c4 + qa] = sa;
    if (has_b) { partials[base + kk_count * params.c4 + qb] = sb; }
    return;
  }
  let c = slot / (k * taps);
  let ky = (slot / taps) % k;
  let kx0 = 5u * (slot % taps);
  let s = params.stride;
  var d: TapSums;
  for (var r = first; r < last; r++) {
    let b = r / params.out_h;
    let oy = r % params.out_h;
    let iy = i32(oy * s + ky) - i32(params.padding);
    if (iy < 0 || iy >= i32(params.in_h)) { continue; }
    let row = b * params.src_stride + (c * params.in_h + u32(iy)) * params.in_w;
    let e0 = (b * P + oy * params.out_w) * params.c4;
    let ix0 = i32(kx0) - i32(params.padding);
    var x0 = src_at(row, ix0);
    var x1 = src_at(row, ix0 + 1);
    var x2 = src_at(row, ix0 + 2);
    var x3 = src_at(row, ix0 + 3);
    var x4 = src_at(row, ix0 + 4);
    for (var ox = 0u; ox < params.out_w; ox++) {
      let ga = dyp[e0 + ox * params.c4 + qa];
      let gb = dyp[e0 + ox * params.c4 + qb];
      d.a0 += x0 * ga; d.a1 += x1 * ga; d.a2 += x2 * ga; d.a3 += x3 * ga; d.a4 += x4 * ga;
      d.b0 += x0 * gb; d.b1 += x1 * gb; d.b2 += x2 * gb; d.b3 += x3 * gb; d.b4 += x4 * gb;
      let next = ix0 + i32((ox + 1u) * s);
      if (s == 1u) {
        x0 = x1; x1 = x2; x2 = x3; x3 = x4;
        x4 = src_at(row, next + 4);
      } else {
        x0 = src_at(row, next);
        x1 = src_at(row, next + 1);
        x2 = src_at(row, next + 2);
        x3 = src_at(row, next + 3);
        x4 = src_at(row, next + 4);
      }
    }
  }
  let kk = (c * k + ky) * k + kx0;
  store_taps(base + kk * params.c4, qa, qb, has_b, min(5u, k - kx0), d);
}

// partials rows kk..kk+n−1 (n ≤ 5 taps) for quads qa and (has_b) qb.
fn store_taps(at: u32, qa: u32, qb: u32, has_b: bool, n: u32, d: TapSums) {
  let c4 = params.c4;
  partials[at + qa] = d.a0;
  if (n > 1u) { partials[at + c4 + qa] = d.a1; }
  if (n > 2u) { partials[at + 2u * c4 + qa] = d.a2; }
  if (n > 3u) { partials[at + 3u * c4 + qa] = d.a3; }
  if (n > 4u) { partials[at + 4u * c4 + qa] = d.a4; }
  if (!has_b) { return; }
  partials[at + qb] = d.b0;
  if (n > 1u) { partials[at + c4 + qb] = d.b1; }
  if (n > 2u) { partials[at + 2u * c4 + qb] = d.b2; }
  if (n > 3u) { partials[at + 3u * c4 + qb] = d.b3; }
  if (n > 4u) { partials[at + 4u * c4 + qb] = d.b4; }
}

// One invocation per (weight row kk ≤ Kp, channel quad q): partial sums added in chunk order.
@compute @workgroup_size(WorkgroupSize)
fn weight_grad_reduce(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= (params.k_rows + 1u) * params.c4) { return; }
  let q = t % params.c4;
  let kk = t / params.c4;
  let K = params.in_c * params.kernel * params.kernel;
  // Rows K..Kp−1 are the weight's padding; row Kp stands for the bias (partial row K).
  let src_row = select(kk, K, kk == params.k_rows);
  var acc = vec4f(0.0);
  if (kk < K || kk == params.k_rows) {
    for (var c = 0u; c < params.chunks; c++) { acc += partials[(c * (K + 1u) + src_row) * params.c4 + q]; }
  }
  if (kk == params.k_rows) { db[q] = acc; } else { dw[t] = acc; }
}

// One invocation per input element (b, j < src_stride): the columns of every output whose window covers
// it, added in (ky, kx) order (no atomics). src = x, for the producer's activation derivative.
@compute @workgroup_size(WorkgroupSize)
fn col_to_input(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  if (t >= params.rows * params.src_stride) { return; }
  let b = t / params.src_stride;
  let j = t % params.src_stride;
  let plane = params.in_h * params.in_w;
  if (j >= params.in_c * plane) {
    dst[t] = 0.0;
    return;
  }
  let c = j / plane;
  let iy = i32((j % plane) / params.in_w) + i32(params.padding);
  let ix = i32(j % params.in_w) + i32(params.padding);
  let k = params.kernel;
  let s = i32(params.stride);
  let P = params.out_h * params.out_w;
  var acc = 0.0;
  for (var ky = 0u; ky < k; ky++) {
    let ny = iy - i32(ky);
    if (ny < 0 || ny % s != 0 || ny / s >= i32(params.out_h)) { continue; }
    let e_row = b * P + u32(ny / s) * params.out_w;
    let kk_row = (c * k + ky) * k;
    for (var kx = 0u; kx < k; kx++) {
      let nx = ix - i32(kx);
      if (nx < 0 || nx % s != 0 || nx / s >= i32(params.out_w)) { continue; }
      acc += col[(e_row + u32(nx / s)) * params.k_rows + kk_row + kx];
    }
  }
  dst[t] = activation_grad(acc, src[t], InputActivation);
}
