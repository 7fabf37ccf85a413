// Typed wrapper of shaders/bias-grad.wgsl: db = column sums of dY.
import { packStruct, uniformBuffer } from './buffers';
import type { KernelContext } from './context';
import { grid, type Dispatch } from './dispatch';

export const BiasGradBindings = { params: 0, dy: 1, db: 2 } as const;

export const WorkgroupSize = 64;

export class BiasGrad {
  readonly layout: GPUBindGroupLayout;

  constructor(private readonly ctx: KernelContext) {
    this.layout = ctx.cache.layout('BiasGrad.layout', ['uniform', 'read', 'rw']);
  }

  /** `cols` is padded (a multiple of 4). */
  async plan(s: { rows: number; cols: number }, ops: { dy: GPUBufferBinding; db: GPUBufferBinding }, label: string): Promise<Dispatch> {
    const pipeline = await this.ctx.cache.pipeline({ shader: 'bias-grad', entry: 'bias_grad', constants: { WorkgroupSize }, layouts: [this.layout] });
    const params = uniformBuffer(this.ctx.device, `${label}.params`, packStruct([[s.rows, 'u'], [s.cols / 4, 'u']]));
    const bindGroup = this.ctx.bindGroup(`${label}.bindGroup`, this.layout, [params, ops.dy, ops.db]);
    return { label, family: 'bias-grad', pipeline, bindGroup, workgroups: grid(Math.ceil(s.cols / 4 / WorkgroupSize)), flops: s.rows * s.cols };
  }
}
