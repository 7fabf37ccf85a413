// CPU reference of a whole network: forward and backward over an architecture's layers, on file-layout
// parameters, in f64. It is the truth the GPU is held to in tests and the fallback backend. A training
// forward also returns the auxiliary state (d2l's `has_aux`): the BatchNorm running statistics it moved.
import { layerShapes, type Architecture, type LayerSpec } from '../model/architecture';
import { batchNormBackward, batchNormForward, type BatchNormCache, type BatchNormShape } from './batchnorm';
import { conv2dBackward, conv2dForward, type ConvShape } from './conv';
import { dropoutBackward, dropoutForward, dropoutKey, dropoutMask } from './dropout';
import { denseBackward, denseForward, reluBackward, reluForward, sigmoidBackward, sigmoidForward } from './layers';
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward, type PoolShape } from './pool';

export type Params = Map<string, ArrayLike<number>>;
export type Grads = Map<string, Float64Array>;

/** Training (batch statistics, dropout on, keyed by seed and global step) or evaluation. */
export interface ForwardMode {
  training: boolean;
  step: number;
  seed: number;
}

export const evaluation: ForwardMode = { training: false, step: 0, seed: 0 };

export interface ForwardCache {
  /** Input of every layer (index i: what layer i consumed). */
  inputs: Float64Array[];
  /** What a layer's backward needs besides its input: BatchNorm batch statistics, dropout masks. */
  saved: (BatchNormCache | Uint8Array | undefined)[];
  rows: number;
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function param(params: Params, layer: number, name: string): ArrayLike<number> {
  const t = params.get(`layers.${layer}.${name}`);
  if (!t) throw new Error(`missing parameter layers.${layer}.${name}`);
  return t;
}

function convShape(spec: Extract<LayerSpec, { type: 'conv2d' }>, inShape: number[], rows: number): ConvShape {
  return { batch: rows, inC: inShape[0], h: inShape[1], w: inShape[2], outC: spec.out, kernel: spec.kernel, stride: spec.stride, padding: spec.padding };
}

function poolShape(spec: Extract<LayerSpec, { type: 'maxpool2d' | 'avgpool2d' }>, inShape: number[], rows: number): PoolShape {
  return { batch: rows, channels: inShape[0], h: inShape[1], w: inShape[2], kernel: spec.kernel, stride: spec.stride };
}

function batchNormShape(spec: Extract<LayerSpec, { type: 'batchnorm' }>, inShape: number[], rows: number): BatchNormShape {
  return { batch: rows, channels: spec.features, spatial: spec.spatial ? inShape[1] * inShape[2] : 1, eps: spec.eps, momentum: spec.momentum };
}

export interface LayerResult {
  y: Float64Array;
  saved?: BatchNormCache | Uint8Array;
  /** Running statistics a training BatchNorm moved. */
  aux?: { mean: Float64Array; var: Float64Array };
}

/** One layer's forward on `rows` examples. */
export function layerForward(spec: LayerSpec, index: number, x: Float64Array, rows: number, inShape: number[], params: Params, mode: ForwardMode = evaluation): LayerResult {
  switch (spec.type) {
    case 'flatten':
      return { y: x };
    case 'dense':
      return { y: denseForward(x, param(params, index, 'weight'), param(params, index, 'bias'), rows, spec.in, spec.out) };
    case 'relu':
      return { y: reluForward(x) };
    case 'sigmoid':
      return { y: sigmoidForward(x) };
    case 'conv2d':
      return { y: conv2dForward(x, param(params, index, 'weight'), param(params, index, 'bias'), convShape(spec, inShape, rows)) };
    case 'maxpool2d':
      return { y: maxPool2dForward(x, poolShape(spec, inShape, rows)) };
    case 'avgpool2d':
      return { y: avgPool2dForward(x, poolShape(spec, inShape, rows)) };
    case 'batchnorm': {
      const running = { mean: param(params, index, 'running_mean'), var: param(params, index, 'running_var') };
      const r = batchNormForward(x, param(params, index, 'weight'), param(params, index, 'bias'), running, batchNormShape(spec, inShape, rows), mode.training);
      return { y: r.y, saved: r.cache, aux: mode.training ? r.running : undefined };
    }
    case 'dropout': {
      if (!mode.training) return { y: x };
      const mask = dropoutMask(dropoutKey(mode.seed, index), mode.step, rows, size(inShape), spec.p);
      return { y: dropoutForward(x, mask, spec.p), saved: mask };
    }
    default:
      return spec satisfies never;
  }
}

/** One layer's backward (after a training forward): gradient w.r.t. its input; parameter gradients go to `grads`. */
export function layerBackward(spec: LayerSpec, index: number, x: Float64Array, dY: Float64Array, rows: number, inShape: number[], params: Params, grads: Grads, saved?: BatchNormCache | Uint8Array): Float64Array {
  const setGrads = (w: Float64Array, b: Float64Array) => {
    grads.set(`layers.${index}.weight`, w);
    grads.set(`layers.${index}.bias`, b);
  };
  switch (spec.type) {
    case 'flatten':
      return dY;
    case 'dense': {
      const g = denseBackward(x, param(params, index, 'weight'), dY, rows, spec.in, spec.out);
      setGrads(g.dW, g.dB);
      return g.dX;
    }
    case 'relu':
      return reluBackward(x, dY);
    case 'sigmoid':
      return sigmoidBackward(x, dY);
    case 'conv2d': {
      const g = conv2dBackward(x, param(params, index, 'weight'), dY, convShape(spec, inShape, rows));
      setGrads(g.dW, g.dB);
      return g.dX;
    }
    case 'maxpool2d':
      return maxPool2dBackward(x, dY, poolShape(spec, inShape, rows));
    case 'avgpool2d':
      return avgPool2dBackward(x, dY, poolShape(spec, inShape, rows));
    case 'batchnorm': {
      const g = batchNormBackward(x, param(params, index, 'weight'), dY, saved as BatchNormCache, batchNormShape(spec, inShape, rows));
      setGrads(g.dGamma, g.dBeta);
      return g.dX;
    }
    case 'dropout':
      return saved ? dropoutBackward(x, dY, saved as Uint8Array, spec.p) : dY;
    default:
      return spec satisfies never;
  }
}

// x: (rows, D) normalised inputs → logits: (rows, classes), and the running statistics a training pass moved
export function networkForward(arch: Architecture, params: Params, x: Float64Array, rows: number, mode: ForwardMode = evaluation) {
  const shapes = [arch.inputShape, ...layerShapes(arch)];
  const inputs: Float64Array[] = [];
  const saved: ForwardCache['saved'] = [];
  const aux = new Map<string, Float64Array>();
  let h = x;
  arch.layers.forEach((spec, i) => {
    inputs.push(h);
    const r = layerForward(spec, i, h, rows, shapes[i], params, mode);
    h = r.y;
    saved.push(r.saved);
    if (r.aux) {
      aux.set(`layers.${i}.running_mean`, r.aux.mean);
      aux.set(`layers.${i}.running_var`, r.aux.var);
    }
    if (h.length !== rows * size(shapes[i + 1])) throw new Error(`reference: layer ${i} produced ${h.length} values`);
  });
  const cache: ForwardCache = { inputs, saved, rows };
  return { logits: h, cache, aux };
}

// dLogits: (rows, classes) → gradients of every parameter (file layout)
export function networkBackward(arch: Architecture, params: Params, cache: ForwardCache, dLogits: Float64Array): Grads {
  const shapes = [arch.inputShape, ...layerShapes(arch)];
  const grads: Grads = new Map();
  let d = dLogits;
  for (let i = arch.layers.length - 1; i >= 0; i--) {
    d = layerBackward(arch.layers[i], i, cache.inputs[i], d, cache.rows, shapes[i], params, grads, cache.saved[i]);
  }
  return grads;
}
