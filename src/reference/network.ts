// CPU reference of a whole network: forward and backward over an architecture's layers, on file-layout
// parameters, in f64. It is the truth the GPU is held to in tests and the fallback backend.
import { layerShapes, type Architecture, type LayerSpec } from '../model/architecture';
import { denseBackward, denseForward, reluBackward, reluForward, sigmoidBackward, sigmoidForward } from './layers';

export type Params = Map<string, ArrayLike<number>>;
export type Grads = Map<string, Float64Array>;

export interface ForwardCache {
  /** Input of every layer (index i: what layer i consumed). */
  inputs: Float64Array[];
  rows: number;
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function param(params: Params, layer: number, name: string): ArrayLike<number> {
  const t = params.get(`layers.${layer}.${name}`);
  if (!t) throw new Error(`missing parameter layers.${layer}.${name}`);
  return t;
}

/** One layer's forward on `rows` examples; returns its output. */
export function layerForward(spec: LayerSpec, index: number, x: Float64Array, rows: number, inShape: number[], params: Params): Float64Array {
  switch (spec.type) {
    case 'flatten':
      return x;
    case 'dense':
      return denseForward(x, param(params, index, 'weight'), param(params, index, 'bias'), rows, spec.in, spec.out);
    case 'relu':
      return reluForward(x);
    case 'sigmoid':
      return sigmoidForward(x);
    default:
      throw new Error(`reference: layer ${index} (${spec.type}) on input ${inShape.join('×')} is not implemented`);
  }
}

/** One layer's backward: gradient w.r.t. its input, and its parameters' gradients added to `grads`. */
export function layerBackward(spec: LayerSpec, index: number, x: Float64Array, dY: Float64Array, rows: number, inShape: number[], params: Params, grads: Grads): Float64Array {
  switch (spec.type) {
    case 'flatten':
      return dY;
    case 'dense': {
      const g = denseBackward(x, param(params, index, 'weight'), dY, rows, spec.in, spec.out);
      grads.set(`layers.${index}.weight`, g.dW);
      grads.set(`layers.${index}.bias`, g.dB);
      return g.dX;
    }
    case 'relu':
      return reluBackward(x, dY);
    case 'sigmoid':
      return sigmoidBackward(x, dY);
    default:
      throw new Error(`reference: layer ${index} (${spec.type}) on input ${inShape.join('×')} is not implemented`);
  }
}

// x: (rows, D) normalised inputs → logits: (rows, classes)
export function networkForward(arch: Architecture, params: Params, x: Float64Array, rows: number): { logits: Float64Array; cache: ForwardCache } {
  const shapes = [arch.inputShape, ...layerShapes(arch)];
  const inputs: Float64Array[] = [];
  let h = x;
  arch.layers.forEach((spec, i) => {
    inputs.push(h);
    h = layerForward(spec, i, h, rows, shapes[i], params);
    if (h.length !== rows * size(shapes[i + 1])) throw new Error(`reference: layer ${i} produced ${h.length} values`);
  });
  return { logits: h, cache: { inputs, rows } };
}

// dLogits: (rows, classes) → gradients of every parameter (file layout)
export function networkBackward(arch: Architecture, params: Params, cache: ForwardCache, dLogits: Float64Array): Grads {
  const shapes = [arch.inputShape, ...layerShapes(arch)];
  const grads: Grads = new Map();
  let d = dLogits;
  for (let i = arch.layers.length - 1; i >= 0; i--) {
    d = layerBackward(arch.layers[i], i, cache.inputs[i], d, cache.rows, shapes[i], params, grads);
  }
  return grads;
}
