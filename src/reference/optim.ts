// CPU reference of the optimizers, one element at a time over file-layout tensors, with weight decay
// as an L2 penalty folded into the gradient (g' = g + λ·p), as PyTorch's SGD and Adam do.
//   sgd:      p ← p − η·g'
//   momentum: v ← μ·v + g';  p ← p − η·v                                (d2l §12.6, PyTorch dampening 0)
//   adam:     m ← β1·m + (1 − β1)·g';  v ← β2·v + (1 − β2)·g'²;
//             p ← p − η·m̂ / (√v̂ + ε), m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t), t = step + 1   (d2l §12.10)
export { sgdUpdate } from './layers';

export const adamDefaults = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

export function momentumUpdate(p: Float32Array, g: ArrayLike<number>, v: Float32Array, lr: number, mu: number, weightDecay: number): void {
  for (let i = 0; i < p.length; i++) {
    v[i] = mu * v[i] + (g[i] + weightDecay * p[i]);
    p[i] = p[i] - lr * v[i];
  }
}

/** `step` is the 0-based global step of this update. */
export function adamUpdate(p: Float32Array, g: ArrayLike<number>, m: Float32Array, v: Float32Array, lr: number, step: number, weightDecay: number): void {
  const { beta1, beta2, eps } = adamDefaults;
  const t = step + 1;
  const c1 = 1 - beta1 ** t;
  const c2 = 1 - beta2 ** t;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i] + weightDecay * p[i];
    m[i] = beta1 * m[i] + (1 - beta1) * gi;
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
    p[i] = p[i] - (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
  }
}
