// The GPU side of a layer: an op plans its forward and backward dispatches for a batch of `rows`
// examples over buffers allocated once per run (at the run's largest batch).
import type { BiasGrad } from '../../gpu/bias-grad';
import type { KernelContext } from '../../gpu/context';
import type { Dispatch } from '../../gpu/dispatch';
import type { Matmul } from '../../gpu/matmul';
import type { ArenaLayout } from '../params';

/** An activation tensor: (rows, stride) floats, `features` of them real, the padding zero. */
export interface Act {
  buffer: GPUBuffer;
  features: number;
  stride: number;
  /** Per-example shape ([C, H, W] or [D]). */
  shape: number[];
}

/** An activation a producer fused into its output; its consumer applies the derivative to dX. */
export type FusedActivation = 'none' | 'relu' | 'sigmoid';

export interface OpContext {
  kc: KernelContext;
  matmul: Matmul;
  biasGrad: BiasGrad;
  layout: ArenaLayout;
  weights: GPUBuffer;
  grads: GPUBuffer;
  maxRows: number;
}

export interface GpuOp {
  readonly out: Act;
  /** Gradient w.r.t. this op's output before its fused activation; written by the consumer or the loss. */
  readonly dOut: Act | null;
  readonly activation: FusedActivation;
  forward(rows: number): Promise<Dispatch[]>;
  backward(rows: number): Promise<Dispatch[]>;
}

/** A sub-range of the parameter (or gradient) arena holding one tensor. */
export function arenaBinding(ctx: OpContext, buffer: GPUBuffer, name: string): GPUBufferBinding {
  const e = ctx.layout.entries.find((x) => x.name === name);
  if (!e) throw new Error(`no parameter ${name} in the arena`);
  return { buffer, offset: e.offset * 4, size: e.size * 4 };
}
