// A model on the GPU: the parameter arena (weights + gradients), the BatchNorm state buffer, and one op
// per layer, with a following ReLU/sigmoid fused into dense, conv and BatchNorm ops (standalone where
// nothing fuses it). Buffers are allocated once, at the run's largest batch. Activations keep the
// (rows, pad4(features)) layout with zero padding; images are NCHW per example.
import { ActivationKernel } from '../gpu/activation';
import { BatchNorm } from '../gpu/batchnorm';
import { BiasGrad } from '../gpu/bias-grad';
import { createBuffer, pad4, readBuffer, storageUsage, bufferSource } from '../gpu/buffers';
import type { KernelContext } from '../gpu/context';
import { Conv, convScratch } from '../gpu/conv';
import type { Dispatch } from '../gpu/dispatch';
import { Dropout } from '../gpu/dropout';
import { Matmul } from '../gpu/matmul';
import { Pool } from '../gpu/pool';
import { layerShapes, type Architecture, type LayerSpec } from './architecture';
import { BatchNormOp } from './gpu-layers/batchnorm';
import { ConvOp } from './gpu-layers/conv';
import { DenseOp, denseFuses } from './gpu-layers/dense';
import { ActivationOp, DropoutOp } from './gpu-layers/elementwise';
import type { Act, Alloc, FusedActivation, GpuOp, OpContext, OpInput, PassMode } from './gpu-layers/op';
import { PoolOp } from './gpu-layers/pool';
import { arenaLayout, fromState, stateLayout, toState, type ArenaLayout, type StateLayout } from './params';

export interface NetworkOptions {
  /** The run's seed (dropout masks). */
  seed?: number;
}

export class GpuNetwork {
  readonly ops: GpuOp[] = [];
  private readonly buffers: GPUBuffer[] = [];

  private constructor(
    readonly kc: KernelContext,
    readonly arch: Architecture,
    readonly maxRows: number,
    readonly weights: GPUBuffer,
    readonly grads: GPUBuffer,
    /** BatchNorm running statistics (stateLayout); never touched by the optimizer. */
    readonly state: GPUBuffer,
    /** The gathered, normalised input batch: (maxRows, pad4(D)). */
    readonly input: Act,
    readonly labels: GPUBuffer,
    readonly layout: ArenaLayout,
    readonly stateLayout: StateLayout,
  ) {}

  /** Builds the network; `training` allocates gradients (evaluation-only networks skip them). */
  static async create(kc: KernelContext, arch: Architecture, maxRows: number, training: boolean, options: NetworkOptions = {}): Promise<GpuNetwork> {
    const layout = arenaLayout(arch);
    const states = stateLayout(arch);
    const alloc = (label: string, floats: number) => createBuffer(kc.device, label, floats * 4, storageUsage());
    const features = arch.inputShape.reduce((a, b) => a * b, 1);
    const input: Act = { buffer: await alloc('network.input', maxRows * pad4(features)), features, stride: pad4(features), shape: arch.inputShape };
    const net = new GpuNetwork(
      kc, arch, maxRows, await alloc('network.weights', layout.size), await alloc('network.grads', layout.size), await alloc('network.state', states.size),
      input, await createBuffer(kc.device, 'network.labels', maxRows * 4, storageUsage()), layout, states,
    );
    net.buffers.push(input.buffer, net.weights, net.grads, net.state, net.labels);
    await net.build(training, alloc, options.seed ?? 0);
    return net;
  }

  private async build(training: boolean, alloc: Alloc, seed: number): Promise<void> {
    const kc = this.kc;
    const ctx: OpContext = {
      kc, matmul: new Matmul(kc), biasGrad: new BiasGrad(kc), conv: new Conv(kc), pool: new Pool(kc), batchNorm: new BatchNorm(kc),
      dropout: new Dropout(kc), activation: new ActivationKernel(kc), layout: this.layout, weights: this.weights, grads: this.grads,
      stateLayout: this.stateLayout, state: this.state, maxRows: this.maxRows, seed,
    };
    const shapes = layerShapes(this.arch);
    const tracked: Alloc = async (label, floats) => {
      const b = await alloc(label, floats);
      this.buffers.push(b);
      return b;
    };
    let input: OpInput = { act: this.input, grad: null, activation: 'none' };
    const layers = this.arch.layers;
    for (let i = 0; i < layers.length; i++) {
      const spec = layers[i];
      if (spec.type === 'flatten') {
        input = { ...input, act: reshaped(input.act, shapes[i]), grad: input.grad && reshaped(input.grad, shapes[i]) };
        continue;
      }
      const next = layers[i + 1];
      const following: FusedActivation = next?.type === 'relu' || next?.type === 'sigmoid' ? next.type : 'none';
      const fused = fuses(spec, following) ? following : 'none';
      const op = await createOp(ctx, i, spec, input, shapes[i], fused, training, tracked);
      this.ops.push(op);
      input = { act: op.out, grad: op.dOut, activation: op.activation };
      if (fused !== 'none') i++;
    }
    if (input.activation !== 'none') throw new Error('the last layer must produce logits (no activation after it)');
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

  /** The forward dispatches of a training pass (batch statistics, dropout) or an evaluation pass. */
  async forward(rows: number, mode: PassMode): Promise<Dispatch[]> {
    const lists = [];
    for (const op of this.ops) lists.push(await op.forward(rows, mode));
    return lists.flat();
  }

  /** The backward dispatches (after a training forward of the same rows). */
  async backward(rows: number, mode: PassMode): Promise<Dispatch[]> {
    const lists = [];
    for (const op of [...this.ops].reverse()) lists.push(await op.backward(rows, mode));
    return lists.flat();
  }

  /** BatchNorm running statistics in file layout (`layers.{i}.running_mean|running_var`). */
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

/** Whether a layer fuses the activation that follows it into its own output. */
function fuses(spec: LayerSpec, activation: FusedActivation): boolean {
  if (activation === 'none') return false;
  if (spec.type === 'dense') return denseFuses(spec.out, activation);
  return spec.type === 'conv2d' || spec.type === 'batchnorm';
}

async function createOp(ctx: OpContext, i: number, spec: LayerSpec, input: OpInput, outShape: number[], fused: FusedActivation, training: boolean, alloc: Alloc): Promise<GpuOp> {
  switch (spec.type) {
    case 'dense':
      return DenseOp.create(ctx, i, spec.out, input, fused, training, alloc);
    case 'conv2d':
      return ConvOp.create(ctx, i, spec, input, outShape, fused, training, alloc);
    case 'batchnorm':
      return BatchNormOp.create(ctx, i, spec, input, fused, training, alloc);
    case 'maxpool2d':
    case 'avgpool2d':
      return PoolOp.create(ctx, i, spec, input, outShape, training, alloc);
    case 'dropout':
      return DropoutOp.create(ctx, i, spec.p, input, training, alloc);
    case 'relu':
    case 'sigmoid':
      return ActivationOp.create(ctx, i, spec.type, input, training, alloc);
    case 'flatten':
      throw new Error(`layer ${i}: flatten is a view, not an op`);
    default:
      return spec satisfies never;
  }
}

function reshaped(a: Act, shape: number[]): Act {
  return { buffer: a.buffer, features: a.features, stride: a.stride, shape };
}

/**
 * Floats of GPU memory one example needs in a training network (activations, their gradients, pooling
 * indices, the convolutions' pixel-major gradient and input-gradient columns), for sizing validation batches.
 */
export function floatsPerExample(arch: Architecture): number {
  const shapes = [arch.inputShape, ...layerShapes(arch)];
  let n = pad4(shapes[0].reduce((a, b) => a * b, 1)) + 1;
  arch.layers.forEach((l, i) => {
    const stride = pad4(shapes[i + 1].reduce((a, b) => a * b, 1));
    n += l.type === 'flatten' ? 0 : l.type === 'maxpool2d' ? 3 * stride : 2 * stride;
    if (l.type === 'conv2d') {
      const [inC, h, w] = shapes[i];
      const scratch = convScratch({ rows: 1, inC, h, w, outC: l.out, kernel: l.kernel, stride: l.stride, padding: l.padding });
      n += scratch.dyp + scratch.columns;
    }
  });
  return n;
}
