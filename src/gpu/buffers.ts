// Buffer helpers: checked allocation (inside error scopes), uniform writes and read-back.
import { checked } from './device';

export const storageUsage = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
export const uniformUsage = () => GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;

/** A typed array as WebGPU's BufferSource type wants it (the lab never uses SharedArrayBuffer). */
export function bufferSource(v: ArrayBufferView): ArrayBufferView<ArrayBuffer> {
  return v as ArrayBufferView<ArrayBuffer>;
}

/** Rounds a float count up to a multiple of 4 (one vec4). */
export const pad4 = (n: number): number => Math.ceil(n / 4) * 4;

/** Bytes rounded up to the storage-offset alignment every sub-range binding needs. */
export const alignBytes = (bytes: number, alignment = 256): number => Math.ceil(bytes / alignment) * alignment;

/** Creates a buffer inside error scopes; throws with the label and size when the device refuses it. */
export async function createBuffer(device: GPUDevice, label: string, size: number, usage: number): Promise<GPUBuffer> {
  const limit = device.limits.maxBufferSize;
  if (size > limit) throw new Error(`${label}: ${size} bytes exceed this GPU's largest buffer (${limit} bytes)`);
  return checked(device, `allocating ${label} (${size} bytes)`, () =>
    device.createBuffer({ label, size: Math.max(16, alignBytes(size, 16)), usage }),
  );
}

/** A small uniform buffer holding `data` (u32/f32 fields as written by the caller). */
export function uniformBuffer(device: GPUDevice, label: string, data: ArrayBuffer): GPUBuffer {
  const buffer = device.createBuffer({ label, size: Math.max(16, alignBytes(data.byteLength, 16)), usage: uniformUsage() });
  device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}

/** Packs u32 / f32 fields (in struct order) into an ArrayBuffer: numbers tagged 'f' are floats. */
export function packStruct(fields: readonly (readonly [number, 'u' | 'f'])[]): ArrayBuffer {
  const buf = new ArrayBuffer(Math.max(16, alignBytes(fields.length * 4, 16)));
  const view = new DataView(buf);
  fields.forEach(([v, t], i) => (t === 'u' ? view.setUint32(i * 4, v, true) : view.setFloat32(i * 4, v, true)));
  return buf;
}

/** Copies `size` bytes of a buffer to the CPU (awaits the GPU: never inside a step loop). */
export async function readBuffer(device: GPUDevice, src: GPUBuffer, offset: number, size: number): Promise<ArrayBuffer> {
  const staging = device.createBuffer({ label: 'readBuffer.staging', size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder({ label: 'readBuffer' });
  enc.copyBufferToBuffer(src, offset, staging, 0, size);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = staging.getMappedRange().slice(0);
  staging.unmap();
  staging.destroy();
  return out;
}

export async function readFloats(device: GPUDevice, src: GPUBuffer, offsetFloats = 0, count = src.size / 4 - offsetFloats): Promise<Float32Array> {
  return new Float32Array(await readBuffer(device, src, offsetFloats * 4, count * 4));
}
