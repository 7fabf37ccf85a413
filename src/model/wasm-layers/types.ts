// The wasm side of a layer module: how the WebAssembly backend runs a layer type, next to its `gpu`
// side. Attached to the module objects by src/model/wasm-layers/<type>.ts (d2l's add_to_class habit:
// this file holds the one interface augmentation, so `module.wasm` type-checks everywhere).
import type { ActivationKind } from '../../gpu/activation';
import type { Mat } from '../../wasm/ops';
import type { Op } from '../../wasm/program';

/** An activation tensor in the wasm memory: (maxRows, stride) f32 at `at`, `features` real per row. */
export interface WasmTensor {
  at: number;
  features: number;
  stride: number;
  /** Per-example shape ([C, H, W] or [D]). */
  shape: number[];
}

/** The tensor's first `rows` rows as a matrix. */
export const rowsOf = (t: WasmTensor, rows: number): Mat => ({ at: t.at, rows, cols: t.features, stride: t.stride });

/** An input of an op: the tensor, and where its backward writes the gradient w.r.t. it (as in layers/types.ts OpInput). */
export interface WasmInput {
  act: WasmTensor;
  /** Where to write dX (null: none wanted); the writer applies `activation`'s derivative, from `act`. */
  grad: WasmTensor | null;
  activation: ActivationKind;
}

export interface WasmOpArgs<S> {
  spec: S;
  path: string;
  /** Position in the graph's topological order (keys dropout streams). */
  index: number;
  inputs: WasmInput[];
  out: WasmTensor;
  /** Gradient w.r.t. the output before `fused` (null without gradients). */
  dOut: WasmTensor | null;
  fused: ActivationKind;
  training: boolean;
  /** Rows of the largest batch (validation included); forward buffers hold this many. */
  maxRows: number;
  /** Rows of the largest training batch; buffers only the backward uses hold this many. */
  trainRows: number;
  /** The run's seed (dropout masks). */
  seed: number;
  /** Scratch the op keeps: byte address of `floats` f32 values. */
  alloc(label: string, floats: number): number;
  /** Asks for at least `bytes` of scratch on every thread (convolution columns). */
  needScratch(bytes: number): void;
  /** Each thread's scratch in bytes: final once every op is built (read it when building phases). */
  scratchBytes(): number;
  /** A parameter of this layer by local name: byte address in the weights or gradient arena, and its arena shape. */
  param(name: string, arena: 'weights' | 'grads'): { at: number; shape: number[] };
  /** This layer's block of state (its StateDecls in order, each padded to 4): byte address. */
  state(): number;
}

export interface WasmOp {
  /** Ops for the step's first phase (beside the gather): packing Wᵀ from the weights, before any update. */
  prepare?(rows: number): Op[];
  /** Forward phases for `rows` examples (training: dropout on, batch statistics). */
  forward(rows: number, training: boolean): Op[][];
  /** Backward phases (after a training forward of the same rows). */
  backward(rows: number): Op[][];
}

export interface WasmLayer<S> {
  create(a: WasmOpArgs<S>): WasmOp;
}

declare module '../layers/types' {
  interface LayerModule<S extends LayerSpecBase = LayerSpecBase> {
    /** The op on the WebAssembly backend (src/model/wasm-layers/); absent: the layer does not run there yet. */
    wasm?: WasmLayer<S>;
  }
}

/** The matmul epilogue that applies a producer's activation derivative to dX, where one exists. */
export const inputGradEpilogue = { none: 'none', relu: 'reluMask', sigmoid: 'sigmoidGrad', tanh: 'tanhGrad' } as const;

/** The tensor as (at, floats per example): what the image ops take. */
export const perExample = (t: WasmTensor): { at: number; stride: number } => ({ at: t.at, stride: t.stride });

/** The gradient w.r.t. the output, which every backward needs (a network built for training has it). */
export function needDOut(a: { dOut: WasmTensor | null; path: string }): WasmTensor {
  if (!a.dOut) throw new Error(`${a.path}: built without gradients`);
  return a.dOut;
}
