// Which backend a run trains on, and why (the `backend` setting: auto | webgpu | wasm | reference).
// `auto` takes WebGPU on a hardware adapter. With no adapter it takes the WebAssembly kernels. With a
// software adapter (SwiftShader, llvmpipe: WebGPU emulated on the same cores, or one that says it is a
// fallback) it times one short probe on each (≤ 0.5 s of steps apiece, after compilation) and keeps the
// faster. The reason is said to the user and recorded with the run.
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

/** Examples per second of `backend` over ≤ `seconds` of training steps (one step first, untimed: compilation). */
async function probe(backend: Backend, o: RunOptions, seconds: number): Promise<number> {
  const steps = Math.ceil(o.data.train.count / o.batchSize);
  backend.beginEpoch(Uint32Array.from({ length: o.data.train.count }, (_, i) => i), new Float32Array(steps), 0);
  await backend.trainSteps(0, 1);
  let done = 0;
  let rows = 0;
  const start = performance.now();
  for (let s = 1; s < steps && performance.now() - start < seconds * 1000; s++) {
    rows += (await backend.trainSteps(s, s + 1)).rows[0];
    done++;
  }
  const elapsed = (performance.now() - start) / 1000;
  return done > 0 ? rows / elapsed : 0;
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
  let wasmRate = 0;
  let gpuRate = 0;
  try {
    wasmRate = await probe(wasm.backend, o, 0.5);
  } catch (e) {
    wasm.backend.destroy();
    throw e;
  }
  const g = await GpuBackend.create({ kc: gpu.kc, description: `webgpu: ${gpu.adapter}`, ...o, paceHost: gpu.paceHost });
  try {
    gpuRate = await probe(g, o, 0.5);
  } finally {
    g.destroy();
  }
  if (wasmRate >= gpuRate) return { kind: 'wasm', reason: `WebAssembly, ${threads}: faster than the software WebGPU adapter on this machine (${rate(wasmRate)} vs ${rate(gpuRate)} examples/s)`, wasm: wasm.backend };
  wasm.backend.destroy();
  return { kind: 'webgpu', reason: `WebGPU on ${gpu.adapter}: a software adapter, but faster than WebAssembly on this machine (${rate(gpuRate)} vs ${rate(wasmRate)} examples/s)` };
}
