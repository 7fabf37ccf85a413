// Conv2d forward, computed directly (no im2col matrix) and register-blocked: PyTorch's cross-correlation
// with square kernels, stride and zero padding, bias and the following activation fused.
//   conv_forward:      y[b, o, i, j] = act(bias[o] + Σ_{c,ky,kx} w[c·k² + ky·k + kx, o] · x[b, c, i·s−pad+ky, j·s−pad+kx])
//                      eight channels × four pixels an invocation
//   conv_forward_wide: the same for 5×5 kernels at stride 1, eight channels × eight pixels an invocation

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

// Where an invocation works: example b, channel quads qa and qb (eight channels), output row oy and
// pixel group g; pixel groups run fastest, then rows, then channel blocks, then examples.
struct Tile { b: u32, qa: u32, qb: u32, oy: u32, g: u32 }

fn tile_at(t: u32, groups: u32, blocks: u32) -> Tile {
  let qa = 2u * ((t / (groups * params.out_h)) % blocks);
  return Tile(t / (groups * params.out_h * blocks), qa, min(qa + 1u, params.c4 - 1u), (t / groups) % params.out_h, t % groups);
}

// The first invocation of an example also zeroes its row's padding past out_c·P.
fn zero_padding(t: u32, b: u32, per_example: u32) {
  if (t % per_example != 0u) { return; }
  for (var p = params.out_c * params.out_h * params.out_w; p < params.dst_stride; p++) { dst[b * params.dst_stride + p] = 0.0; }
}

// One invocation per (b, 8-channel block, output row, 4-pixel group), pixel groups fastest: four
// neighbouring outputs share each loaded input (stride 1: one new load per tap) and each weight load
// feeds eight channels.
@compute @workgroup_size(WorkgroupSize)
fn conv_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = linear_index(gid, nwg, WorkgroupSize);
  let groups = (params.out_w + 3u) / 4u;
  let blocks = (params.c4 + 1u) / 2u;
  let per_example = blocks * params.out_h * groups;
  if (t >= params.rows * per_example) { return; }
  let tile = tile_at(t, groups, blocks);
  let b = tile.b; let qa = tile.qa; let qb = tile.qb; let oy = tile.oy; let g = tile.g;
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
  zero_padding(t, b, per_example);
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
  let per_example = blocks * params.out_h * groups;
  if (t >= params.rows * per_example) { return; }
  let tile = tile_at(t, groups, blocks);
  let b = tile.b; let qa = tile.qa; let qb = tile.qb; let oy = tile.oy; let g = tile.g;
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
  zero_padding(t, b, per_example);
}

