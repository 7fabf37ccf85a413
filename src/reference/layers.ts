// CPU reference of the dense layer and activations, in the weights file's layout (dense weight (out, in)).
// Each forward sits directly above its backward, with the same argument order.
import { matmulNN, matmulNT, matmulTN } from './matmul';

// x: (b, in), w: (out, in), bias: (out,) → y: (b, out) = x · wᵀ + bias
export function denseForward(x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number>, b: number, nIn: number, nOut: number): Float64Array {
  const y = matmulNT(x, w, b, nIn, nOut);
  for (let i = 0; i < b; i++) for (let j = 0; j < nOut; j++) y[i * nOut + j] += bias[j];
  return y;
}

// dY: (b, out) → dX: (b, in) = dY · w, dW: (out, in) = dYᵀ · x, dB: (out,) = Σ_b dY
export function denseBackward(x: ArrayLike<number>, w: ArrayLike<number>, dY: ArrayLike<number>, b: number, nIn: number, nOut: number) {
  const dX = matmulNN(dY, w, b, nOut, nIn);
  const dW = matmulTN(dY, x, b, nOut, nIn);
  const dB = new Float64Array(nOut);
  for (let i = 0; i < b; i++) for (let j = 0; j < nOut; j++) dB[j] += dY[i * nOut + j];
  return { dX, dW, dB };
}

// y = max(x, 0)
export function reluForward(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x, (v) => (v > 0 ? v : 0));
}

// dX = dY ⊙ [x > 0]  (x: the forward input; the output gives the same mask)
export function reluBackward(x: ArrayLike<number>, dY: ArrayLike<number>): Float64Array {
  return Float64Array.from(dY, (g, i) => (x[i] > 0 ? g : 0));
}

// y = 1 / (1 + e^−x)
export function sigmoidForward(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x, (v) => 1 / (1 + Math.exp(-v)));
}

// dX = dY ⊙ y (1 − y)
export function sigmoidBackward(x: ArrayLike<number>, dY: ArrayLike<number>): Float64Array {
  return Float64Array.from(dY, (g, i) => {
    const y = 1 / (1 + Math.exp(-x[i]));
    return g * y * (1 - y);
  });
}

// x' = x · scale + shift per feature (the batch gather's normalisation)
export function normalize(x: ArrayLike<number>, scale: ArrayLike<number>, shift: ArrayLike<number>, d: number): Float64Array {
  return Float64Array.from(x, (v, i) => v * scale[i % d] + shift[i % d]);
}

// p ← p − lr (g + λ p)
export function sgdUpdate(p: Float32Array, g: ArrayLike<number>, lr: number, weightDecay: number): void {
  for (let i = 0; i < p.length; i++) p[i] = p[i] - lr * (g[i] + weightDecay * p[i]);
}

// y = tanh(x)
export function tanhForward(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x, (v) => Math.tanh(v));
}

// dX = dY ⊙ (1 − tanh²(x))
export function tanhBackward(x: ArrayLike<number>, dY: ArrayLike<number>): Float64Array {
  return Float64Array.from(dY, (g, i) => {
    const y = Math.tanh(x[i]);
    return g * (1 - y * y);
  });
}
