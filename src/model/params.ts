// Parameters in two layouts. Files and the CPU reference use PyTorch's (dense weight (out, in)); the GPU
// keeps one flat arena where each tensor starts on a 256-byte boundary (sub-range bindings need it) and a
// `matrix` parameter (dense, conv weights) is (pad4(fan-in), pad4(out)), so products read aligned vec4
// rows. Padding holds zeros, and stays zero under every update. Each layer module declares its tensors
// and their GPU layout (layers/types.ts ParamDecl); nothing here knows a layer type.
import { graphOf, type Architecture } from './architecture';
import { optimizerSlots } from './backend';
import type { OptimizerName } from './config';
import type { GraphParam } from './graph/compile';
import { normal, streamKey, Stream, uniform } from '../reference/random';

export const pad4 = (n: number): number => Math.ceil(n / 4) * 4;
const align = 64; // floats: 256 bytes
const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Every model tensor a backend reads and writes, with its element count: parameters, then state. */
export function modelTensors(arch: Architecture): { name: string; size: number }[] {
  const g = graphOf(arch);
  return [...g.params.map((p) => ({ name: p.name, size: count(p.decl.shape) })), ...g.state.map((s) => ({ name: s.name, size: s.decl.size }))];
}

export function modelTensorNames(arch: Architecture): string[] {
  return modelTensors(arch).map((t) => t.name);
}

/** `optim.{param}.{slot}` for every trainable parameter and every slot the optimizer keeps. */
export function optimizerStateNames(arch: Architecture, kind: OptimizerName): string[] {
  return optimizerSlots[kind].flatMap((slot) => graphOf(arch).params.map((p) => `optim.${p.name}.${slot}`));
}

export interface ArenaEntry {
  param: GraphParam;
  name: string;
  /** Offset in floats (a multiple of 64). */
  offset: number;
  /** GPU shape (padded); its product is the entry's size. */
  gpuShape: number[];
  size: number;
}

export interface ArenaLayout {
  entries: ArenaEntry[];
  byName: ReadonlyMap<string, ArenaEntry>;
  /** Total floats (a multiple of 64). */
  size: number;
}

/** A weight viewed as a (out, fan-in) matrix: dense (out, in), conv (out, in·kh·kw). */
function fileMatrix(shape: readonly number[]): [number, number] {
  const [o, ...rest] = shape;
  return [o, count(rest)];
}

function gpuShapeOf(p: GraphParam): number[] {
  if (p.decl.gpu === 'vector') return [pad4(count(p.decl.shape))];
  const [rows, cols] = fileMatrix(p.decl.shape);
  return [pad4(cols), pad4(rows)];
}

export function arenaLayout(arch: Architecture): ArenaLayout {
  let offset = 0;
  const entries = graphOf(arch).params.map((param) => {
    const gpuShape = gpuShapeOf(param);
    const size = count(gpuShape);
    const e = { param, name: param.name, offset, gpuShape, size };
    offset += Math.ceil(size / align) * align;
    return e;
  });
  return { entries, byName: new Map(entries.map((e) => [e.name, e])), size: Math.max(offset, align) };
}

/** File-layout tensors → the GPU arena (matrices transposed, everything padded). */
export function toArena(layout: ArenaLayout, params: ReadonlyMap<string, Float32Array>): Float32Array {
  const arena = new Float32Array(layout.size);
  for (const e of layout.entries) {
    const t = params.get(e.name);
    if (!t) throw new Error(`missing parameter ${e.name}`);
    const n = count(e.param.decl.shape);
    if (t.length !== n) throw new Error(`${e.name} holds ${t.length} values, the model needs ${e.param.decl.shape.join('×')} = ${n}`);
    if (e.param.decl.gpu === 'vector') {
      arena.set(t, e.offset);
    } else {
      const [rows, cols] = fileMatrix(e.param.decl.shape);
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
    const n = count(e.param.decl.shape);
    const t = new Float32Array(n);
    if (e.param.decl.gpu === 'vector') {
      t.set(arena.subarray(e.offset, e.offset + n));
    } else {
      const [rows, cols] = fileMatrix(e.param.decl.shape);
      const stride = e.gpuShape[1];
      for (let o = 0; o < rows; o++) for (let i = 0; i < cols; i++) t[o * cols + i] = arena[e.offset + i * stride + o];
    }
    out.set(e.name, t);
  }
  return out;
}

/** Fan-in and fan-out of a weight, as PyTorch computes them (receptive field included for conv). */
function fans(shape: readonly number[]): [number, number] {
  const receptive = count(shape.slice(2));
  return [shape[1] * receptive, shape[0] * receptive];
}

/**
 * Seeded initialisation in file layout: weights from the architecture's init (d2l: normal(0, σ)), biases
 * 0, BatchNorm γ 1, state at its declared fill (running mean 0, variance 1). Each weight draws from its
 * own stream keyed by (seed, op index) — for the flat models the layer index, as before graphs.
 */
export function initParams(arch: Architecture, seed: number): Map<string, Float32Array> {
  const g = graphOf(arch);
  const out = new Map<string, Float32Array>();
  for (const p of g.params) {
    const n = count(p.decl.shape);
    const t = new Float32Array(n);
    if (p.decl.init === 'ones') t.fill(1);
    if (p.decl.init === 'weight') {
      const key = streamKey(seed, Stream.init, p.op);
      const [fanIn, fanOut] = fans(p.decl.shape);
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
    out.set(p.name, t);
  }
  for (const s of g.state) out.set(s.name, new Float32Array(s.decl.size).fill(s.decl.fill));
  return out;
}

/** One op's block in the state buffer: its StateDecls in order, each padded to 4 floats. */
export interface StateEntry {
  op: number;
  names: string[];
  sizes: number[];
  /** Offset in floats (a multiple of 64). */
  offset: number;
  size: number;
}

export interface StateLayout {
  entries: StateEntry[];
  /** Total floats (≥ 64). */
  size: number;
}

/** Where state tensors live on the GPU (outside the arena: the optimizer never touches them). */
export function stateLayout(arch: Architecture): StateLayout {
  const byOp = new Map<number, StateEntry>();
  let offset = 0;
  for (const s of graphOf(arch).state) {
    let e = byOp.get(s.op);
    if (!e) {
      e = { op: s.op, names: [], sizes: [], offset: 0, size: 0 };
      byOp.set(s.op, e);
    }
    e.names.push(s.name);
    e.sizes.push(s.decl.size);
    e.size += pad4(s.decl.size);
  }
  const entries = [...byOp.values()];
  for (const e of entries) {
    e.offset = offset;
    offset += Math.ceil(e.size / align) * align;
  }
  return { entries, size: Math.max(offset, align) };
}

/** File-layout state tensors → the state buffer (throws naming a missing or mis-sized tensor). */
export function toState(layout: StateLayout, tensors: ReadonlyMap<string, Float32Array>): Float32Array {
  const out = new Float32Array(layout.size);
  for (const e of layout.entries) {
    let at = e.offset;
    e.names.forEach((name, i) => {
      const t = tensors.get(name);
      if (!t) throw new Error(`missing ${name}`);
      if (t.length !== e.sizes[i]) throw new Error(`${name} holds ${t.length} values, the model needs ${e.sizes[i]}`);
      out.set(t, at);
      at += pad4(e.sizes[i]);
    });
  }
  return out;
}

/** The state buffer's contents → file-layout state tensors. */
export function fromState(layout: StateLayout, state: Float32Array): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const e of layout.entries) {
    let at = e.offset;
    e.names.forEach((name, i) => {
      out.set(name, state.slice(at, at + e.sizes[i]));
      at += pad4(e.sizes[i]);
    });
  }
  return out;
}
