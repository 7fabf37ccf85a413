// Conv2d as implicit GEMM (PyTorch's cross-correlation: square kernel k, stride s, zero padding), one
// register block of rows × vec4 columns per invocation (entry point name: conv_{pass}_{rows}x{cols}). The
// im2col operand is never stored: every load computes its address (and, with padding, its bounds) from
// (pixel, tap) — no buffer larger than the block's registers stands for it. Reductions run in a fixed
// order per invocation (the weight gradient's split over output rows is added up in chunk order by
// conv-grad.wgsl), so a run repeats bit for bit. 1×1 layers without padding skip every bounds check and
// are plain matrix products over the NCHW planes.
// The forward of kernel sizes and strides (k, s) in (1, 1), (1, 2), (3, 1), (3, 2), (5, 1) has entry points of
// its own (conv_forward_k{k}s{s}_{rows}x{cols}): one loop over input channels, every tap written out.
// At stride 1 with k in 1, 3, 5 (and p ≤ k − 1) the input gradient is that forward run on dY
// (conv_input_grad_k{k}s1_{rows}x{cols}): dX = act'_in(conv(dY padded by k − 1 − p, Wf)), Wf the weight
// transposed (Cout in, Cin out) and flipped in both kernel axes (conv-grad.wgsl flip_weight); other
// layers take the phase-grouped GEMM below.
// The weight gradient of (k, s) = (3, 1), (5, 1) has entry points of its own in the blocks of four rows
// (conv_weight_grad_k{k}s{s}_4x{cols}): four output pixels an iteration, every tap written out; the
// heuristic takes them for output rows ≥ 16 wide.
//   forward:      Y[b·P + p, o] = act(bias[o] + Σ_{c, ky, kx} x[b, c, oy·s − pad + ky, ox·s − pad + kx] · w[(c, ky, kx), o])
//                 rows = output pixels (B·OH·OW), columns = output channels, reduction over (c, ky, kx)
//   input_grad:   dX[b, c, iy, ix] = act'_in(Σ_{ky, kx, o} dYp[b, oy, ox, o] · wt[(ky, kx, o), c]) over the
//                 taps with iy + pad − ky = oy·s (and the same along x): rows are ordered by stride phase
//                 ((iy mod s, ix mod s) groups, group_rows each) so a block's taps are (ky₀ + s·i, kx₀ + s·j)
//                 and no product with a missing output is ever computed
//   weight_grad:  partial[chunk, (c, ky, kx), o] = Σ_{(b, oy) of the chunk, ox} x[b, c, oy·s − pad + ky, ox·s − pad + kx] · dYp[b, oy, ox, o]
//                 rows = taps, columns = output channels; row K holds Σ dYp (the bias gradient)
