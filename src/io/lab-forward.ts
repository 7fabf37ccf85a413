// The lab's own forward pass on raw features, on the CPU: normalise as the GPU gather does (an f32
// multiply, then an f32 add), then the reference network on the file-layout tensors. `predict` prints
// these logits and the ONNX parity checks hold exported graphs to them.
import { affineOf, featureSize } from '../data/dataset';
import { graphOf } from '../model/architecture';
import { graphForward } from '../model/graph/reference-run';
import { normalizationOf } from './checkpoint';
import type { Manifest } from './manifest';

/** Logits (rows, classes) of raw features x (rows × the model's input size), in f64. */
export function labLogits(manifest: Manifest, params: ReadonlyMap<string, Float32Array>, x: ArrayLike<number>, rows: number): Float64Array {
  const arch = manifest.architecture;
  const d = featureSize(arch.inputShape);
  if (x.length !== rows * d) throw new Error(`the input holds ${x.length} values, ${rows} rows of ${arch.inputShape.join('×')} need ${rows * d}`);
  const { scale, shift } = affineOf(normalizationOf(manifest.normalization), d);
  const h = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) h[r * d + j] = Math.fround(Math.fround(x[r * d + j] * scale[j]) + shift[j]);
  return graphForward(graphOf(arch), params, h, rows).logits;
}
