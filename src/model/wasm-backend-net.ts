// A model graph in the wasm memory: the same device plan as the GPU's (gpu-plan.ts: views dropped,
// activations fused, gradient buffers shared by liveness, fixed-order gradient sums), the arenas in the
// GPU's layout (params.ts), and each device op built by its layer module's `wasm` side into phases of
// kernel ops. Everything is placed in a MemoryPlan at the run's largest batch, before the memory exists.
import { gradSumOp } from '../wasm/ops';
import { scratchBytes as defaultScratch, type MemoryPlan } from '../wasm/memory-plan';
import type { Op } from '../wasm/program';
import type { Architecture } from './architecture';
import { planNetwork, type NetworkPlan } from './gpu-plan';
import { arenaLayout, stateLayout, type ArenaLayout, type StateLayout } from './params';
import { rowsOf, type WasmOp, type WasmTensor } from './wasm-layers/types';
import './wasm-layers/index';

export class WasmNetwork {
  readonly plan: NetworkPlan;
  readonly layout: ArenaLayout;
  readonly stateLayout: StateLayout;
  /** Byte addresses of the parameter arena, its gradient and the state block. */
  readonly weights: number;
  readonly grads: number;
  readonly state: number;
  /** Labels of the gathered batch (maxRows u32). */
  readonly labels: number;
  private readonly acts: WasmTensor[];
  private readonly gradTensors: (WasmTensor | null)[];
  private readonly ops: { path: string; op: WasmOp }[] = [];
  /** Each thread's scratch: the default, or more where a convolution's columns need it. */
  scratchBytes = defaultScratch;

  /** `trainRows`: the largest training batch (gradient buffers), `maxRows`: the largest batch of all. */
  constructor(mem: MemoryPlan, readonly arch: Architecture, readonly maxRows: number, readonly training: boolean, seed: number, readonly trainRows = maxRows) {
    this.plan = planNetwork(arch, training);
    this.layout = arenaLayout(arch);
    this.stateLayout = stateLayout(arch);
    this.weights = mem.floats('network.weights', this.layout.size);
    this.grads = mem.floats('network.grads', this.layout.size);
    this.state = mem.floats('network.state', this.stateLayout.size);
    this.labels = mem.alloc('network.labels', 4 * maxRows);
    const { plan } = this;
    const g = plan.graph;
    const missing = plan.ops.filter((d) => !d.op.module.wasm).map((d) => `${d.op.path} (${d.op.module.type})`);
    if (missing.length > 0) throw new Error(`the WebAssembly backend cannot run ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''} yet: use WebGPU or the CPU reference`);
    const shapeOf = new Map<number, number[]>();
    g.tensors.forEach((t) => {
      if (!shapeOf.has(plan.deviceOf[t.id])) shapeOf.set(plan.deviceOf[t.id], t.shape);
    });
    this.acts = plan.tensors.map((t) => {
      const label = t.producer === -1 ? 'network.input' : `${plan.ops[t.producer].op.path}.out`;
      return { at: mem.floats(label, maxRows * t.stride), features: t.features, stride: t.stride, shape: shapeOf.get(t.id)! };
    });
    const physical = plan.physical.map((floats, i) => mem.floats(`network.grad.${i}`, trainRows * floats));
    this.gradTensors = plan.grads.map((b) => (b.physical >= 0 ? { at: physical[b.physical], features: b.features, stride: b.stride, shape: [b.features] } : null));
    for (const d of plan.ops) {
      const op = d.op;
      const inputs = d.inputs.map((t, slot) => {
        const target = d.grads[slot];
        return { act: { ...this.acts[t], shape: g.tensors[op.inputs[slot]].shape }, grad: training && target.buffer >= 0 ? this.gradTensors[target.buffer] : null, activation: target.activation };
      });
      const out = this.acts[d.output];
      const dPre = plan.tensors[d.output].dPre;
      const wasmOp = op.module.wasm!.create({
        spec: op.spec, path: op.path, index: op.index, inputs, out, dOut: training && dPre >= 0 ? { ...this.gradTensors[dPre]!, shape: out.shape } : null,
        fused: d.fused, training, maxRows, trainRows, seed,
        alloc: (label, floats) => mem.floats(`${op.path}.${label}`, floats),
        needScratch: (bytes) => {
          this.scratchBytes = Math.max(this.scratchBytes, Math.ceil(bytes / 64) * 64);
        },
        scratchBytes: () => this.scratchBytes,
        param: (name, arena) => this.param(`${op.path}.${name}`, arena),
        state: () => this.stateAt(op.index, op.path),
      });
      this.ops.push({ path: op.path, op: wasmOp });
    }
  }

  private param(name: string, arena: 'weights' | 'grads'): { at: number; shape: number[] } {
    const e = this.layout.byName.get(name);
    if (!e) throw new Error(`no parameter ${name} in the arena`);
    return { at: (arena === 'weights' ? this.weights : this.grads) + 4 * e.offset, shape: e.gpuShape };
  }

  private stateAt(op: number, path: string): number {
    const e = this.stateLayout.entries.find((x) => x.op === op);
    if (!e) throw new Error(`${path}: no state in the state layout`);
    return this.state + 4 * e.offset;
  }

  /** The gathered, normalised input batch: (maxRows, pad4(D)). */
  get input(): WasmTensor {
    return this.acts[this.plan.deviceOf[0]];
  }

  get logits(): WasmTensor {
    return this.acts[this.plan.logits];
  }

  /** Where the loss writes dlogits. */
  get dLogits(): WasmTensor {
    const d = this.gradTensors[this.plan.lossTarget];
    if (!d) throw new Error('network built without gradients');
    return d;
  }

  /** Ops of the step's first phase (they only read the weights). */
  prepare(rows: number): Op[] {
    return this.ops.flatMap(({ op }) => op.prepare?.(rows) ?? []);
  }

  forward(rows: number, training: boolean): Op[][] {
    return this.ops.flatMap(({ op }) => op.forward(rows, training));
  }

  /** Backward phases: ops in reverse, each tensor's gradient sum right after its last contribution. */
  backward(rows: number): Op[][] {
    const phases = [...this.finalizeAfter(-1, rows)];
    for (let i = this.ops.length - 1; i >= 0; i--) phases.push(...this.ops[i].op.backward(rows), ...this.finalizeAfter(i, rows));
    return phases;
  }

  /** dPre = act'(Σ parts) of every tensor whose last contribution op `after` wrote: ((p0 + p1) + p2) … */
  private finalizeAfter(after: number, rows: number): Op[][] {
    const phases: Op[][] = [];
    for (const f of this.plan.finalize.filter((x) => x.after === after)) {
      const t = this.plan.tensors[f.tensor];
      const y = this.acts[t.id].at;
      const dst = this.gradTensors[t.dPre]!.at;
      const part = (i: number) => rowsOf(this.gradTensors[f.parts[i]]!, rows);
      const label = `${t.producer >= 0 ? this.plan.ops[t.producer].op.path : 'input'}.gradSum`;
      const last = f.parts.length - 1;
      if (last === 0) {
        phases.push([gradSumOp(label, part(0), 0, t.activation, y, dst)]);
        continue;
      }
      phases.push([gradSumOp(label, part(0), part(1).at, last === 1 ? t.activation : 'none', y, dst)]);
      for (let i = 2; i <= last; i++) phases.push([gradSumOp(`${label}.${i}`, { ...part(i), at: dst }, part(i).at, i === last ? t.activation : 'none', y, dst)]);
    }
    return phases;
  }
}
