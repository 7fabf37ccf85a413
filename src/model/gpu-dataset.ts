// A dataset split on the GPU: features uploaded once in their stored type, split across buffers when
// they exceed what one storage binding may hold, plus the labels and the normalisation's scale/shift.
import { bufferSource, createBuffer, pad4, storageUsage } from '../gpu/buffers';
import type { DataChunk } from '../gpu/gather';
import { chunkRows } from '../data/chunk-rows';
import { affineOf, featureSize, type Normalization, type Split } from '../data/dataset';

export interface GpuSplit {
  chunks: DataChunk[];
  labels: GPUBuffer;
  count: number;
  dtype: 'u8' | 'f32';
}

/** The largest chunk the device takes in one binding. */
export function maxChunkBytes(device: GPUDevice): number {
  return Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
}

export async function uploadSplit(device: GPUDevice, split: Split, shape: number[], label: string, maxBytes = maxChunkBytes(device)): Promise<GpuSplit> {
  const features = featureSize(shape);
  const dtype = split.x instanceof Uint8Array ? 'u8' : 'f32';
  const rowBytes = features * split.x.BYTES_PER_ELEMENT;
  const chunks: DataChunk[] = [];
  for (const { firstRow: start, rows } of chunkRows(rowBytes, split.count, maxBytes)) {
    const part = split.x.subarray(start * features, (start + rows) * features);
    const bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
    const size = Math.ceil(bytes.byteLength / 4) * 4;
    const buffer = await createBuffer(device, `${label}.x${chunks.length}`, size, storageUsage());
    // writeBuffer needs a multiple of 4 bytes: copy the ragged tail through a padded array.
    const whole = bytes.byteLength - (bytes.byteLength % 4);
    if (whole > 0) device.queue.writeBuffer(buffer, 0, bufferSource(bytes), 0, whole);
    if (whole < bytes.byteLength) {
      const tail = new Uint8Array(4);
      tail.set(bytes.subarray(whole));
      device.queue.writeBuffer(buffer, whole, tail);
    }
    chunks.push({ buffer, start, rows });
  }
  const labels = await createBuffer(device, `${label}.labels`, split.count * 4, storageUsage());
  device.queue.writeBuffer(labels, 0, split.y.buffer, split.y.byteOffset, split.count * 4);
  return { chunks, labels, count: split.count, dtype };
}

/** The normalisation as two padded vec4 arrays (zero in the padding). */
export async function uploadAffine(device: GPUDevice, n: Normalization, shape: number[]): Promise<{ scale: GPUBuffer; shift: GPUBuffer }> {
  const features = featureSize(shape);
  const { scale, shift } = affineOf(n, features);
  const make = async (label: string, v: Float32Array) => {
    const padded = new Float32Array(pad4(features));
    padded.set(v);
    const b = await createBuffer(device, label, padded.byteLength, storageUsage());
    device.queue.writeBuffer(b, 0, padded);
    return b;
  };
  return { scale: await make('data.scale', scale), shift: await make('data.shift', shift) };
}

export function destroySplit(s: GpuSplit): void {
  for (const c of s.chunks) c.buffer.destroy();
  s.labels.destroy();
}
