// CPU reference of the three matrix-product layouts (unpadded, row-major, f64 accumulation).

// c: (m, n) = a: (m, k) · b: (k, n)
export function matmulNN(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p];
      if (av === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] += av * b[p * n + j];
    }
  }
  return c;
}

// c: (p, q) = a: (r, p)ᵀ · b: (r, q)
export function matmulTN(a: ArrayLike<number>, b: ArrayLike<number>, r: number, p: number, q: number): Float64Array {
  const c = new Float64Array(p * q);
  for (let t = 0; t < r; t++) {
    for (let i = 0; i < p; i++) {
      const av = a[t * p + i];
      if (av === 0) continue;
      for (let j = 0; j < q; j++) c[i * q + j] += av * b[t * q + j];
    }
  }
  return c;
}

// c: (m, p) = a: (m, q) · b: (p, q)ᵀ
export function matmulNT(a: ArrayLike<number>, b: ArrayLike<number>, m: number, q: number, p: number): Float64Array {
  const c = new Float64Array(m * p);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let t = 0; t < q; t++) s += a[i * q + t] * b[j * q + t];
      c[i * p + j] = s;
    }
  }
  return c;
}
