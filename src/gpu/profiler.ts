// GPU time per dispatch through timestamp queries: in profiling mode every dispatch of a list runs in a
// compute pass of its own with timestampWrites, so its begin/end stamps bracket exactly one kernel.
// Profiling is a separate mode, run on request; the training loop never encodes timestamp writes.
import { encodeDispatch, type Dispatch, type KernelFamily } from './dispatch';

export interface DispatchTiming {
  label: string;
  family: KernelFamily;
  /** Median GPU milliseconds of one launch. */
  ms: number;
  flops: number;
}

export interface FamilyTiming {
  family: KernelFamily;
  ms: number;
  /** Launches of this family in the list. */
  count: number;
  flops: number;
}

export function timestampsSupported(device: GPUDevice): boolean {
  return device.features.has('timestamp-query');
}

export class Profiler {
  private readonly querySet: GPUQuerySet;
  private readonly resolve: GPUBuffer;
  private readonly staging: GPUBuffer;

  /** `capacity`: the most dispatches one timed list may hold. */
  constructor(private readonly device: GPUDevice, readonly capacity = 256) {
    if (!timestampsSupported(device)) throw new Error('This GPU device has no timestamp-query feature: per-kernel times are unavailable');
    const bytes = capacity * 2 * 8;
    this.querySet = device.createQuerySet({ label: 'Profiler.querySet', type: 'timestamp', count: capacity * 2 });
    this.resolve = device.createBuffer({ label: 'Profiler.resolve', size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.staging = device.createBuffer({ label: 'Profiler.staging', size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  /** Stamps of one run of `list` (ns since an arbitrary origin): [begin₀, end₀, begin₁, end₁, …]. */
  private async once(list: readonly Dispatch[], stepOffset: number): Promise<BigInt64Array> {
    const n = list.length;
    const enc = this.device.createCommandEncoder({ label: 'Profiler.encoder' });
    list.forEach((d, i) => {
      const pass = enc.beginComputePass({ label: `profile ${d.label}`, timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
      encodeDispatch(pass, d, stepOffset);
      pass.end();
    });
    enc.resolveQuerySet(this.querySet, 0, 2 * n, this.resolve, 0);
    enc.copyBufferToBuffer(this.resolve, 0, this.staging, 0, 2 * n * 8);
    this.device.queue.submit([enc.finish()]);
    await this.staging.mapAsync(GPUMapMode.READ, 0, 2 * n * 8);
    const stamps = new BigInt64Array(this.staging.getMappedRange(0, 2 * n * 8).slice(0));
    this.staging.unmap();
    return stamps;
  }

  /**
   * Runs `list` `reps` times (after one untimed warm-up) and returns each dispatch's median time.
   * The dispatches really run: whatever they write (weights, gradients) is changed.
   */
  async time(list: readonly Dispatch[], stepOffset = 0, reps = 5): Promise<DispatchTiming[]> {
    if (list.length > this.capacity) throw new Error(`Profiler: ${list.length} dispatches exceed its capacity of ${this.capacity}`);
    await this.once(list, stepOffset);
    const samples: number[][] = list.map(() => []);
    for (let r = 0; r < reps; r++) {
      const stamps = await this.once(list, stepOffset);
      list.forEach((_, i) => samples[i].push(Math.max(0, Number(stamps[2 * i + 1] - stamps[2 * i])) / 1e6));
    }
    return list.map((d, i) => ({ label: d.label, family: d.family, ms: median(samples[i]), flops: d.flops }));
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolve.destroy();
    this.staging.destroy();
  }
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Sums timings per kernel family, largest first. */
export function byFamily(timings: readonly DispatchTiming[]): FamilyTiming[] {
  const map = new Map<KernelFamily, FamilyTiming>();
  for (const t of timings) {
    const f = map.get(t.family) ?? { family: t.family, ms: 0, count: 0, flops: 0 };
    f.ms += t.ms;
    f.count++;
    f.flops += t.flops;
    map.set(t.family, f);
  }
  return [...map.values()].sort((a, b) => b.ms - a.ms);
}

/** GFLOP/s of `flops` done in `ms` milliseconds (0 when the time is 0). */
export function gflops(flops: number, ms: number): number {
  return ms > 0 ? flops / ms / 1e6 : 0;
}
