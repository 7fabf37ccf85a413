// Typed wrapper of shaders/optim.wgsl: one update dispatch over the whole parameter arena.
import { packStruct, uniformBuffer } from './buffers';
import type { KernelContext } from './context';
import { grid, type Dispatch } from './dispatch';

export const OptimBindings = { params: 0, weights: 1, grads: 2 } as const;

export const WorkgroupSize = 64;

export interface OptimSpec {
  /** Floats in the arena (a multiple of 4). */
  count: number;
  weightDecay: number;
}

export class Optim {
  readonly layout: GPUBindGroupLayout;

  constructor(private readonly ctx: KernelContext) {
    this.layout = ctx.cache.layout('Optim.layout', ['uniform', 'rw', 'read']);
  }

  async plan(s: OptimSpec, ops: { weights: GPUBufferBinding; grads: GPUBufferBinding; stepBuffer: GPUBuffer }, label: string): Promise<Dispatch> {
    const pipeline = await this.ctx.cache.pipeline({ shader: 'optim', entry: 'sgd', constants: { WorkgroupSize }, layouts: [this.layout, this.ctx.cache.stepLayout] });
    const params = uniformBuffer(this.ctx.device, `${label}.params`, packStruct([[s.count / 4, 'u'], [s.weightDecay, 'f']]));
    const bindGroup = this.ctx.bindGroup(`${label}.bindGroup`, this.layout, [params, ops.weights, ops.grads]);
    const stepGroup = this.ctx.stepGroup(`${label}.step`, ops.stepBuffer);
    return { label, family: 'optim', pipeline, bindGroup, stepGroup, workgroups: grid(Math.ceil(s.count / 4 / WorkgroupSize)), flops: 3 * s.count };
  }
}
