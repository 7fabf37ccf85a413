// A model on the GPU: the parameter arena (weights + gradients) and one op per layer, with activations
// fused into the dense layer before them. Buffers are allocated once, at the run's largest batch.
import { BiasGrad } from '../gpu/bias-grad';
import { createBuffer, pad4, storageUsage } from '../gpu/buffers';
import type { KernelContext } from '../gpu/context';
import type { Dispatch } from '../gpu/dispatch';
import { Matmul } from '../gpu/matmul';
import { layerShapes, type Architecture } from './architecture';
import { DenseOp } from './gpu-layers/dense';
import type { Act, FusedActivation, GpuOp, OpContext } from './gpu-layers/op';
import { arenaLayout, type ArenaLayout } from './params';

export class GpuNetwork {
  readonly ops: GpuOp[] = [];
  /** The gathered, normalised input batch: (maxRows, pad4(D)). */
  readonly input: Act;
  readonly labels: GPUBuffer;
  readonly layout: ArenaLayout;
  private readonly buffers: GPUBuffer[] = [];

  private constructor(
    readonly kc: KernelContext,
    readonly arch: Architecture,
    readonly maxRows: number,
    readonly weights: GPUBuffer,
    readonly grads: GPUBuffer,
    input: Act,
    labels: GPUBuffer,
    layout: ArenaLayout,
  ) {
    this.input = input;
    this.labels = labels;
    this.layout = layout;
  }

  /** Builds the network; `training` allocates gradients (evaluation-only networks skip them). */
  static async create(kc: KernelContext, arch: Architecture, maxRows: number, training: boolean): Promise<GpuNetwork> {
    const layout = arenaLayout(arch);
    const alloc = (label: string, floats: number) => createBuffer(kc.device, label, floats * 4, storageUsage());
    const features = arch.inputShape.reduce((a, b) => a * b, 1);
    const input: Act = { buffer: await alloc('network.input', maxRows * pad4(features)), features, stride: pad4(features), shape: arch.inputShape };
    const net = new GpuNetwork(kc, arch, maxRows, await alloc('network.weights', layout.size), await alloc('network.grads', layout.size), input,
      await createBuffer(kc.device, 'network.labels', maxRows * 4, storageUsage()), layout);
    net.buffers.push(input.buffer, net.weights, net.grads, net.labels);
    await net.build(training, alloc);
    return net;
  }

  private async build(training: boolean, alloc: (label: string, floats: number) => Promise<GPUBuffer>): Promise<void> {
    const ctx: OpContext = { kc: this.kc, matmul: new Matmul(this.kc), biasGrad: new BiasGrad(this.kc), layout: this.layout, weights: this.weights, grads: this.grads, maxRows: this.maxRows };
    const shapes = layerShapes(this.arch);
    const tracked = async (label: string, floats: number) => {
      const b = await alloc(label, floats);
      this.buffers.push(b);
      return b;
    };
    let act = this.input;
    let grad: Act | null = null;
    let activation: FusedActivation = 'none';
    const layers = this.arch.layers;
    for (let i = 0; i < layers.length; i++) {
      const spec = layers[i];
      if (spec.type === 'flatten') {
        act = reshaped(act, shapes[i]);
        if (grad !== null) grad = reshaped(grad, shapes[i]);
        continue;
      }
      if (spec.type !== 'dense') throw new Error(`layer ${i} (${spec.type}) has no GPU implementation yet`);
      const next = layers[i + 1];
      const fused: FusedActivation = next?.type === 'relu' ? 'relu' : next?.type === 'sigmoid' ? 'sigmoid' : 'none';
      const op = await DenseOp.create(ctx, i, spec.out, { act, grad, activation }, fused, training, tracked);
      this.ops.push(op);
      act = op.out;
      grad = op.dOut;
      activation = fused;
      if (fused !== 'none') i++;
    }
    if (activation !== 'none') throw new Error('the last layer must produce logits (no activation after it)');
  }

  /** The logits: the last op's output. */
  get logits(): Act {
    return this.ops[this.ops.length - 1].out;
  }

  /** Where the loss writes dlogits. */
  get dLogits(): Act {
    const d = this.ops[this.ops.length - 1].dOut;
    if (!d) throw new Error('network built without gradients');
    return d;
  }

  async forward(rows: number): Promise<Dispatch[]> {
    const lists = [];
    for (const op of this.ops) lists.push(await op.forward(rows));
    return lists.flat();
  }

  async backward(rows: number): Promise<Dispatch[]> {
    const lists = [];
    for (const op of [...this.ops].reverse()) lists.push(await op.backward(rows));
    return lists.flat();
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
  }
}

function reshaped(a: Act, shape: number[]): Act {
  return { buffer: a.buffer, features: a.features, stride: a.stride, shape };
}
