// Register-blocked matrix products for the three layouts training needs, with fused epilogues.
// Every matrix is row-major with its column count padded to a multiple of 4 (padding holds zeros), so
// all loads are aligned vec4s. Each invocation owns a block of rows × vec4 columns (entry point name:
// matmul_{layout}_{rows}x{cols}), or each subgroup of 4 a block whose rows its lanes share
// (matmul_{layout}_sg{rows}x{cols}); loads past the edge are clamped and their stores skipped.
//   nn: C[M, N] = A[M, K] · B[K, N]      (forward: X·W)
//   tn: C[P, Q] = A[R, P]ᵀ · B[R, Q]     (weight gradient: Xᵀ·dY)
//   nt: C[M, P] = A[M, Q] · B[P, Q]ᵀ     (input gradient: dY·Wᵀ)

struct Params {
  rows: u32,   // rows of C
  cols4: u32,  // vec4 columns of C
  inner: u32,  // reduction length: K/4 (nn), R (tn), Q/4 (nt)
}

override WorkgroupSize: u32 = 64;
// 0: C = AB; 1: C = AB + bias; 2: C = relu(AB + bias); 3: C = AB ⊙ [aux > 0] (ReLU backward mask);
// 4: C = sigmoid(AB + bias); 5: C = AB ⊙ aux ⊙ (1 − aux) (sigmoid backward, aux = the sigmoid's output);
// 6 (tn only): C = AB, and db = Σ_r B[r, :], the bias gradient beside the weight gradient, in row order.
override Epilogue: u32 = 0;

@group(0) @binding(0) var<uniform> params: Params;
// a, b: the operands, row-major, laid out as the layout says
@group(0) @binding(1) var<storage, read> a: array<vec4f>;
@group(0) @binding(2) var<storage, read> b: array<vec4f>;
// c: (rows, cols4) vec4s
@group(0) @binding(3) var<storage, read_write> c: array<vec4f>;
// aux: the bias (cols4 vec4s) for epilogues 1, 2, 4; the forward activation, shaped as c, for 3 and 5
@group(0) @binding(4) var<storage, read> aux: array<vec4f>;
// db: (cols4,) vec4s, epilogue 6: written by the invocations of the first row tile
@group(0) @binding(5) var<storage, read_write> db: array<vec4f>;

fn store(r: u32, col: u32, v: vec4f) {
  if (r >= params.rows || col >= params.cols4) { return; }
  let i = r * params.cols4 + col;
  switch Epilogue {
    case 1u: { c[i] = v + aux[col]; }
    case 2u: { c[i] = max(v + aux[col], vec4f(0.0)); }
    case 3u: { c[i] = select(vec4f(0.0), v, aux[i] > vec4f(0.0)); }
    case 4u: { c[i] = 1.0 / (1.0 + exp(-(v + aux[col]))); }
    case 5u: { c[i] = v * aux[i] * (1.0 - aux[i]); }
    default: { c[i] = v; }
  }
}

fn store_bias_grad(col: u32, v: vec4f) {
  if (col < params.cols4) { db[col] = v; }
}
