// The CLI's engine for a `--backend` choice (train, evaluate): the CPU backends never open a GPU (no
// Vulkan loader needed for wasm); starting it says the adapter, or why there is none unless WebGPU was
// asked for (then it throws).
import type { BackendName } from '../model/config';
import { LabEngine, type Platform } from '../worker/lab-engine';

const cpuOnly = (backend: BackendName) => backend === 'reference' || backend === 'wasm';

export function cliEngine(platform: Platform, backend: BackendName): LabEngine {
  return new LabEngine(cpuOnly(backend) ? { ...platform, acquireGpu: async () => ({ ok: false, failure: { kind: 'no-adapter', message: `--backend ${backend} given` } }) } : platform);
}

export async function startEngine(engine: LabEngine, backend: BackendName): Promise<void> {
  try {
    const info = await engine.init();
    process.stderr.write(`adapter: ${info.adapter}\n`);
  } catch (e) {
    if (backend === 'webgpu') throw e;
    if (!cpuOnly(backend)) process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  }
}
