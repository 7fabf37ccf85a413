// Typed wrapper of shaders/accuracy.wgsl: adds the number of rows whose argmax equals the label to a
// u32 counter (the host zeroes it before a validation pass and divides by N after).
import { packStruct, uniformBuffer } from './buffers';
import type { KernelContext } from './context';
import { grid, type Dispatch } from './dispatch';

export const AccuracyBindings = { params: 0, logits: 1, labels: 2, correct: 3 } as const;

export const WorkgroupSize = 64;

export class Accuracy {
  readonly layout: GPUBindGroupLayout;

  constructor(private readonly ctx: KernelContext) {
    this.layout = ctx.cache.layout('Accuracy.layout', ['uniform', 'read', 'read', 'rw']);
  }

  async plan(s: { rows: number; classes: number; stride: number }, ops: { logits: GPUBufferBinding; labels: GPUBufferBinding; correct: GPUBufferBinding }, label: string): Promise<Dispatch> {
    const pipeline = await this.ctx.cache.pipeline({ shader: 'accuracy', entry: 'accuracy', constants: { WorkgroupSize }, layouts: [this.layout] });
    const params = uniformBuffer(this.ctx.device, `${label}.params`, packStruct([[s.rows, 'u'], [s.classes, 'u'], [s.stride, 'u']]));
    const bindGroup = this.ctx.bindGroup(`${label}.bindGroup`, this.layout, [params, ops.logits, ops.labels, ops.correct]);
    return { label, family: 'accuracy', pipeline, bindGroup, workgroups: grid(Math.ceil(s.rows / WorkgroupSize)), flops: s.rows * s.classes };
  }
}
