// Adapter and device acquisition for the browser, a worker and Node (through node-gpu.ts), with a typed
// result instead of an exception for the three ways it fails, and the adapter's buffer limits requested.

export type GpuFailure =
  | { kind: 'no-webgpu'; message: string }
  | { kind: 'no-adapter'; message: string }
  | { kind: 'no-device'; message: string };

export interface GpuContext {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** "vendor architecture (description)", for the UI and the manifest. */
  description: string;
  hasTimestamps: boolean;
}

export type GpuResult = { ok: true; gpu: GpuContext } | { ok: false; failure: GpuFailure };

/** Human-readable adapter description. */
export function describeAdapter(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0);
  return parts.length > 0 ? [...new Set(parts)].join(' ') : 'unknown adapter';
}

/**
 * Requests an adapter and a device with the adapter's largest buffer limits (the defaults cap storage
 * bindings at 128 MiB) and timestamp queries where available.
 */
export async function acquireGpu(gpu: GPU | undefined, hint = ''): Promise<GpuResult> {
  if (!gpu) {
    return { ok: false, failure: { kind: 'no-webgpu', message: `This browser has no WebGPU (navigator.gpu is missing). Use a recent Chrome or Edge, or Chromium with --enable-unsafe-webgpu.${hint}` } };
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { ok: false, failure: { kind: 'no-adapter', message: `WebGPU adapter request failed: ${String(e)}${hint}` } };
  }
  if (!adapter) {
    return { ok: false, failure: { kind: 'no-adapter', message: `No WebGPU adapter was found (the GPU may be blocklisted or WebGPU disabled).${hint}` } };
  }
  const hasTimestamps = adapter.features.has('timestamp-query');
  const limits = adapter.limits;
  try {
    const device = await adapter.requestDevice({
      label: 'ClassifierLab.device',
      // subgroups: the matmul's subgroup variants (src/gpu/matmul.ts) share loads across a subgroup.
      requiredFeatures: [...(hasTimestamps ? ['timestamp-query' as const] : []), ...(adapter.features.has('subgroups') ? ['subgroups' as const] : [])],
      requiredLimits: {
        maxBufferSize: limits.maxBufferSize,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
        maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      },
    });
    return { ok: true, gpu: { device, adapter, description: describeAdapter(adapter.info), hasTimestamps } };
  } catch (e) {
    return { ok: false, failure: { kind: 'no-device', message: `WebGPU device request failed: ${String(e)}${hint}` } };
  }
}

/**
 * Runs `create` inside validation and out-of-memory error scopes and throws with `what` in the message:
 * an oversize createBuffer does not throw, it returns an invalid buffer that fails later.
 */
export async function checked<T>(device: GPUDevice, what: string, create: () => T): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  const value = create();
  const validation = await device.popErrorScope();
  const oom = await device.popErrorScope();
  if (validation) throw new Error(`${what}: ${validation.message}`);
  if (oom) throw new Error(`${what}: out of GPU memory (${oom.message})`);
  return value;
}

/** Formats a shader's compilation messages with file:line:column and the source line (`label` may map a line to its file). */
export async function compileErrors(module: GPUShaderModule, source: string, label: string | ((line: number) => string)): Promise<string | null> {
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length === 0) return null;
  const lines = source.split('\n');
  return errors
    .map((m) => `${typeof label === 'string' ? `${label}:${m.lineNum}` : label(m.lineNum)}:${m.linePos}: ${m.message}\n  ${lines[m.lineNum - 1] ?? ''}`)
    .join('\n');
}
