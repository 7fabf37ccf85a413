// A model graph on the GPU: the parameter arena (weights + gradients), the state buffer, one op per
// device op of the plan (gpu-plan.ts) built by its layer module, and the gradient plumbing between them.
// Buffers are allocated once, at the run's largest batch. Activations keep the (rows, pad4(features))
// layout with zero padding; images are NCHW per example.
import { ActivationKernel } from '../gpu/activation';
import { BatchNorm } from '../gpu/batchnorm';
import { createBuffer, readBuffer, storageUsage, bufferSource } from '../gpu/buffers';
import type { KernelContext } from '../gpu/context';
import { Conv } from '../gpu/conv';
import type { Dispatch } from '../gpu/dispatch';
import { Dropout } from '../gpu/dropout';
import { GraphKernels } from '../gpu/graph-ops';
import { Matmul } from '../gpu/matmul';
import { Pool } from '../gpu/pool';
import type { Architecture } from './architecture';
import type { OpContext } from './gpu-layers/op';
import { forwardFloats, planNetwork, type NetworkPlan } from './gpu-plan';
import type { Act, GpuOp, OpInput, PassMode } from './layers/types';
import { arenaLayout, fromState, stateLayout, toState, type ArenaLayout, type StateLayout } from './params';

export interface NetworkOptions {
  /** The run's seed (dropout masks). */
  seed?: number;
}

export class GpuNetwork {
  private readonly ops: { path: string; op: GpuOp }[] = [];
  private readonly buffers: GPUBuffer[] = [];
  private acts: Act[] = [];
  private grads: (Act | null)[] = [];
  private ctx!: OpContext;

  private constructor(
    readonly kc: KernelContext,
    readonly arch: Architecture,
    readonly plan: NetworkPlan,
    readonly maxRows: number,
    readonly weights: GPUBuffer,
    readonly gradArena: GPUBuffer,
    /** State tensors (stateLayout); never touched by the optimizer. */
    readonly state: GPUBuffer,
    readonly labels: GPUBuffer,
    readonly layout: ArenaLayout,
    readonly stateLayout: StateLayout,
  ) {}

  /** Builds the network; `training` adds gradients (evaluation-only networks skip them). */
  static async create(kc: KernelContext, arch: Architecture, maxRows: number, training: boolean, options: NetworkOptions = {}): Promise<GpuNetwork> {
    const layout = arenaLayout(arch);
    const states = stateLayout(arch);
    const alloc = (label: string, floats: number) => createBuffer(kc.device, label, floats * 4, storageUsage());
    const plan = planNetwork(arch, training);
    const net = new GpuNetwork(
      kc, arch, plan, maxRows, await alloc('network.weights', layout.size), await alloc('network.grads', layout.size), await alloc('network.state', states.size),
      await createBuffer(kc.device, 'network.labels', maxRows * 4, storageUsage()), layout, states,
    );
    net.buffers.push(net.weights, net.gradArena, net.state, net.labels);
    await net.build(training, options.seed ?? 0);
    return net;
  }

  private async alloc(label: string, floats: number): Promise<GPUBuffer> {
    const b = await createBuffer(this.kc.device, label, floats * 4, storageUsage());
    this.buffers.push(b);
    return b;
  }

  private async build(training: boolean, seed: number): Promise<void> {
    const kc = this.kc;
    const { plan, maxRows } = this;
    this.ctx = {
      kc, matmul: new Matmul(kc), conv: new Conv(kc), pool: new Pool(kc), batchNorm: new BatchNorm(kc), dropout: new Dropout(kc),
      activation: new ActivationKernel(kc), graph: new GraphKernels(kc), maxRows, seed,
    };
    const g = plan.graph;
    // Device tensors: their buffers, with the shape of the graph tensor that names them.
    const shapeOf = new Map<number, number[]>();
    g.tensors.forEach((t) => {
      if (!shapeOf.has(plan.deviceOf[t.id])) shapeOf.set(plan.deviceOf[t.id], t.shape);
    });
    for (const t of plan.tensors) {
      const label = t.producer === -1 ? 'network.input' : `${plan.ops[t.producer].op.path}.out`;
      this.acts.push({ buffer: await this.alloc(label, maxRows * t.stride), features: t.features, stride: t.stride, shape: shapeOf.get(t.id)! });
    }
    const physical = await Promise.all(plan.physical.map((floats, i) => this.alloc(`network.grad.${i}`, maxRows * floats)));
    this.grads = plan.grads.map((b) => {
      const p = physical[b.physical];
      return p ? { buffer: p, features: b.features, stride: b.stride, shape: [b.features] } : null;
    });
    for (const d of plan.ops) {
      const op = d.op;
      const inputs: OpInput[] = d.inputs.map((t, slot) => {
        const target = d.grads[slot];
        const act = { ...this.acts[t], shape: g.tensors[op.inputs[slot]].shape };
        return { act, grad: training && target.buffer >= 0 ? this.grads[target.buffer] : null, activation: target.activation };
      });
      const out = this.acts[d.output];
      const dPre = plan.tensors[d.output].dPre;
      const gpuOp = await op.module.gpu.create({
        ctx: this.ctx, spec: op.spec, path: op.path, index: op.index, inputs, out, dOut: training && dPre >= 0 ? { ...this.grads[dPre]!, shape: out.shape } : null,
        fused: d.fused, training, alloc: (label, floats) => this.alloc(label, floats),
        param: (name, arena) => this.paramBinding(`${op.path}.${name}`, arena),
        state: () => this.stateBinding(op.index, op.path),
      });
      this.ops.push({ path: op.path, op: gpuOp });
    }
  }

  private paramBinding(name: string, arena: 'weights' | 'grads'): GPUBufferBinding {
    const e = this.layout.byName.get(name);
    if (!e) throw new Error(`no parameter ${name} in the arena`);
    return { buffer: arena === 'weights' ? this.weights : this.gradArena, offset: e.offset * 4, size: e.size * 4 };
  }

  private stateBinding(op: number, path: string): GPUBufferBinding {
    const e = this.stateLayout.entries.find((x) => x.op === op);
    if (!e) throw new Error(`${path}: no state in the state layout`);
    return { buffer: this.state, offset: e.offset * 4, size: e.size * 4 };
  }

  /** The gathered, normalised input batch: (maxRows, pad4(D)). */
  get input(): Act {
    return this.acts[this.plan.deviceOf[0]];
  }

  /** The logits: the last op's output. */
  get logits(): Act {
    return this.acts[this.plan.logits];
  }

  /** Where the loss writes dlogits. */
  get dLogits(): Act {
    const d = this.grads[this.plan.lossTarget];
    if (!d) throw new Error('network built without gradients');
    return d;
  }

  /** The forward dispatches of a training pass (batch statistics, dropout) or an evaluation pass. */
  async forward(rows: number, mode: PassMode): Promise<Dispatch[]> {
    const lists = [];
    for (const { op } of this.ops) lists.push(await op.forward(rows, mode));
    return lists.flat();
  }

  /** The backward dispatches (after a training forward of the same rows): ops in reverse, each tensor's gradient sum after its last contribution. */
  async backward(rows: number, mode: PassMode): Promise<Dispatch[]> {
    const list: Dispatch[] = [...(await this.finalizeAfter(-1, rows))];
    for (let i = this.ops.length - 1; i >= 0; i--) {
      list.push(...(await this.ops[i].op.backward(rows, mode)), ...(await this.finalizeAfter(i, rows)));
    }
    return list;
  }

  /** dPre = act'(Σ parts) of every tensor whose last contribution op `after` wrote. */
  private async finalizeAfter(after: number, rows: number): Promise<Dispatch[]> {
    const list: Dispatch[] = [];
    for (const f of this.plan.finalize.filter((x) => x.after === after)) {
      const t = this.plan.tensors[f.tensor];
      const y = { buffer: this.acts[t.id].buffer };
      const dst = { buffer: this.grads[t.dPre]!.buffer };
      const part = (i: number) => ({ buffer: this.grads[f.parts[i]]!.buffer });
      const shape = { rows, features: t.features, stride: t.stride };
      const label = `${t.producer >= 0 ? this.plan.ops[t.producer].op.path : 'input'}.gradSum`;
      if (f.parts.length === 1) {
        list.push(await this.ctx.activation.backward(shape, t.activation, { x: y, dy: part(0), dx: dst }, label));
        continue;
      }
      const last = f.parts.length - 1;
      list.push(await this.ctx.graph.sum(shape, last === 1 ? t.activation : 'none', { a: part(0), b: part(1), y, dst }, label));
      for (let i = 2; i <= last; i++) list.push(await this.ctx.graph.accumulate(shape, i === last ? t.activation : 'none', { a: part(i), y, dst }, `${label}.${i}`));
    }
    return list;
  }

  /** State tensors in file layout (BatchNorm running statistics). */
  async readState(): Promise<Map<string, Float32Array>> {
    if (this.stateLayout.entries.length === 0) return new Map();
    return fromState(this.stateLayout, new Float32Array(await readBuffer(this.kc.device, this.state, 0, this.stateLayout.size * 4)));
  }

  writeState(tensors: Map<string, Float32Array>): void {
    this.kc.device.queue.writeBuffer(this.state, 0, bufferSource(toState(this.stateLayout, tensors)));
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
  }
}

/**
 * Floats of GPU memory one example needs in a training network (outputs, gradient buffers after reuse,
 * each op's own scratch), for sizing validation batches.
 */
export function floatsPerExample(arch: Architecture): number {
  const plan = planNetwork(arch, true);
  const g = plan.graph;
  let n = forwardFloats(plan) + plan.physical.reduce((a, b) => a + b, 0) + 1;
  for (const d of plan.ops) n += d.op.module.gpu.scratchFloats?.(d.op.spec, d.op.inputs.map((t) => g.tensors[t].shape), g.tensors[d.op.output].shape) ?? 0;
  return n;
}
