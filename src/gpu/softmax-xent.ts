// Typed wrapper of shaders/softmax-xent.wgsl: the fused loss + gradient (training), the loss alone
// (validation), and the fixed-order reduction of the per-workgroup partial sums into a loss slot.
import { packStruct, uniformBuffer } from './buffers';
import type { KernelContext } from './context';
import type { Dispatch } from './dispatch';

export const SoftmaxXentBindings = { params: 0, logits: 1, labels: 2, dLogits: 3, partials: 4, losses: 5 } as const;

export const WorkgroupSize = 64;

export interface XentShape {
  rows: number;
  classes: number;
  /** Row stride of logits in floats (classes padded to 4). */
  stride: number;
}

export interface XentOperands {
  logits: GPUBufferBinding;
  labels: GPUBufferBinding;
  /** Needed for training; validation computes the loss only. */
  dLogits?: GPUBufferBinding;
  /** ≥ ceil(rows / 64) floats. */
  partials: GPUBufferBinding;
  /** Loss sums, indexed by the step uniform's slot. */
  losses: GPUBufferBinding;
  stepBuffer: GPUBuffer;
}

export const partialCount = (rows: number): number => Math.ceil(rows / WorkgroupSize);

export class SoftmaxXent {
  readonly layout: GPUBindGroupLayout;

  constructor(private readonly ctx: KernelContext) {
    this.layout = ctx.cache.layout('SoftmaxXent.layout', ['uniform', 'read', 'read', 'rw', 'rw', 'rw']);
  }

  /** Two dispatches: the per-example pass (with dLogits when given) and the reduction into losses[slot]. */
  async plan(s: XentShape, ops: XentOperands, label: string): Promise<Dispatch[]> {
    const layouts = [this.layout, this.ctx.cache.stepLayout];
    const constants = { WorkgroupSize };
    const train = ops.dLogits !== undefined;
    const [rowPipeline, reducePipeline] = await Promise.all([
      this.ctx.cache.pipeline({ shader: 'softmax-xent', entry: train ? 'softmax_xent' : 'xent_loss', constants, layouts }),
      this.ctx.cache.pipeline({ shader: 'softmax-xent', entry: 'reduce_partials', constants, layouts }),
    ]);
    const groups = partialCount(s.rows);
    const params = uniformBuffer(this.ctx.device, `${label}.params`, packStruct([[s.rows, 'u'], [s.classes, 'u'], [s.stride, 'u'], [groups, 'u']]));
    const bindGroup = this.ctx.bindGroup(`${label}.bindGroup`, this.layout, [
      params, ops.logits, ops.labels, ops.dLogits ?? this.ctx.dummy,
      ops.partials, ops.losses,
    ]);
    const stepGroup = this.ctx.stepGroup(`${label}.step`, ops.stepBuffer);
    // exp + log per class, and the subtraction/normalisation: ~5 flops per logit
    const flops = 5 * s.rows * s.classes;
    return [
      { label: `${label}.rows`, family: 'softmax-xent', pipeline: rowPipeline, bindGroup, stepGroup, workgroups: [groups, 1], flops },
      { label: `${label}.reduce`, family: 'softmax-xent', pipeline: reducePipeline, bindGroup, stepGroup, workgroups: [1, 1], flops: groups },
    ];
  }
}
