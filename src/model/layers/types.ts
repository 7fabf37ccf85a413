// The contract of a layer module (src/model/layers/<type>.ts): everything the lab knows about one layer
// type lives in its module — the spec fields and their validation, the output shape (the only copy of
// the formula), parameter and state tensors, the CPU reference forward/backward, the GPU op, the summary
// label, the ONNX nodes and the PyTorch code. The registry (registry.ts) lists the modules; nothing else
// switches on a layer type. See ARCHITECTURE.md, "Adding a layer".
import type { Dispatch } from '../../gpu/dispatch';
import type { ActivationKind } from '../../gpu/activation';
import type { OpContext } from '../gpu-layers/op';

/** Every layer spec has a type; the rest is the module's own (numbers, booleans, strings). */
export interface LayerSpecBase {
  type: string;
  /** Optional name: the layer's segment in tensor paths (default: its index in its container). */
  name?: string;
}

/** Thrown with the spec path of the offending layer ("stages.2.0.conv1: input has 64 channels …"). */
export class SpecError extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(path ? `${path}: ${reason}` : reason);
  }
}

/** A trainable tensor of a layer, in PyTorch's layout (the file's). */
export interface ParamDecl {
  /** Local name: `weight`, `bias`. The file name is `${path}.${name}`. */
  name: string;
  shape: number[];
  /** `weight`: the architecture's init with PyTorch's fans; `zeros`; `ones` (BatchNorm γ). */
  init: 'weight' | 'zeros' | 'ones';
  /**
   * Where it sits in the GPU arena: `matrix` = the file tensor viewed as (out, fan-in) and stored
   * transposed and padded, (pad4(fan-in), pad4(out)), so products read vec4 rows of outputs;
   * `vector` = padded to 4.
   */
  gpu: 'matrix' | 'vector';
}

/** A non-trainable tensor saved with the weights (BatchNorm running statistics). */
export interface StateDecl {
  name: string;
  size: number;
  /** Its value in a fresh model. */
  fill: number;
}

/** Training (batch statistics, dropout on) or evaluation; `step` and `seed` key dropout masks. */
export interface ForwardMode {
  training: boolean;
  step: number;
  seed: number;
}

export const evaluation: ForwardMode = { training: false, step: 0, seed: 0 };

/** What a reference forward/backward sees: the op's place and the tensors around it. */
export interface RefOp<S> {
  spec: S;
  /** Position of the op in the graph's topological order (keys dropout streams, as the layer index did). */
  index: number;
  inShapes: number[][];
  outShape: number[];
  rows: number;
  /** A tensor of this layer by local name (parameter or state), file layout. */
  tensor(name: string): ArrayLike<number>;
}

export interface RefForward {
  y: Float64Array;
  /** Whatever the backward needs besides the inputs (batch statistics, masks). */
  saved?: unknown;
  /** State tensors a training pass moved, by local name (BatchNorm's running statistics). */
  state?: Record<string, Float64Array>;
}

export interface RefBackward {
  /** Gradient w.r.t. each input (null where the op has none to give). */
  dXs: (Float64Array | null)[];
  /** Parameter gradients by local name. */
  grads?: Record<string, Float64Array>;
}

/** An activation tensor on the GPU: (rows, stride) floats, `features` of them real, the padding zero. */
export interface Act {
  buffer: GPUBuffer;
  features: number;
  stride: number;
  /** Per-example shape ([C, H, W] or [D]). */
  shape: number[];
}

/** An input of a GPU op: the tensor, and where its backward writes the gradient w.r.t. it. */
export interface OpInput {
  act: Act;
  /**
   * Where to write dX, or null where no gradient is wanted (the network input). The writer applies
   * `activation`'s derivative (from `act`, the producer's output), so `grad` is the gradient w.r.t. the
   * producer's pre-activation output.
   */
  grad: Act | null;
  /** The activation the producer fused into `act`, whose derivative the writer applies ('none': raw dX). */
  activation: ActivationKind;
}

/** Training (batch statistics, dropout on, step uniform = the training steps) or evaluation. */
export interface PassMode {
  training: boolean;
  /** The step uniform of the program the pass belongs to (dropout reads the global step from it). */
  steps: GPUBuffer;
}

export type Alloc = (label: string, floats: number) => Promise<GPUBuffer>;

/** What the network hands a layer's GPU op when it builds it. */
export interface GpuOpArgs<S> {
  ctx: OpContext;
  spec: S;
  path: string;
  index: number;
  inputs: OpInput[];
  /** The op's output (allocated by the network at the run's largest batch). */
  out: Act;
  /** Gradient w.r.t. the output before `fused` (null in evaluation-only networks). */
  dOut: Act | null;
  /** The following activation this op applies to its output (see `fuses`). */
  fused: ActivationKind;
  training: boolean;
  /** Scratch buffers the op keeps (max-pool indices, conv columns). */
  alloc: Alloc;
  /** A parameter of this layer by local name, in the weights or the gradient arena. */
  param(name: string, arena: 'weights' | 'grads'): GPUBufferBinding;
  /** This layer's block of the state buffer (its StateDecls in order, each padded to 4). */
  state(): GPUBufferBinding;
}

export interface GpuOp {
  forward(rows: number, mode: PassMode): Promise<Dispatch[]>;
  backward(rows: number, mode: PassMode): Promise<Dispatch[]>;
}

export interface GpuLayer<S> {
  create(a: GpuOpArgs<S>): Promise<GpuOp>;
  /** Whether the op can apply `activation` to its own output (default: never). */
  fuses?(spec: S, activation: ActivationKind, outShape: number[]): boolean;
  /** Whether its backward can apply a producer's activation derivative to dX (default: any). */
  appliesInputActivation?(spec: S, activation: ActivationKind): boolean;
  /** Scratch floats per example the op allocates (for sizing validation batches). */
  scratchFloats?(spec: S, inShapes: number[][], outShape: number[]): number;
}

/** Builds ONNX nodes; see io/onnx/onnx-model.ts. */
export interface OnnxBuilder {
  /** Adds a node with one output and returns that output's name. */
  node(opType: string, inputs: string[], attributes?: Record<string, number | number[] | { float: number } | { string: string }>, name?: string): string;
  /** Adds a model tensor (by file name) as an initializer and returns its name. */
  param(name: string): string;
}

export interface LayerModule<S extends LayerSpecBase = LayerSpecBase> {
  type: string;
  /** One-line description for the schema table in the README and the editor's help. */
  doc: string;
  /** Spec fields a person may write, with what they hold (the README's schema table). */
  fields: Record<string, string>;
  /**
   * Checks a written spec against the shapes of its inputs and returns it complete (lazy fields such as
   * `in` filled, defaults written out). Throws SpecError(path, reason).
   */
  resolve(raw: Record<string, unknown>, inShapes: number[][], path: string, numClasses: number): S;
  /** Output shape for resolved inputs; the only copy of the layer's shape formula. */
  outputShape(spec: S, inShapes: number[][]): number[];
  /** Number of inputs (default 1); joins (add, concat) take the container's branches. */
  arity?: 'one' | 'many';
  /** A view (flatten): the output is the input reshaped, no computation, no op on a device. */
  view?: boolean;
  /** An elementwise activation (relu, sigmoid, tanh) that producers may fuse. */
  activation?: ActivationKind;
  params?(spec: S): ParamDecl[];
  state?(spec: S): StateDecl[];
  /** Multiply-accumulates of one example's forward pass. */
  macs?(spec: S, inShapes: number[][], outShape: number[]): number;
  /** The summary line ("Conv2d 64@3×3, stride 2, pad 1"). */
  label(spec: S): string;
  forward(op: RefOp<S>, xs: Float64Array[], mode: ForwardMode): RefForward;
  backward(op: RefOp<S>, xs: Float64Array[], y: Float64Array, dY: Float64Array, saved: unknown): RefBackward;
  gpu: GpuLayer<S>;
  /** ONNX nodes (opset 13, inference) from the inputs' names; returns the output's name. */
  onnx(g: OnnxBuilder, spec: S, inputs: string[], inShapes: number[][], path: string): string;
  /**
   * The PyTorch module expression (model.py of an exported project), or null for a join handled by the
   * container; `inShapes` are the per-example input shapes (a dense layer on C×H×W flattens first).
   */
  torch(spec: S, inShapes: number[][]): string | null;
}
