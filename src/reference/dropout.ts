// CPU reference of dropout (d2l §5.6) with counter-based masks: element (b, j) of the step's batch is
// kept when uniform(mixKey(layerKey, step), b·D + j) ≥ p, the same draw shaders/dropout.wgsl makes, so
// the GPU and the reference drop the same units with no mask stored and nothing to save on resume.
import { mixKey, Stream, streamKey, uniform } from './random';

/** The stream key of one dropout layer of a run. */
export function dropoutKey(seed: number, layer: number): number {
  return streamKey(seed, Stream.dropout, layer);
}

/** 1 where element (b, j) of a (rows, features) batch at global step `step` is kept. */
export function dropoutMask(key: number, step: number, rows: number, features: number, p: number): Uint8Array {
  const stepKey = mixKey(key, step >>> 0);
  // The GPU compares in f32: compare with the same f32 value of p.
  const threshold = Math.fround(p);
  return Uint8Array.from({ length: rows * features }, (_, i) => (uniform(stepKey, i) >= threshold ? 1 : 0));
}

// y = x ⊙ mask / (1 − p)
export function dropoutForward(x: ArrayLike<number>, mask: ArrayLike<number>, p: number): Float64Array {
  const scale = 1 / (1 - p);
  return Float64Array.from(x, (v, i) => (mask[i] ? v * scale : 0));
}

// dX = dY ⊙ mask / (1 − p)   (x is unused: same argument order)
export function dropoutBackward(_x: ArrayLike<number>, dY: ArrayLike<number>, mask: ArrayLike<number>, p: number): Float64Array {
  const scale = 1 / (1 - p);
  return Float64Array.from(dY, (g, i) => (mask[i] ? g * scale : 0));
}
