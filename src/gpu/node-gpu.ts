// WebGPU in Node through Dawn (npm `webgpu`). Points Vulkan at Chromium's SwiftShader when no driver is
// configured, installs Dawn's globals (GPUBufferUsage …) and keeps the Dawn instance alive for the
// process: dropping it while devices live has crashed Node.
import { existsSync } from 'node:fs';
import { acquireGpu, type GpuResult } from './device';

const swiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';

let instance: GPU | undefined;

const hint =
  ' In Node the lab uses Dawn (npm `webgpu`) over Vulkan: install a Vulkan driver, or Debian\'s `chromium` and' +
  ' `libvulkan1` packages for the SwiftShader software driver (VK_ICD_FILENAMES=' + swiftShaderIcd + ').';

/** The process-wide Dawn GPU object (created once, never released). */
export async function nodeGpu(): Promise<GPU | undefined> {
  if (instance) return instance;
  if (!process.env.VK_ICD_FILENAMES && existsSync(swiftShaderIcd)) process.env.VK_ICD_FILENAMES = swiftShaderIcd;
  try {
    const dawn = await import('webgpu');
    Object.assign(globalThis, dawn.globals);
    instance = dawn.create([]);
    (globalThis as { __classifierLabDawn?: GPU }).__classifierLabDawn = instance;
    return instance;
  } catch (e) {
    console.error(`Could not load Dawn (npm webgpu): ${String(e)}`);
    return undefined;
  }
}

/** Adapter + device in Node; the failure message says what is missing. */
export async function acquireNodeGpu(): Promise<GpuResult> {
  return acquireGpu(await nodeGpu(), hint);
}
