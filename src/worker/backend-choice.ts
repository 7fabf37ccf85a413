// Which backend a run trains on, and why (the `backend` setting: auto | webgpu | wasm | reference).
// `auto` takes WebGPU on a hardware adapter. With no adapter it takes the WebAssembly kernels. With a
// software adapter (SwiftShader, llvmpipe: WebGPU emulated on the same cores, or one that says it is a
// fallback) it times a short probe on each and keeps the faster: untimed steps until the one-time work is
// done, then at least two timed steps (≤ 0.5 s of them, beyond two), so it compares steady speeds. The
// second probed stops as soon as one of its steps, warm-up included, is 8x slower than the first's rate. The reason is said to the user and
// recorded with the run.
import type { Backend } from '../model/backend';
import type { BackendName } from '../model/config';
import { GpuBackend, type GpuBackendOptions } from '../model/gpu-backend';
import { WasmBackend, type WasmBackendOptions } from '../model/wasm-backend';
import type { KernelContext } from '../gpu/context';
import { canShareMemory } from '../wasm/pool';

export interface BackendChoice {
  kind: 'webgpu' | 'wasm' | 'reference';
  /** One line for the user and the manifest ("WebAssembly, 2 threads: faster than …"). */
  reason: string;
  /** The WebAssembly backend, when the choice built it (the run takes it over and writes its weights). */
  wasm?: WasmBackend;
  /** What each probe measured, when the choice timed them (a software adapter). */
  probes?: { wasm: ProbeResult; webgpu: ProbeResult };
}

export interface ChoiceGpu {
  kc: KernelContext;
  /** The adapter's description ("swiftshader (Google)"). */
  adapter: string;
  paceHost?: boolean;
}

type RunOptions = Omit<WasmBackendOptions, 'threads'> & Omit<GpuBackendOptions, 'kc' | 'description'>;

/** Whether an adapter emulates a GPU on the CPU. */
export function isSoftwareAdapter(gpu: ChoiceGpu): boolean {
  const info = (gpu.kc.device as { adapterInfo?: { isFallbackAdapter?: boolean } }).adapterInfo;
  return info?.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|softpipe|basic render|\bwarp\b|software/i.test(gpu.adapter);
}

/** "2 threads", or why there is one (a page without cross-origin isolation has no SharedArrayBuffer). */
const threadsOf = (b: WasmBackend) =>
  b.threads === 1 && !canShareMemory() ? '1 thread (the page is not cross-origin isolated, so no shared memory for more)' : `${b.threads} thread${b.threads === 1 ? '' : 's'}`;
const rate = (n: number) => (n >= 10_000 ? `${Math.round(n / 1000)}k` : `${Math.round(n)}`);

export interface ProbeOptions {
  /** Untimed steps first, at least: the one-time work (V8's tier-up of the wasm kernels, Dawn's first dispatches, first touches of memory). */
  warmup: number;
  /** Untimed steps at most: past `warmup`, one more while a step still ran in under `Settled` of the one before. */
  maxWarmup: number;
  /** Timed steps at least, however long they take (but see `rival`): one step's noise (2x here on a shared machine) does not decide. */
  minTimed: number;
  /** Seconds of timed steps beyond `minTimed`. */
  seconds: number;
  /**
   * The other backend's examples/s, when it was probed first: a probe `Decisive` times slower than it after
   * one timed step stops there (it cannot win; a resnet-lab step of 128 takes 40–90 s on SwiftShader here).
   */
  rival?: number;
  /** Milliseconds clock (performance.now; tests pass a fake one). */
  now: () => number;
}

export const probeDefaults: ProbeOptions = { warmup: 2, maxWarmup: 4, minTimed: 2, seconds: 0.5, now: () => performance.now() };

/** A warm-up step under this fraction of the one before is still shedding one-time work. */
const Settled = 0.75;
/** A gap no step-to-step noise explains (steps vary up to 2x on a shared machine). */
const Decisive = 8;

export interface ProbeResult {
  /** Examples per second over the timed steps. */
  rate: number;
  /** Untimed steps, then timed steps. */
  warmup: number;
  timed: number;
  /** Milliseconds the probe took, warm-up included. */
  ms: number;
}

/**
 * Examples per second of `backend` in steady state: untimed steps while the one-time work lasts (at least
 * `warmup`), then timed steps (at least `minTimed`, then until `seconds` have passed). It stops at the first
 * step, untimed or not, that loses to `rival` by `Decisive` (a warm-up step can only be slower). Steps wrap into a new epoch where the training split has fewer.
 */
export async function probe(backend: Backend, o: Pick<RunOptions, 'data' | 'batchSize'>, p: ProbeOptions = probeDefaults): Promise<ProbeResult> {
  const steps = Math.ceil(o.data.train.count / o.batchSize);
  const order = Uint32Array.from({ length: o.data.train.count }, (_, i) => i);
  let s = steps;
  const step = async () => {
    if (s === steps) {
      backend.beginEpoch(order, new Float32Array(steps), 0);
      s = 0;
    }
    return (await backend.trainSteps(s, ++s)).rows[0];
  };
  const begin = p.now();
  let warmup = 0;
  let last = Infinity;
  for (;;) {
    const t = p.now();
    const n = await step();
    const ms = p.now() - t;
    warmup++;
    // Already decisively slower while still warming up (one-time work only makes a step slower): stop
    // here rather than spend more minute-long steps (resnet-lab on SwiftShader) confirming it.
    const warmRate = ms > 0 ? (n * 1000) / ms : Infinity;
    if (p.rival !== undefined && warmRate * Decisive < p.rival) return { rate: warmRate, warmup, timed: 0, ms: p.now() - begin };
    if (warmup >= p.maxWarmup || (warmup >= p.warmup && ms >= Settled * last)) break;
    last = ms;
  }
  let timed = 0;
  let rows = 0;
  const start = p.now();
  const perSecond = (now: number) => (now > start ? (rows * 1000) / (now - start) : 0);
  while (timed < p.minTimed || p.now() - start < p.seconds * 1000) {
    rows += await step();
    timed++;
    if (p.rival !== undefined && perSecond(p.now()) * Decisive < p.rival) break;
  }
  const end = p.now();
  return { rate: perSecond(end), warmup, timed, ms: end - begin };
}

/** Why the wasm kernels cannot run this model (null: they can). */
async function wasmRefusal(o: RunOptions): Promise<{ backend: WasmBackend | null; why: string | null }> {
  try {
    return { backend: await WasmBackend.create(o), why: null };
  } catch (e) {
    return { backend: null, why: e instanceof Error ? e.message : String(e) };
  }
}

export async function chooseBackend(want: BackendName, gpu: ChoiceGpu | null, o: RunOptions, gpuFailure = ''): Promise<BackendChoice> {
  switch (want) {
    case 'reference':
      return { kind: 'reference', reason: 'the CPU reference (float64), as asked: much slower' };
    case 'webgpu':
      if (!gpu) throw new Error(`No WebGPU adapter${gpuFailure ? ` (${gpuFailure})` : ''}: pick another compute backend`);
      return { kind: 'webgpu', reason: `WebGPU on ${gpu.adapter}, as asked` };
    case 'wasm': {
      const wasm = await WasmBackend.create(o);
      return { kind: 'wasm', reason: `WebAssembly, ${threadsOf(wasm)}, as asked`, wasm };
    }
    case 'auto':
      break;
    default:
      return want satisfies never;
  }
  if (gpu && !isSoftwareAdapter(gpu)) return { kind: 'webgpu', reason: `WebGPU on ${gpu.adapter}` };
  const wasm = await wasmRefusal(o);
  if (!wasm.backend) {
    if (gpu) return { kind: 'webgpu', reason: `WebGPU on ${gpu.adapter} (a software adapter; the WebAssembly backend cannot run this model: ${wasm.why})` };
    return { kind: 'reference', reason: `the CPU reference: no WebGPU${gpuFailure ? ` (${gpuFailure})` : ''}, and the WebAssembly backend cannot run this model (${wasm.why})` };
  }
  const threads = threadsOf(wasm.backend);
  if (!gpu) return { kind: 'wasm', reason: `WebAssembly, ${threads}: no WebGPU adapter`, wasm: wasm.backend };
  let wasmProbe: ProbeResult;
  let gpuProbe: ProbeResult;
  try {
    wasmProbe = await probe(wasm.backend, o);
  } catch (e) {
    wasm.backend.destroy();
    throw e;
  }
  const g = await GpuBackend.create({ kc: gpu.kc, description: `webgpu: ${gpu.adapter}`, ...o, paceHost: gpu.paceHost });
  try {
    gpuProbe = await probe(g, o, { ...probeDefaults, rival: wasmProbe.rate });
  } finally {
    g.destroy();
  }
  const probes = { wasm: wasmProbe, webgpu: gpuProbe };
  const over = (a: ProbeResult, b: ProbeResult) => `${rate(a.rate)} vs ${rate(b.rate)} examples/s over ${a.timed} and ${b.timed} timed steps, after ${a.warmup} and ${b.warmup} untimed`;
  if (wasmProbe.rate >= gpuProbe.rate) return { kind: 'wasm', reason: `WebAssembly, ${threads}: faster than the software WebGPU adapter on this machine (${over(wasmProbe, gpuProbe)})`, wasm: wasm.backend, probes };
  wasm.backend.destroy();
  return { kind: 'webgpu', reason: `WebGPU on ${gpu.adapter}: a software adapter, but faster than WebAssembly on this machine (${over(gpuProbe, wasmProbe)})`, probes };
}
