// What every kernel wrapper needs: the device, the pipeline cache, a dummy binding for unused slots,
// and the matmul and conv block choices (defaults, or pinned from an autotune recorded with the run).
import type { ConvTuner } from './conv';
import type { MatmulTuner } from './matmul';
import { PipelineCache } from './pipelines';

export class KernelContext {
  readonly cache: PipelineCache;
  /** 16 zero bytes bound where a kernel's layout has a slot the chosen variant does not read. */
  readonly dummy: GPUBuffer;
  /** Block per matmul problem ("layout:rows:cols:inner") and per conv pass ("conv-{pass}:…"); missing entries use the tuner or the heuristic. */
  readonly blockChoices = new Map<string, string>();
  /**
   * Chooses a matmul variant or a conv pass's block where none is pinned (absent, or a conv chooser
   * absent: the heuristic's; tests leave it out).
   */
  tuner?: MatmulTuner & Partial<ConvTuner>;

  constructor(readonly device: GPUDevice) {
    this.cache = new PipelineCache(device);
    this.dummy = device.createBuffer({ label: 'KernelContext.dummy', size: 16, usage: GPUBufferUsage.STORAGE });
  }

  bindGroup(label: string, layout: GPUBindGroupLayout, resources: (GPUBufferBinding | GPUBuffer | null)[]): GPUBindGroup {
    const entries: GPUBindGroupEntry[] = [];
    resources.forEach((r, binding) => {
      if (r === null) return;
      entries.push({ binding, resource: 'buffer' in r ? r : { buffer: r } });
    });
    return this.device.createBindGroup({ label, layout, entries });
  }

  /** Bind group for group 1 (the step uniform, dynamic offset). */
  stepGroup(label: string, stepBuffer: GPUBuffer): GPUBindGroup {
    return this.device.createBindGroup({ label, layout: this.cache.stepLayout, entries: [{ binding: 0, resource: { buffer: stepBuffer, size: 16 } }] });
  }
}
