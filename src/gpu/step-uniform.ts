// Per-step values (global step, batch offset in the permutation, loss slot, learning rate), written for
// a whole epoch at once and bound with a dynamic offset, so the command stream for every step is the
// same list of dispatches and nothing is written between steps.

export const stepStride = 256; // minUniformBufferOffsetAlignment

export interface StepValues {
  step: number;
  batchStart: number;
  slot: number;
  lr: number;
}

export class StepUniform {
  readonly buffer: GPUBuffer;
  private readonly staging: ArrayBuffer;
  private readonly view: DataView;

  constructor(private readonly device: GPUDevice, readonly capacity: number, label: string) {
    this.buffer = device.createBuffer({ label, size: capacity * stepStride, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.staging = new ArrayBuffer(capacity * stepStride);
    this.view = new DataView(this.staging);
  }

  set(i: number, v: StepValues): void {
    if (i >= this.capacity) throw new Error(`step slot ${i} beyond capacity ${this.capacity}`);
    const o = i * stepStride;
    this.view.setUint32(o, v.step, true);
    this.view.setUint32(o + 4, v.batchStart, true);
    this.view.setUint32(o + 8, v.slot, true);
    this.view.setFloat32(o + 12, v.lr, true);
  }

  /** Uploads slots [0, count). */
  flush(count = this.capacity): void {
    this.device.queue.writeBuffer(this.buffer, 0, this.staging, 0, count * stepStride);
  }

  static offset(i: number): number {
    return i * stepStride;
  }
}
