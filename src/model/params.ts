// Parameters in two layouts. Files and the CPU reference use PyTorch's (dense weight (out, in)); the GPU
// keeps one flat arena where each tensor starts on a 256-byte boundary (sub-range bindings need it) and
// a dense weight is (in padded to 4, out padded to 4), so the forward is X·W with aligned vec4 loads.
// Padding holds zeros, and stays zero under every update.
import { paramSpecs, type Architecture, type ParamSpec } from './architecture';
import { optimizerSlots } from './backend';
import type { OptimizerName } from './config';
import { normal, streamKey, Stream, uniform } from '../reference/random';

export const pad4 = (n: number): number => Math.ceil(n / 4) * 4;
const align = 64; // floats: 256 bytes

export const tensorName = (p: ParamSpec): string => `layers.${p.layer}.${p.name}`;

/** A model tensor that is not trained by the optimizer: a BatchNorm running statistic. */
export interface StatSpec {
  layer: number;
  name: 'running_mean' | 'running_var';
  features: number;
}

/** BatchNorm running statistics, in layer order (mean, then variance). */
export function statSpecs(arch: Architecture): StatSpec[] {
  return arch.layers.flatMap((l, layer) =>
    l.type === 'batchnorm' ? [{ layer, name: 'running_mean' as const, features: l.features }, { layer, name: 'running_var' as const, features: l.features }] : [],
  );
}

/** Every model tensor a backend reads and writes, with its element count: parameters, then running statistics. */
export function modelTensors(arch: Architecture): { name: string; size: number }[] {
  return [
    ...paramSpecs(arch).map((p) => ({ name: tensorName(p), size: p.shape.reduce((a, b) => a * b, 1) })),
    ...statSpecs(arch).map((s) => ({ name: `layers.${s.layer}.${s.name}`, size: s.features })),
  ];
}

export function modelTensorNames(arch: Architecture): string[] {
  return modelTensors(arch).map((t) => t.name);
}

/** `optim.{param}.{slot}` for every trainable parameter and every slot the optimizer keeps. */
export function optimizerStateNames(arch: Architecture, kind: OptimizerName): string[] {
  return optimizerSlots[kind].flatMap((slot) => paramSpecs(arch).map((p) => `optim.${tensorName(p)}.${slot}`));
}

export interface ArenaEntry {
  spec: ParamSpec;
  name: string;
  /** Offset in floats (a multiple of 64). */
  offset: number;
  /** GPU shape (padded); its product is the entry's size. */
  gpuShape: number[];
  size: number;
}

export interface ArenaLayout {
  entries: ArenaEntry[];
  /** Total floats (a multiple of 64). */
  size: number;
}

/** GPU shape of one parameter tensor. */
function gpuShapeOf(p: ParamSpec): number[] {
  if (p.shape.length === 2) return [pad4(p.shape[1]), pad4(p.shape[0])]; // dense: (in, out)
  if (p.shape.length === 1) return [pad4(p.shape[0])];
  // conv (out, in, kh, kw) → (in·kh·kw padded, out padded): the im2col product's weight
  const [o, i, kh, kw] = p.shape;
  return [pad4(i * kh * kw), pad4(o)];
}

export function arenaLayout(arch: Architecture): ArenaLayout {
  let offset = 0;
  const entries = paramSpecs(arch).map((spec) => {
    const gpuShape = gpuShapeOf(spec);
    const size = gpuShape.reduce((a, b) => a * b, 1);
    const e = { spec, name: tensorName(spec), offset, gpuShape, size };
    offset += Math.ceil(size / align) * align;
    return e;
  });
  return { entries, size: Math.max(offset, align) };
}

/** File-layout tensors → the GPU arena (transposed, padded). */
export function toArena(layout: ArenaLayout, params: Map<string, Float32Array>): Float32Array {
  const arena = new Float32Array(layout.size);
  for (const e of layout.entries) {
    const t = params.get(e.name);
    if (!t) throw new Error(`missing parameter ${e.name}`);
    const [rows, cols] = fileMatrix(e.spec);
    if (t.length !== rows * cols) throw new Error(`${e.name} holds ${t.length} values, the model needs ${e.spec.shape.join('×')} = ${rows * cols}`);
    if (e.gpuShape.length === 1) {
      arena.set(t, e.offset);
    } else {
      const stride = e.gpuShape[1];
      for (let o = 0; o < rows; o++) for (let i = 0; i < cols; i++) arena[e.offset + i * stride + o] = t[o * cols + i];
    }
  }
  return arena;
}

/** The GPU arena → file-layout tensors. */
export function fromArena(layout: ArenaLayout, arena: Float32Array): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const e of layout.entries) {
    const n = e.spec.shape.reduce((a, b) => a * b, 1);
    const t = new Float32Array(n);
    if (e.gpuShape.length === 1) {
      t.set(arena.subarray(e.offset, e.offset + n));
    } else {
      const [rows, cols] = fileMatrix(e.spec);
      const stride = e.gpuShape[1];
      for (let o = 0; o < rows; o++) for (let i = 0; i < cols; i++) t[o * cols + i] = arena[e.offset + i * stride + o];
    }
    out.set(e.name, t);
  }
  return out;
}

/** A weight viewed as a (out, fan-in) matrix: dense (out, in), conv (out, in·kh·kw). */
function fileMatrix(p: ParamSpec): [number, number] {
  const [o, ...rest] = p.shape;
  return [o, rest.reduce((a, b) => a * b, 1)];
}

/** Fan-in and fan-out of a weight, as PyTorch computes them (receptive field included for conv). */
function fans(p: ParamSpec): [number, number] {
  const receptive = p.shape.slice(2).reduce((a, b) => a * b, 1);
  return [p.shape[1] * receptive, p.shape[0] * receptive];
}

/**
 * Seeded initialisation in file layout: weights from the architecture's init (d2l: normal(0, σ)),
 * biases 0, BatchNorm scale 1 and running statistics (mean 0, variance 1). Each weight draws from its
 * own stream keyed by (seed, layer). Fans as PyTorch's: fan_in = in·k², fan_out = out·k².
 */
export function initParams(arch: Architecture, seed: number): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const p of paramSpecs(arch)) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const t = new Float32Array(n);
    const isBatchNorm = arch.layers[p.layer].type === 'batchnorm';
    if (p.name === 'bias') {
      // zeros
    } else if (isBatchNorm) {
      t.fill(1);
    } else {
      const key = streamKey(seed, Stream.init, p.layer);
      const [fanIn, fanOut] = fans(p);
      switch (arch.init.kind) {
        case 'normal':
          for (let i = 0; i < n; i++) t[i] = arch.init.sigma * normal(key, i);
          break;
        case 'xavier-uniform': {
          const a = Math.sqrt(6 / (fanIn + fanOut));
          for (let i = 0; i < n; i++) t[i] = (2 * uniform(key, i) - 1) * a;
          break;
        }
        case 'he':
          for (let i = 0; i < n; i++) t[i] = Math.sqrt(2 / fanIn) * normal(key, i);
          break;
        default:
          arch.init.kind satisfies never;
      }
    }
    out.set(tensorName(p), t);
  }
  for (const s of statSpecs(arch)) out.set(`layers.${s.layer}.${s.name}`, new Float32Array(s.features).fill(s.name === 'running_var' ? 1 : 0));
  return out;
}

/** One BatchNorm layer's block in the state buffer: running_mean (pad4(C)) then running_var (pad4(C)). */
export interface StateEntry {
  layer: number;
  features: number;
  /** Offset in floats (a multiple of 64). */
  offset: number;
  size: number;
}

export interface StateLayout {
  entries: StateEntry[];
  /** Total floats (≥ 64). */
  size: number;
}

/** Where the BatchNorm running statistics live on the GPU (outside the arena: the optimizer never touches them). */
export function stateLayout(arch: Architecture): StateLayout {
  let offset = 0;
  const entries: StateEntry[] = [];
  arch.layers.forEach((l, layer) => {
    if (l.type !== 'batchnorm') return;
    const size = 2 * pad4(l.features);
    entries.push({ layer, features: l.features, offset, size });
    offset += Math.ceil(size / align) * align;
  });
  return { entries, size: Math.max(offset, align) };
}

/** File-layout running statistics → the state buffer's contents (throws naming a missing tensor). */
export function toState(layout: StateLayout, tensors: Map<string, Float32Array>): Float32Array {
  const out = new Float32Array(layout.size);
  for (const e of layout.entries) {
    for (const [name, at] of [['running_mean', 0], ['running_var', pad4(e.features)]] as const) {
      const t = tensors.get(`layers.${e.layer}.${name}`);
      if (!t) throw new Error(`missing layers.${e.layer}.${name}`);
      if (t.length !== e.features) throw new Error(`layers.${e.layer}.${name} holds ${t.length} values, the model needs ${e.features}`);
      out.set(t, e.offset + at);
    }
  }
  return out;
}

/** The state buffer's contents → file-layout running statistics. */
export function fromState(layout: StateLayout, state: Float32Array): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const e of layout.entries) {
    out.set(`layers.${e.layer}.running_mean`, state.slice(e.offset, e.offset + e.features));
    out.set(`layers.${e.layer}.running_var`, state.slice(e.offset + pad4(e.features), e.offset + pad4(e.features) + e.features));
  }
  return out;
}
