// Upload/download helpers shared by the GPU tests (not used by the engine).
import { bufferSource, storageUsage } from './buffers';

export function upload(device: GPUDevice, data: Float32Array | Uint32Array, label = 'test.upload'): GPUBuffer {
  const buffer = device.createBuffer({ label, size: Math.max(16, Math.ceil(data.byteLength / 16) * 16), usage: storageUsage() });
  device.queue.writeBuffer(buffer, 0, bufferSource(data));
  return buffer;
}

export function emptyBuffer(device: GPUDevice, floats: number, label = 'test.empty'): GPUBuffer {
  return device.createBuffer({ label, size: Math.max(16, Math.ceil((floats * 4) / 16) * 16), usage: storageUsage() });
}

/** Copies an unpadded (rows, cols) matrix into a zero-padded (rows, stride) one. */
export function padRows(x: ArrayLike<number>, rows: number, cols: number, stride: number): Float32Array {
  const out = new Float32Array(rows * stride);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * stride + j] = x[i * cols + j];
  return out;
}

/** Drops the padding columns of a (rows, stride) matrix. */
export function unpadRows(x: ArrayLike<number>, rows: number, cols: number, stride: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = x[i * stride + j];
  return out;
}

/** Submits dispatches in one compute pass with the step uniform at slot `stepSlot`, failing on any validation error. */
export async function runDispatches(device: GPUDevice, list: import('./dispatch').Dispatch[], stepSlot = 0): Promise<void> {
  const { encodeAll } = await import('./dispatch');
  const { StepUniform } = await import('./step-uniform');
  device.pushErrorScope('validation');
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  encodeAll(pass, list, StepUniform.offset(stepSlot));
  pass.end();
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  const err = await device.popErrorScope();
  if (err) throw new Error(`WebGPU validation error: ${err.message}`);
}
