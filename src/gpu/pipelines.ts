// Pipeline cache: one shader module per WGSL file (per entry point of a generated one: moduleSource),
// one pipeline per (file, entry point, constants, layout). Creation is asynchronous and checked: a compile error throws with file:line:column.
import { compileErrors } from './device';
import { moduleSource, type ModuleSource, type ShaderName } from './shaders';

export type BindingKind = 'uniform' | 'read' | 'rw';

export interface PipelineKey {
  shader: ShaderName;
  entry: string;
  constants?: Record<string, number>;
  /** Bind-group layouts, in group order. */
  layouts: GPUBindGroupLayout[];
}

export class PipelineCache {
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();
  private readonly layoutIds = new WeakMap<GPUBindGroupLayout, number>();
  private nextLayoutId = 0;
  private readonly bindGroupLayouts = new Map<string, GPUBindGroupLayout>();
  /** Group 1 of every kernel that reads the per-step uniform (bound with a dynamic offset). */
  readonly stepLayout: GPUBindGroupLayout;
  /** Pipelines asked for and compiled so far, and who hears of each change (the start-up progress line). */
  readonly compiles = { requested: 0, done: 0 };
  onCompile?: (compiles: { requested: number; done: number }) => void;

  constructor(readonly device: GPUDevice) {
    this.stepLayout = device.createBindGroupLayout({
      label: 'PipelineCache.stepLayout',
      entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: 16 } }],
    });
  }

  /** A bind-group layout whose binding i has kinds[i] (null: unused slot), shared between identical requests. */
  layout(label: string, kinds: (BindingKind | null)[]): GPUBindGroupLayout {
    const key = kinds.join(',');
    let l = this.bindGroupLayouts.get(key);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      kinds.forEach((k, binding) => {
        if (k === null) return;
        const type = k === 'uniform' ? 'uniform' : k === 'read' ? 'read-only-storage' : 'storage';
        entries.push({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
      });
      l = this.device.createBindGroupLayout({ label, entries });
      this.bindGroupLayouts.set(key, l);
    }
    return l;
  }

  private module(src: ModuleSource): GPUShaderModule {
    let m = this.modules.get(src.key);
    if (!m) {
      m = this.device.createShaderModule({ label: src.key, code: src.code });
      this.modules.set(src.key, m);
    }
    return m;
  }

  private layoutId(l: GPUBindGroupLayout): number {
    let id = this.layoutIds.get(l);
    if (id === undefined) {
      id = this.nextLayoutId++;
      this.layoutIds.set(l, id);
    }
    return id;
  }

  pipeline(key: PipelineKey): Promise<GPUComputePipeline> {
    const id = `${key.shader}:${key.entry}:${JSON.stringify(key.constants ?? {})}:${key.layouts.map((l) => this.layoutId(l)).join('/')}`;
    let p = this.pipelines.get(id);
    if (!p) {
      this.compiles.requested++;
      p = this.create(key).finally(() => {
        this.compiles.done++;
        this.onCompile?.(this.compiles);
      });
      this.pipelines.set(id, p);
      this.onCompile?.(this.compiles);
    }
    return p;
  }

  private async create(key: PipelineKey): Promise<GPUComputePipeline> {
    const src = moduleSource(key.shader, key.entry);
    const module = this.module(src);
    const label = `${key.shader}.${key.entry}`;
    try {
      return await this.device.createComputePipelineAsync({
        label,
        layout: this.device.createPipelineLayout({ label: `${label}.layout`, bindGroupLayouts: key.layouts }),
        compute: { module, entryPoint: key.entry, constants: key.constants },
      });
    } catch (e) {
      const detail = await compileErrors(module, src.code, src.location);
      throw new Error(`Pipeline ${label} failed: ${detail ?? String(e)}`);
    }
  }
}
