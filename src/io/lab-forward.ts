// The lab's own forward pass on raw features, on the CPU: the batch gather's reference (normalise with an
// f32 multiply then an f32 add, and resize where the run did), then the reference graph on the
// file-layout tensors. `predict` prints these logits and the ONNX parity checks hold exported graphs to them.
import { affineOf, featureSize } from '../data/dataset';
import { graphOf } from '../model/architecture';
import { graphForward } from '../model/graph/reference-run';
import { gatherBatch } from '../reference/gather';
import { normalizationOf } from './checkpoint';
import { featuresShape, type Manifest } from './manifest';

/** Logits (rows, classes) of raw features x (rows × the model's raw input size), in f64. */
export function labLogits(manifest: Manifest, params: ReadonlyMap<string, Float32Array>, x: ArrayLike<number>, rows: number): Float64Array {
  const shape = featuresShape(manifest);
  const d = featureSize(shape);
  if (x.length !== rows * d) throw new Error(`the input holds ${x.length} values, ${rows} rows of ${shape.join('×')} need ${rows * d}`);
  const { scale, shift } = affineOf(normalizationOf(manifest.normalization), d);
  const r = manifest.config.resize;
  const batch = gatherBatch({ x, y: new Uint32Array(rows) }, Uint32Array.from({ length: rows }, (_, i) => i), scale, shift, { shape, resize: r === undefined ? null : [r, r] });
  return graphForward(graphOf(manifest.architecture), params, batch.x, rows).logits;
}
