// Helpers shared by the zoo kernels' GPU tests (not used by the engine): activations on the host, and
// weight matrices between file layout (out, fan-in) and the arena's (pad4(fan-in), pad4(out)).
import type { ActivationKind } from './activation';

/** act(v) element-wise, in f64. */
export function applyActivation(v: ArrayLike<number>, kind: ActivationKind): Float64Array {
  return Float64Array.from(v, (t) => (kind === 'relu' ? Math.max(0, t) : kind === 'sigmoid' ? 1 / (1 + Math.exp(-t)) : t));
}

/** g ⊙ act'(·) from the activation's output y. */
export function activationDerivative(g: ArrayLike<number>, y: ArrayLike<number>, kind: ActivationKind): Float64Array {
  return Float64Array.from(g, (t, i) => (kind === 'relu' ? (y[i] > 0 ? t : 0) : kind === 'sigmoid' ? t * y[i] * (1 - y[i]) : t));
}

/** File (out, fanIn) → arena (rows ≥ fanIn, cols ≥ out), transposed, zero padded. */
export function toGpuMatrix(w: ArrayLike<number>, out: number, fanIn: number, rows: number, cols: number): Float32Array {
  const m = new Float32Array(rows * cols);
  for (let o = 0; o < out; o++) for (let i = 0; i < fanIn; i++) m[i * cols + o] = w[o * fanIn + i];
  return m;
}

/** Arena (·, cols) → file (out, fanIn). */
export function fromGpuMatrix(m: ArrayLike<number>, out: number, fanIn: number, cols: number): Float32Array {
  const w = new Float32Array(out * fanIn);
  for (let o = 0; o < out; o++) for (let i = 0; i < fanIn; i++) w[o * fanIn + i] = m[i * cols + o];
  return w;
}
