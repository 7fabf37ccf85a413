// The performance panel's data for one GPU run: a training step profiled once before the run's weights
// are written (per-kernel GPU time), examples/s as training goes, and the host↔GPU traffic of the last
// finished epoch. The engine owns one per run; the page asks for a PerfReport through the worker.
import type { Autotuner } from '../gpu/autotune';
import { byFamily, gflops, type DispatchTiming } from '../gpu/profiler';
import type { GpuBackend } from '../model/gpu-backend';
import { trafficSince, type TrafficStats } from '../model/gpu-perf';
import type { EpochSummary, Progress } from '../model/metrics';
import type { LayerTime, PerfReport } from './protocol';

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

/** Which pass of a conv layer a dispatch serves, from its label (src/gpu/conv.ts names them). */
export function convPassOf(label: string): 'forward' | 'dX' | 'dW' {
  if (/\.forward(\.|$)/.test(label)) return 'forward';
  return /\.backward\.dX/.test(label) ? 'dX' : 'dW';
}

/** GPU time and GFLOP/s per layer path, largest first; a conv layer's time also per pass. */
export function byLayer(step: readonly DispatchTiming[]): LayerTime[] {
  const sums = new Map<string, { ms: number; flops: number; passes?: Record<'forward' | 'dX' | 'dW', { ms: number; flops: number }> }>();
  for (const t of step) {
    const path = layerOf(t.label);
    const s = sums.get(path) ?? { ms: 0, flops: 0 };
    s.ms += t.ms;
    s.flops += t.flops;
    if (t.family === 'conv') {
      s.passes ??= { forward: { ms: 0, flops: 0 }, dX: { ms: 0, flops: 0 }, dW: { ms: 0, flops: 0 } };
      const p = s.passes[convPassOf(t.label)];
      p.ms += t.ms;
      p.flops += t.flops;
    }
    sums.set(path, s);
  }
  const pass = (p: { ms: number; flops: number }) => ({ ms: p.ms, gflops: gflops(p.flops, p.ms) });
  return [...sums]
    .map(([path, s]) => ({ path, ms: s.ms, gflops: gflops(s.flops, s.ms), ...(s.passes && { conv: { forward: pass(s.passes.forward), dX: pass(s.passes.dX), dW: pass(s.passes.dW) } }) }))
    .sort((a, b) => b.ms - a.ms);
}
