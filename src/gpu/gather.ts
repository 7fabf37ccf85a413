// Typed wrapper of shaders/gather.wgsl: gathers a batch of examples (and labels) by index, converting
// bytes to floats and normalising on the GPU. One dispatch per data chunk.
import { packStruct, pad4, uniformBuffer } from './buffers';
import type { KernelContext } from './context';
import { grid, type Dispatch } from './dispatch';

export const GatherBindings = { params: 0, order: 1, scale: 2, shift: 3, labels: 4, x: 5, y: 6, dataU8: 7, dataF32: 8 } as const;

export const WorkgroupSize = 64;

/** One GPU buffer holding examples [start, start + rows) of a split. */
export interface DataChunk {
  buffer: GPUBuffer;
  start: number;
  rows: number;
}

export interface GatherSpec {
  rows: number;
  features: number;
  dtype: 'u8' | 'f32';
}

export interface GatherOperands {
  chunks: DataChunk[];
  order: GPUBufferBinding;
  scale: GPUBufferBinding;
  shift: GPUBufferBinding;
  labels: GPUBufferBinding;
  x: GPUBufferBinding;
  y: GPUBufferBinding;
  stepBuffer: GPUBuffer;
}

export class Gather {
  private readonly layouts: Record<'u8' | 'f32', GPUBindGroupLayout>;

  constructor(private readonly ctx: KernelContext) {
    const common = ['uniform', 'read', 'read', 'read', 'read', 'rw', 'rw'] as const;
    this.layouts = {
      u8: ctx.cache.layout('Gather.layoutU8', [...common, 'read', null]),
      f32: ctx.cache.layout('Gather.layoutF32', [...common, null, 'read']),
    };
  }

  async plan(s: GatherSpec, ops: GatherOperands, label: string): Promise<Dispatch[]> {
    const layout = this.layouts[s.dtype];
    const pipeline = await this.ctx.cache.pipeline({
      shader: 'gather',
      entry: s.dtype === 'u8' ? 'gather_u8' : 'gather_f32',
      constants: { WorkgroupSize },
      layouts: [layout, this.ctx.cache.stepLayout],
    });
    const stride4 = pad4(s.features) / 4;
    const stepGroup = this.ctx.stepGroup(`${label}.step`, ops.stepBuffer);
    return ops.chunks.map((chunk, i) => {
      const params = uniformBuffer(this.ctx.device, `${label}.params${i}`, packStruct([[s.rows, 'u'], [s.features, 'u'], [stride4, 'u'], [chunk.start, 'u'], [chunk.rows, 'u']]));
      const data = { buffer: chunk.buffer };
      const bindGroup = this.ctx.bindGroup(`${label}.bindGroup${i}`, layout, [
        params, ops.order, ops.scale, ops.shift, ops.labels, ops.x, ops.y,
        s.dtype === 'u8' ? data : null, s.dtype === 'f32' ? data : null,
      ]);
      return { label: `${label}.chunk${i}`, family: 'gather', pipeline, bindGroup, stepGroup, workgroups: grid(Math.ceil((s.rows * stride4) / WorkgroupSize)), flops: 2 * s.rows * s.features };
    });
  }
}
