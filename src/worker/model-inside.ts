// Inside the model (ConvNetJS style): the first dense layer that reads the image's pixels as one image
// per unit, and every conv layer's filters with its activation maps for one validation example, from
// the reference forward on a copy of the weights.
import { affineOf, featureSize, type Split } from '../data/dataset';
import { normalizationOf, type RunFile } from '../io/checkpoint';
import { featuresShape } from '../io/manifest';
import { graphOf } from '../model/architecture';
import { graphForward } from '../model/graph/reference-run';
import { gatherBatch } from '../reference/gather';
import type { FilterTiles, ModelInside } from './insight-types';

const ACTIVATIONS = new Set(['relu', 'sigmoid', 'tanh']);

/** The layers' view of validation example `index` under the file's weights. */
export function lookInside(file: RunFile, val: Split, index: number): ModelInside {
  const m = file.manifest;
  const shape = featuresShape(m);
  const d = featureSize(shape);
  if (!(Number.isInteger(index) && index >= 0 && index < val.count)) throw new Error(`No validation example ${index} (the split has ${val.count})`);
  const features = val.x.slice(index * d, (index + 1) * d);
  const { scale, shift } = affineOf(normalizationOf(m.normalization), d);
  const r = m.config.resize;
  const batch = gatherBatch({ x: features, y: new Uint32Array(1) }, new Uint32Array(1), scale, shift, { shape, resize: r === undefined ? null : [r, r] });
  const g = graphOf(m.architecture);
  const { cache } = graphForward(g, file.params, batch.x, 1);
  const input = m.architecture.inputShape;
  const inside: ModelInside = { convs: [], example: { index, label: val.y[index], features, shape } };
  for (const op of g.ops) {
    const type = op.spec.type;
    const weight = file.params.get(`${op.path}.weight`);
    if (!weight) continue;
    if (type === 'dense' && !inside.dense && input.length === 3 && weight.length % featureSize(input) === 0 && isFromInput(g, op.inputs[0])) {
      inside.dense = { path: op.path, units: weight.length / featureSize(input), tileShape: input, weights: weight };
    }
    if (type === 'conv2d') {
      // Show the activation after the conv's own ReLU/sigmoid/tanh where one follows it directly.
      const next = g.ops.find((o) => o.inputs.length === 1 && o.inputs[0] === op.output && ACTIVATIONS.has(o.spec.type));
      const out = next ? next.output : op.output;
      const wShape = g.params.find((p) => p.name === `${op.path}.weight`)!.decl.shape;
      const tile: FilterTiles = {
        path: op.path, shape: [...wShape], weights: weight,
        activationShape: g.tensors[out].shape, activation: Float32Array.from(cache.values[out]),
      };
      inside.convs.push(tile);
    }
  }
  return inside;
}

/** Whether tensor t is the network input, or the input through shape-only ops (flatten). */
function isFromInput(g: ReturnType<typeof graphOf>, t: number): boolean {
  for (;;) {
    const producer = g.tensors[t].producer;
    if (producer < 0) return true;
    const op = g.ops[producer];
    if (op.spec.type !== 'flatten') return false;
    t = op.inputs[0];
  }
}
