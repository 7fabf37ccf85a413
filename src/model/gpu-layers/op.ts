// The GPU side of a layer: an op plans its forward and backward dispatches for a batch of `rows`
// examples over buffers allocated once per run (at the run's largest batch). Activations are
// (rows, stride) with stride = pad4(features) and zero padding; image activations are NCHW per example.
import type { ActivationKernel, ActivationKind } from '../../gpu/activation';
import type { BatchNorm } from '../../gpu/batchnorm';
import type { BiasGrad } from '../../gpu/bias-grad';
import type { KernelContext } from '../../gpu/context';
import type { Conv } from '../../gpu/conv';
import type { Dispatch } from '../../gpu/dispatch';
import type { Dropout } from '../../gpu/dropout';
import type { Matmul } from '../../gpu/matmul';
import type { Pool } from '../../gpu/pool';
import type { ArenaLayout, StateLayout } from '../params';

/** An activation tensor: (rows, stride) floats, `features` of them real, the padding zero. */
export interface Act {
  buffer: GPUBuffer;
  features: number;
  stride: number;
  /** Per-example shape ([C, H, W] or [D]). */
  shape: number[];
}

/** An activation a producer fused into its output; its consumer applies the derivative to dX. */
export type FusedActivation = ActivationKind;

/** What an op consumes: the producer's output, where to write dX, and the producer's fused activation. */
export interface OpInput {
  act: Act;
  /** Where to write dX (the producer's dOut), or null for the first layer. */
  grad: Act | null;
  /** The producer's fused activation, whose derivative masks dX. */
  activation: FusedActivation;
}

/** Training (batch statistics, dropout on, step uniform = the training steps) or evaluation. */
export interface PassMode {
  training: boolean;
  /** The step uniform of the program the pass belongs to (dropout reads the global step from it). */
  steps: GPUBuffer;
}

export interface OpContext {
  kc: KernelContext;
  matmul: Matmul;
  biasGrad: BiasGrad;
  conv: Conv;
  pool: Pool;
  batchNorm: BatchNorm;
  dropout: Dropout;
  activation: ActivationKernel;
  layout: ArenaLayout;
  weights: GPUBuffer;
  grads: GPUBuffer;
  /** BatchNorm running statistics, laid out by `stateLayout`. */
  stateLayout: StateLayout;
  state: GPUBuffer;
  maxRows: number;
  /** The run's seed: dropout masks are keyed by it. */
  seed: number;
}

export type Alloc = (label: string, floats: number) => Promise<GPUBuffer>;

export interface GpuOp {
  readonly out: Act;
  /** Gradient w.r.t. this op's output before its fused activation; written by the consumer or the loss. */
  readonly dOut: Act | null;
  readonly activation: FusedActivation;
  forward(rows: number, mode: PassMode): Promise<Dispatch[]>;
  backward(rows: number, mode: PassMode): Promise<Dispatch[]>;
}

/** A sub-range of the parameter (or gradient) arena holding one tensor. */
export function arenaBinding(ctx: OpContext, buffer: GPUBuffer, name: string): GPUBufferBinding {
  const e = ctx.layout.entries.find((x) => x.name === name);
  if (!e) throw new Error(`no parameter ${name} in the arena`);
  return { buffer, offset: e.offset * 4, size: e.size * 4 };
}

/** The output activation of an op (and its gradient when training), allocated at the run's largest batch. */
export async function outputActs(ctx: OpContext, index: number, shape: number[], training: boolean, alloc: Alloc): Promise<{ out: Act; dOut: Act | null }> {
  const features = shape.reduce((a, b) => a * b, 1);
  const stride = Math.ceil(features / 4) * 4;
  const out = { buffer: await alloc(`layers.${index}.out`, ctx.maxRows * stride), features, stride, shape };
  const dOut = training ? { ...out, buffer: await alloc(`layers.${index}.dOut`, ctx.maxRows * stride) } : null;
  return { out, dOut };
}

/** A whole (rows, stride) activation as a binding. */
export const whole = (a: Act): GPUBufferBinding => ({ buffer: a.buffer });
