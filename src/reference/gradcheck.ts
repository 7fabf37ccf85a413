// Central finite differences in float64, for holding every reference backward to its forward.
// |numeric − analytic| ≤ tol·max(1, |analytic|) with h = 1e-5 (STYLE.md, tests layer (a)).

/** d(Σ f(x) ⊙ weights)/dx by central differences: the gradient of a scalar probe of f. */
export function numericGradient(f: (x: Float64Array) => ArrayLike<number>, x: Float64Array, weights: ArrayLike<number>, h = 1e-5): Float64Array {
  const g = new Float64Array(x.length);
  const probe = () => {
    const y = f(x);
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i] * weights[i];
    return s;
  };
  for (let i = 0; i < x.length; i++) {
    const keep = x[i];
    x[i] = keep + h;
    const up = probe();
    x[i] = keep - h;
    const down = probe();
    x[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** The largest violation of |num − ana| ≤ tol·max(1, |ana|), as a ratio (≤ 1 passes), and where. */
export function gradientError(numeric: ArrayLike<number>, analytic: ArrayLike<number>, tol = 1e-6): { ratio: number; index: number } {
  let worst = { ratio: 0, index: -1 };
  for (let i = 0; i < numeric.length; i++) {
    const r = Math.abs(numeric[i] - analytic[i]) / (tol * Math.max(1, Math.abs(analytic[i])));
    if (!(r <= worst.ratio)) worst = { ratio: r, index: i };
  }
  return worst;
}

/** A deterministic pseudo-random f64 vector in [-scale, scale). */
export function randomVector(n: number, seed: number, scale = 1): Float64Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  return Float64Array.from({ length: n }, () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return ((s / 4294967296) * 2 - 1) * scale;
  });
}
