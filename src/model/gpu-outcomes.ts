// The last validation's per-example outcomes on the GPU (written by the fused accuracy kernel): a cell's
// rows are compacted there by select_outcomes, and only their (row, confidence) pairs and the outcome
// rows of the examples shown come back — never the whole split.
import { Accuracy, OutcomeWords, parseOutcome, writeSelection } from '../gpu/accuracy';
import { createBuffer, storageUsage } from '../gpu/buffers';
import type { KernelContext } from '../gpu/context';
import { encodeDispatch, type Dispatch } from '../gpu/dispatch';
import { byConfidence, type Outcome, type OutcomeFilter } from '../reference/validation-stats';
import type { SelectedRow, ValidationOutcomes } from './outcomes';

export class GpuOutcomes implements ValidationOutcomes {
  passes = 0;
  private select_?: { dispatch: Dispatch; selection: GPUBuffer; selected: GPUBuffer };

  /** `buffer` holds (rows, 8) u32 outcome rows. */
  constructor(private readonly kc: KernelContext, readonly buffer: GPUBuffer, readonly count: number) {}

  /** Bytes the outcomes of `rows` take, and whether a device can bind them. */
  static fits(device: GPUDevice, rows: number): boolean {
    return rows * OutcomeWords * 4 <= Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  }

  private async plan() {
    if (!this.select_) {
      const device = this.kc.device;
      const selection = device.createBuffer({ label: 'outcomes.selection', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      const selected = await createBuffer(device, 'outcomes.selected', (1 + 2 * this.count) * 4, storageUsage());
      const dispatch = await new Accuracy(this.kc).planSelect(this.count, { outcomes: { buffer: this.buffer }, selection, selected: { buffer: selected } }, 'outcomes.select');
      this.select_ = { dispatch, selection, selected };
    }
    return this.select_;
  }

  async select(filter: OutcomeFilter, expected: number): Promise<SelectedRow[]> {
    const { dispatch, selection, selected } = await this.plan();
    const device = this.kc.device;
    device.queue.writeBuffer(selected, 0, new Uint32Array(1));
    writeSelection(device, selection, this.count, filter);
    const enc = device.createCommandEncoder({ label: 'outcomes.select' });
    const pass = enc.beginComputePass({ label: 'outcomes.select' });
    encodeDispatch(pass, dispatch, 0);
    pass.end();
    device.queue.submit([enc.finish()]);
    let words = await this.read(selected, 1 + 2 * Math.min(expected, this.count));
    // The matrix the caller sized by may be older than the outcomes: read again at the real count.
    if (words[0] > expected) words = await this.read(selected, 1 + 2 * Math.min(words[0], this.count));
    const n = Math.min(words[0], this.count);
    const conf = new Float32Array(words.buffer, words.byteOffset, words.length);
    return byConfidence(Array.from({ length: n }, (_, k) => ({ index: words[1 + 2 * k], confidence: conf[2 + 2 * k] })));
  }

  async rows(indices: readonly number[]): Promise<Outcome[]> {
    if (indices.length === 0) return [];
    const device = this.kc.device;
    const bytes = OutcomeWords * 4;
    const staging = device.createBuffer({ label: 'outcomes.rows', size: indices.length * bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = device.createCommandEncoder({ label: 'outcomes.rows' });
    indices.forEach((i, k) => {
      if (!(i >= 0 && i < this.count)) throw new Error(`no outcome for validation row ${i} (the split has ${this.count})`);
      enc.copyBufferToBuffer(this.buffer, i * bytes, staging, k * bytes, bytes);
    });
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const words = new Uint32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    return indices.map((_, k) => parseOutcome(words, k * OutcomeWords));
  }

  private async read(src: GPUBuffer, words: number): Promise<Uint32Array> {
    const device = this.kc.device;
    const staging = device.createBuffer({ label: 'outcomes.selected.staging', size: words * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = device.createCommandEncoder({ label: 'outcomes.read' });
    enc.copyBufferToBuffer(src, 0, staging, 0, words * 4);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = new Uint32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    return out;
  }

  destroy(): void {
    this.select_?.selected.destroy();
    this.select_?.selection.destroy();
  }
}
