// Counter-based random numbers: every draw is a pure function of (key, counter), so the GPU (dropout),
// the CPU reference (init, shuffles, splits) and a resumed run all produce the same numbers from the
// seed alone — there is no generator state to save. shaders/random.wgsl mirrors hash32 and mixKey.

/** lowbias32 (Chris Wellons' integer hash): a bijection on u32 with good avalanche. */
export function hash32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** Folds one more value into a key: key' = hash32(key ^ hash32(v + golden)). Order matters. */
export function mixKey(key: number, v: number): number {
  return hash32((key ^ hash32((v + 0x9e3779b9) >>> 0)) >>> 0);
}

/** Derives a stream key from a seed and any number of labels (stream id, epoch, layer index...). */
export function streamKey(seed: number, ...parts: number[]): number {
  let k = hash32(seed >>> 0);
  for (const p of parts) k = mixKey(k, p >>> 0);
  return k;
}

/** Named streams, so that two uses of the same seed never share numbers. */
export const Stream = {
  init: 1,
  shuffle: 2,
  dropout: 3,
  split: 4,
  sample: 5,
  augment: 6,
} as const;

/** The counter-th u32 of a stream. */
export function randomU32(key: number, counter: number): number {
  return mixKey(key, counter);
}

/** Uniform in [0, 1) with 24 bits, exactly representable in f32 (the GPU computes the same value). */
export function uniform(key: number, counter: number): number {
  return (randomU32(key, counter) >>> 8) / 16777216;
}

/** Standard normal by Box–Muller from the uniforms at counters 2i and 2i+1 (f64 on the CPU only). */
export function normal(key: number, i: number): number {
  const u1 = 1 - uniform(key, 2 * i); // (0, 1]: log stays finite
  const u2 = uniform(key, 2 * i + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A uniform random integer in [0, n) for n ≤ 2^32, by 32-bit multiply-shift (Lemire, no modulo bias worth noting here). */
export function below(key: number, counter: number, n: number): number {
  return Math.floor((randomU32(key, counter) / 4294967296) * n);
}

/** Seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, key: number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = below(key, i, i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
