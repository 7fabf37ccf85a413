// The optimizer on the GPU: one fused update dispatch over the parameter arena per step (shaders/optim.wgsl)
// and its arena-shaped state buffers (momentum: v; Adam: m, v), read and written in file layout as
// `optim.{layers.i.weight|bias}.{slot}` for checkpoints. The step count is the step uniform's global step.
import { bufferSource, createBuffer, readBuffer, storageUsage } from '../gpu/buffers';
import type { KernelContext } from '../gpu/context';
import type { Dispatch } from '../gpu/dispatch';
import { Optim } from '../gpu/optim';
import { optimizerSlots, type OptimizerSettings } from './backend';
import type { GpuNetwork } from './gpu-network';
import { fromArena, optimizerStateNames, toArena } from './params';

export class GpuOptimizer {
  private constructor(
    private readonly net: GpuNetwork,
    readonly settings: OptimizerSettings,
    private readonly state: GPUBuffer[],
    readonly dispatch: Dispatch,
  ) {}

  static async create(kc: KernelContext, net: GpuNetwork, settings: OptimizerSettings, stepBuffer: GPUBuffer): Promise<GpuOptimizer> {
    const size = net.layout.size;
    const state: GPUBuffer[] = [];
    for (const slot of optimizerSlots[settings.kind]) state.push(await createBuffer(kc.device, `optim.${slot}`, size * 4, storageUsage()));
    const dispatch = await new Optim(kc).plan(
      { count: size, weightDecay: settings.weightDecay, kind: settings.kind, momentum: settings.momentum },
      { weights: { buffer: net.weights }, grads: { buffer: net.gradArena }, stepBuffer, state: state.map((buffer) => ({ buffer })) },
      'optim',
    );
    return new GpuOptimizer(net, settings, state, dispatch);
  }

  private get slots(): readonly string[] {
    return optimizerSlots[this.settings.kind];
  }

  /** Zero state: the optimizer starts afresh (new weights, or a restore before writing saved state). */
  reset(): void {
    const zeros = new Float32Array(this.net.layout.size);
    for (const b of this.state) this.net.kc.device.queue.writeBuffer(b, 0, zeros);
  }

  async read(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (let i = 0; i < this.state.length; i++) {
      const arena = new Float32Array(await readBuffer(this.net.kc.device, this.state[i], 0, this.net.layout.size * 4));
      for (const [name, t] of fromArena(this.net.layout, arena)) out.set(`optim.${name}.${this.slots[i]}`, t);
    }
    return out;
  }

  write(state: Map<string, Float32Array>): void {
    const names = optimizerStateNames(this.net.arch, this.settings.kind);
    const missing = names.filter((n) => !state.has(n));
    if (missing.length > 0) throw new Error(`optimizer state for ${this.settings.kind}: missing ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ` and ${missing.length - 4} more` : ''}`);
    this.slots.forEach((slot, i) => {
      const tensors = new Map(this.net.layout.entries.map((e) => [e.name, state.get(`optim.${e.name}.${slot}`)!]));
      this.net.kc.device.queue.writeBuffer(this.state[i], 0, bufferSource(toArena(this.net.layout, tensors)));
    });
  }

  destroy(): void {
    for (const b of this.state) b.destroy();
  }
}
