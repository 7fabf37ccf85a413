// The performance panel's data for one GPU run: a training step profiled once before the run's weights
// are written (per-kernel GPU time), examples/s as training goes, and the host↔GPU traffic of the last
// finished epoch. The engine owns one per run; the page asks for a PerfReport through the worker.
import type { Autotuner } from '../gpu/autotune';
import { byFamily, gflops, type DispatchTiming } from '../gpu/profiler';
import type { GpuBackend } from '../model/gpu-backend';
import { trafficSince, type TrafficStats } from '../model/gpu-perf';
import type { EpochSummary, Progress } from '../model/metrics';
import type { PerfReport } from './protocol';

export interface PerfRunInfo {
  adapter: string;
  model: string;
  batchSize: number;
}

export class PerfTracker {
  private step: DispatchTiming[] | null = null;
  private epochStart: TrafficStats;
  private lastEpoch: TrafficStats | null = null;
  private examplesPerSecond = 0;
  private epochDone = false;

  constructor(private readonly backend: GpuBackend, private readonly info: PerfRunInfo, private readonly tuner?: Autotuner) {
    this.epochStart = { ...backend.traffic };
  }

  /** Times one training step, dispatch by dispatch. Its writes are overwritten by the run's writeParams. */
  async profile(): Promise<void> {
    this.step = await this.backend.profileStep();
  }

  /** Starts counting traffic (after the run's weights are written). */
  begin(): void {
    this.epochStart = { ...this.backend.traffic };
  }

  progress(p: Progress): void {
    if (!this.epochDone) this.examplesPerSecond = p.examplesPerSecond;
  }

  epoch(e: EpochSummary): void {
    const now = { ...this.backend.traffic };
    this.lastEpoch = trafficSince(this.epochStart, now);
    this.epochStart = now;
    this.examplesPerSecond = e.examples_per_s;
    this.epochDone = true;
  }

  report(kernelChoices: Record<string, string>): PerfReport {
    const step = this.step;
    return {
      ...this.info,
      examplesPerSecond: this.examplesPerSecond,
      stepMs: step ? step.reduce((s, t) => s + t.ms, 0) : null,
      families: step ? byFamily(step).map((f) => ({ family: f.family, ms: f.ms, count: f.count, gflops: gflops(f.flops, f.ms) })) : [],
      kernels: step ? step.map((t, i) => ({ label: t.label, family: t.family, ms: t.ms, gflops: gflops(t.flops, t.ms), variant: this.backend.dispatchesPerStep[i]?.variant })) : [],
      layers: step ? byLayer(step) : [],
      dispatchesPerStep: this.backend.dispatchesPerStep.length,
      epoch: this.lastEpoch,
      kernelChoices,
      autotune: this.tuner ? [...this.tuner.records] : [],
    };
  }
}

/** The layer path of a dispatch label (`net.b2.0.conv1.backward.dW` → `net.b2.0.conv1`); the gather and loss by their stage (`train.gather`). */
export function layerOf(label: string): string {
  const layer = label.replace(/\.(forward|backward|gradSum)(\..*)?$/, '');
  return layer !== label ? layer : label.split('.').slice(0, 2).join('.');
}

/** GPU time and GFLOP/s per layer path, largest first. */
export function byLayer(step: readonly DispatchTiming[]): { path: string; ms: number; gflops: number }[] {
  const sums = new Map<string, { ms: number; flops: number }>();
  for (const t of step) {
    const s = sums.get(layerOf(t.label)) ?? { ms: 0, flops: 0 };
    s.ms += t.ms;
    s.flops += t.flops;
    sums.set(layerOf(t.label), s);
  }
  return [...sums].map(([path, s]) => ({ path, ms: s.ms, gflops: gflops(s.flops, s.ms) })).sort((a, b) => b.ms - a.ms);
}
