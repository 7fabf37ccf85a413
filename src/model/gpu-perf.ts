// What the GPU backend counts for the performance figures: host↔GPU traffic (submits, mapAsync awaits,
// bytes written, dispatches encoded), and a profiled training step (per-dispatch GPU time through
// timestamp queries). These figures predict speed on real GPUs, where per-dispatch overhead dominates.
import type { Dispatch } from '../gpu/dispatch';
import { Profiler, timestampsSupported, type DispatchTiming } from '../gpu/profiler';

export interface TrafficStats {
  /** queue.submit calls. */
  submits: number;
  /** mapAsync calls the host awaited (loss readbacks, validation, parameter reads). */
  mapAsyncs: number;
  /** Bytes written to the GPU with queue.writeBuffer. */
  bytesUploaded: number;
  /** Compute dispatches encoded. */
  dispatches: number;
}

export function newTraffic(): TrafficStats {
  return { submits: 0, mapAsyncs: 0, bytesUploaded: 0, dispatches: 0 };
}

/** b − a, field by field. */
export function trafficSince(a: TrafficStats, b: TrafficStats): TrafficStats {
  return { submits: b.submits - a.submits, mapAsyncs: b.mapAsyncs - a.mapAsyncs, bytesUploaded: b.bytesUploaded - a.bytesUploaded, dispatches: b.dispatches - a.dispatches };
}

/**
 * GPU time of each dispatch of a training step (median of `reps` runs), or null where the device has
 * no timestamp queries. The dispatches really run: call it where their writes do no harm (before the
 * run's weights and optimizer state are written).
 */
export async function profileStep(device: GPUDevice, program: readonly Dispatch[], stepOffset: number, reps = 3): Promise<DispatchTiming[] | null> {
  if (!timestampsSupported(device)) return null;
  const profiler = new Profiler(device, Math.max(1, program.length));
  try {
    return await profiler.time(program, stepOffset, reps);
  } finally {
    profiler.destroy();
  }
}
