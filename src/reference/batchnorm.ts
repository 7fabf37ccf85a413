// CPU reference of BatchNorm (d2l §8.5), 1-D and 2-D alike: x is (B, C, S) with S = H·W for images and
// S = 1 after dense layers, and statistics are per channel c over the N = B·S values it holds.
// Training normalises with the batch's mean and biased variance and moves the running statistics;
// evaluation normalises with the running statistics and leaves them alone.

export interface BatchNormShape {
  batch: number;
  channels: number;
  /** Values per channel per example: H·W (BatchNorm2d) or 1 (BatchNorm1d). */
  spatial: number;
  eps: number;
  /** d2l's momentum: running ← (1 − m)·running + m·batch statistic. */
  momentum: number;
}

export interface RunningStats {
  mean: ArrayLike<number>;
  var: ArrayLike<number>;
}

/** What the backward needs from a training forward: the batch mean and 1/√(σ² + ε) per channel. */
export interface BatchNormCache {
  mean: Float64Array;
  invStd: Float64Array;
}

// x: (B, C, S) → y = γ·x̂ + β, x̂ = (x − μ)/√(σ² + ε); training: μ, σ² of the batch (σ² biased), and the
// running statistics returned moved by d2l's formula; evaluation: μ, σ² = the running statistics.
export function batchNormForward(x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, running: RunningStats, s: BatchNormShape, training: boolean) {
  const { batch, channels: c, spatial: sp } = s;
  const n = batch * sp;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    if (!training) {
      mean[ch] = running.mean[ch];
      variance[ch] = running.var[ch];
      continue;
    }
    let sum = 0;
    for (let b = 0; b < batch; b++) for (let i = 0; i < sp; i++) sum += x[(b * c + ch) * sp + i];
    mean[ch] = sum / n;
    let sq = 0;
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < sp; i++) {
        const d = x[(b * c + ch) * sp + i] - mean[ch];
        sq += d * d;
      }
    }
    variance[ch] = sq / n;
  }
  const invStd = Float64Array.from(variance, (v) => 1 / Math.sqrt(v + s.eps));
  const y = new Float64Array(batch * c * sp);
  for (let b = 0; b < batch; b++) {
    for (let ch = 0; ch < c; ch++) {
      for (let i = 0; i < sp; i++) {
        const k = (b * c + ch) * sp + i;
        y[k] = gamma[ch] * (x[k] - mean[ch]) * invStd[ch] + beta[ch];
      }
    }
  }
  const m = s.momentum;
  const next = training
    ? { mean: Float64Array.from(mean, (v, ch) => (1 - m) * running.mean[ch] + m * v), var: Float64Array.from(variance, (v, ch) => (1 - m) * running.var[ch] + m * v) }
    : { mean: Float64Array.from(running.mean), var: Float64Array.from(running.var) };
  return { y, cache: { mean, invStd } as BatchNormCache, running: next };
}

// dY: (B, C, S) → dγ = Σ dY·x̂, dβ = Σ dY, dX = γ/√(σ² + ε) · (dY − dβ/N − x̂·dγ/N)   (batch statistics)
export function batchNormBackward(x: ArrayLike<number>, gamma: ArrayLike<number>, dY: ArrayLike<number>, cache: BatchNormCache, s: BatchNormShape) {
  const { batch, channels: c, spatial: sp } = s;
  const n = batch * sp;
  const dGamma = new Float64Array(c);
  const dBeta = new Float64Array(c);
  for (let b = 0; b < batch; b++) {
    for (let ch = 0; ch < c; ch++) {
      for (let i = 0; i < sp; i++) {
        const k = (b * c + ch) * sp + i;
        dBeta[ch] += dY[k];
        dGamma[ch] += dY[k] * (x[k] - cache.mean[ch]) * cache.invStd[ch];
      }
    }
  }
  const dX = new Float64Array(batch * c * sp);
  for (let b = 0; b < batch; b++) {
    for (let ch = 0; ch < c; ch++) {
      for (let i = 0; i < sp; i++) {
        const k = (b * c + ch) * sp + i;
        const xHat = (x[k] - cache.mean[ch]) * cache.invStd[ch];
        dX[k] = gamma[ch] * cache.invStd[ch] * (dY[k] - dBeta[ch] / n - (xHat * dGamma[ch]) / n);
      }
    }
  }
  return { dX, dGamma, dBeta };
}
