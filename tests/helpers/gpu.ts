// The GPU for tests: real WebGPU through Dawn. There is no skip: a missing adapter fails the test file
// with the message that says what to install (in CI and on a developer's machine alike).
import { acquireNodeGpu } from '../../src/gpu/node-gpu';
import type { GpuContext } from '../../src/gpu/device';

let cached: Promise<GpuContext> | undefined;

export function testGpu(): Promise<GpuContext> {
  cached ??= acquireNodeGpu().then((r) => {
    if (!r.ok) throw new Error(`GPU tests need a WebGPU adapter: ${r.failure.message}`);
    r.gpu.device.addEventListener('uncapturederror', (e) => {
      throw new Error(`uncaptured WebGPU error: ${(e as GPUUncapturedErrorEvent).error.message}`);
    });
    return r.gpu;
  });
  return cached;
}

/** Runs `body` inside a validation error scope and fails on any error it raised. */
export async function expectNoGpuErrors<T>(device: GPUDevice, body: () => Promise<T> | T): Promise<T> {
  device.pushErrorScope('validation');
  const out = await body();
  const err = await device.popErrorScope();
  if (err) throw new Error(`WebGPU validation error: ${err.message}`);
  return out;
}

/** |gpu − ref| ≤ atol + rtol·|ref| everywhere; returns the largest difference and the first failure. */
export function compareArrays(gpu: ArrayLike<number>, ref: ArrayLike<number>, atol: number, rtol: number) {
  if (gpu.length !== ref.length) throw new Error(`length ${gpu.length} ≠ ${ref.length}`);
  let maxDiff = 0;
  let firstBad = -1;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(gpu[i] - ref[i]);
    if (!(d <= atol + rtol * Math.abs(ref[i])) && firstBad < 0) firstBad = i;
    if (d > maxDiff || Number.isNaN(d)) maxDiff = Number.isNaN(d) ? Infinity : d;
  }
  return { maxDiff, ok: firstBad < 0, firstBad, gpu: firstBad >= 0 ? gpu[firstBad] : 0, ref: firstBad >= 0 ? ref[firstBad] : 0 };
}

/** A seeded pseudo-random Float32Array in [-scale, scale). */
export function randomArray(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return out;
}
