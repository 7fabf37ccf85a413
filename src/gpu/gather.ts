// Typed wrapper of shaders/gather.wgsl: gathers a batch of examples (and labels) by index, converting
// bytes to floats and normalising on the GPU, optionally resized (bilinear, PyTorch's align_corners=False)
// and augmented (random crop on zero-padded raw pixels, horizontal flip; training only). One dispatch per
// data chunk. The math is src/reference/gather.ts's.
import { augmentKey, gatherOutShape, type Augment } from '../reference/gather';
import { pad4 } from './buffers';
import { planKernel, type BindingTable } from './binding-table';
import type { KernelContext } from './context';
import type { Dispatch } from './dispatch';
import { WgslStruct } from './wgsl-struct';

export const GatherBindings = {
  params: { binding: 0, kind: 'uniform' },
  order: { binding: 1, kind: 'read' },
  scale: { binding: 2, kind: 'read' },
  shift: { binding: 3, kind: 'read' },
  labels: { binding: 4, kind: 'read' },
  x: { binding: 5, kind: 'rw' },
  y: { binding: 6, kind: 'rw' },
  data: { binding: 7, kind: 'read' },
  augment: { binding: 8, kind: 'uniform' },
} as const satisfies BindingTable;

export const GatherParams = new WgslStruct('Params', {
  rows: 'u32', features: 'u32', stride4: 'u32', chunk_start: 'u32', chunk_rows: 'u32', channels: 'u32', in_h: 'u32', in_w: 'u32',
  out_h: 'u32', out_w: 'u32', out_features: 'u32', crop: 'u32', flip: 'u32', resize: 'u32', scale_y: 'f32', scale_x: 'f32',
});

export const WorkgroupSize = 64;

/** One GPU buffer holding examples [start, start + rows) of a split. */
export interface DataChunk {
  buffer: GPUBuffer;
  start: number;
  rows: number;
}

export interface GatherSpec {
  rows: number;
  /** Source features per example, D = prod(shape). */
  features: number;
  dtype: 'u8' | 'f32';
  /** Source shape per example ([C, H, W] for images); needed with `resize` or `augment`. */
  shape?: readonly number[];
  /** Output plane (outH, outW); omitted or null = the source's. */
  resize?: readonly [number, number] | null;
  /** Random crop / flip (training batches only); needs `ops.augment`. */
  augment?: Augment | null;
}

export interface GatherOperands {
  chunks: DataChunk[];
  order: GPUBufferBinding;
  scale: GPUBufferBinding;
  shift: GPUBufferBinding;
  labels: GPUBufferBinding;
  /** (rows, pad4(output features)) floats. */
  x: GPUBufferBinding;
  y: GPUBufferBinding;
  stepBuffer: GPUBuffer;
  /** The epoch's augmentation key (AugmentKey.buffer), with `spec.augment`. */
  augment?: GPUBuffer;
}

/** Output features per example of a gather: C·outH·outW with a resize, else D. */
export function gatherOutFeatures(s: GatherSpec): number {
  return s.resize ? gatherOutShape({ shape: s.shape ?? [s.features], resize: s.resize }).reduce((a, b) => a * b, 1) : s.features;
}

/**
 * The uniform holding augmentKey(seed, epoch): written once per epoch (beginEpoch) so the recorded
 * training dispatches stay the same while each epoch draws new crops and flips.
 */
export class AugmentKey {
  readonly buffer: GPUBuffer;

  constructor(private readonly device: GPUDevice, label: string) {
    this.buffer = device.createBuffer({ label, size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  set(seed: number, epoch: number): void {
    this.device.queue.writeBuffer(this.buffer, 0, Uint32Array.of(augmentKey(seed, epoch), 0, 0, 0));
  }
}

export class Gather {
  constructor(private readonly ctx: KernelContext) {}

  async plan(s: GatherSpec, ops: GatherOperands, label: string): Promise<Dispatch[]> {
    const augment = s.augment && (s.augment.crop > 0 || s.augment.flip) ? s.augment : null;
    const image = !!s.resize || !!augment;
    const shape = s.shape ?? [s.features];
    if (image && shape.length !== 3) throw new Error(`${label}: resize and augmentation need images (C, H, W), not shape [${shape.join(', ')}]`);
    if (augment && !ops.augment) throw new Error(`${label}: augmentation needs the epoch's AugmentKey buffer`);
    const [channels, inH, inW] = image ? shape : [0, 0, 0];
    const [outH, outW] = s.resize ?? [inH, inW];
    const outFeatures = gatherOutFeatures(s);
    const stride4 = pad4(outFeatures) / 4;
    const entry = augment ? 'gather_augment' : image ? 'gather_image' : 'gather';
    return Promise.all(
      ops.chunks.map((chunk, i) =>
        planKernel(this.ctx, {
          shader: 'gather', entry, table: GatherBindings, label: `${label}.chunk${i}`, family: 'gather',
          constants: { WorkgroupSize, FromBytes: s.dtype === 'u8' ? 1 : 0 },
          params: GatherParams.pack({
            rows: s.rows, features: s.features, stride4, chunk_start: chunk.start, chunk_rows: chunk.rows,
            channels, in_h: inH, in_w: inW, out_h: outH, out_w: outW, out_features: outFeatures,
            crop: augment?.crop ?? 0, flip: augment?.flip ? 1 : 0, resize: s.resize ? 1 : 0,
            scale_y: image ? inH / outH : 0, scale_x: image ? inW / outW : 0,
          }),
          resources: {
            order: ops.order, scale: ops.scale, shift: ops.shift, labels: ops.labels, x: ops.x, y: ops.y,
            data: { buffer: chunk.buffer }, augment: augment ? ops.augment : undefined,
          },
          stepBuffer: ops.stepBuffer,
          groups: Math.ceil((s.rows * stride4) / WorkgroupSize),
          flops: 2 * s.rows * outFeatures * (s.resize ? 4 : 1),
        }),
      ),
    );
  }
}
