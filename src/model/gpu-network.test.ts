// A model graph on real WebGPU against the CPU reference graph: the training forward (logits and moved
// running statistics) and the backward (every parameter's gradient) of nets with residual adds, channel
// concats with identity branches, fused and standalone activations, on odd sizes (5 examples, 3 and 5
// channels, stride 2 on a 7×7 input). Tolerances: forward atol 1e-5 / rtol 1e-4 (after up to a dozen f32
// layers: 1e-4 / 1e-3), gradients atol 1e-4 / rtol 1e-3, as STYLE.md starts them.
import { beforeAll, describe, expect, it } from 'vitest';
import { compareArrays, randomArray, testGpu } from '../../tests/helpers/gpu';
import { bufferSource, readFloats } from '../gpu/buffers';
import { KernelContext } from '../gpu/context';
import { StepUniform } from '../gpu/step-uniform';
import { padRows, runDispatches, unpadRows } from '../gpu/test-util';
import { graphOf, type Architecture } from './architecture';
import { GpuNetwork } from './gpu-network';
import { planNetwork } from './gpu-plan';
import { graphBackward, graphForward } from './graph/reference-run';
import type { NodeSpec } from './graph/spec';
import { fromArena, initParams, toArena } from './params';

let kc: KernelContext;
beforeAll(async () => {
  kc = new KernelContext((await testGpu()).device);
});

const arch = (net: NodeSpec[], inputShape: number[], numClasses = 3): Architecture => ({ name: 'test', inputShape, numClasses, net, init: { kind: 'he', sigma: 0 } });

/** One training step's forward and backward on the GPU and on the reference, from the same tensors and input. */
async function compareStep(a: Architecture, rows: number, seed: number) {
  const device = kc.device;
  const g = graphOf(a);
  const params = initParams(a, seed);
  // Non-trivial BatchNorm γ/β and running statistics, so every term of the formulas shows.
  for (const [name, t] of params) {
    if (/bn|batchnorm/i.test(name) || name.endsWith('running_var')) t.set(Float32Array.from(t, (v, i) => v + 0.25 * Math.sin(i + name.length)));
  }
  for (const op of g.ops.filter((o) => o.spec.type === 'batchnorm')) {
    params.get(`${op.path}.weight`)!.set(randomArray(params.get(`${op.path}.weight`)!.length, seed + op.index, 0.5).map((v) => 1 + v));
  }
  const net = await GpuNetwork.create(kc, a, rows, true, { seed });
  device.queue.writeBuffer(net.weights, 0, bufferSource(toArena(net.layout, params)));
  net.writeState(params);
  const features = a.inputShape.reduce((x, y) => x * y, 1);
  const x = randomArray(rows * features, seed + 1);
  device.queue.writeBuffer(net.input.buffer, 0, bufferSource(padRows(x, rows, features, net.input.stride)));
  const steps = new StepUniform(device, 1, 'test.steps');
  const step = 7;
  steps.set(0, { step, batchStart: 0, slot: 0, lr: 0 });
  steps.flush();
  const mode = { training: true, steps: steps.buffer };
  await runDispatches(device, await net.forward(rows, mode));

  const ref = graphForward(g, params, Float64Array.from(x), rows, { training: true, step, seed });
  const classes = a.numClasses;
  const logits = unpadRows(await readFloats(device, net.logits.buffer, 0, rows * net.logits.stride), rows, classes, net.logits.stride);
  const forward = compareArrays(logits, ref.logits, 1e-4, 1e-3);
  expect(forward.ok, `logits: max diff ${forward.maxDiff} (gpu ${forward.gpu}, ref ${forward.ref})`).toBe(true);
  const moved = await net.readState();
  for (const [name, want] of ref.state) {
    const c = compareArrays(moved.get(name)!, want, 1e-5, 1e-4);
    expect(c.ok, `${name}: max diff ${c.maxDiff}`).toBe(true);
  }

  const dLogits = randomArray(rows * classes, seed + 2, 0.5);
  device.queue.writeBuffer(net.dLogits.buffer, 0, bufferSource(padRows(dLogits, rows, classes, net.dLogits.stride)));
  await runDispatches(device, await net.backward(rows, mode));
  const grads = fromArena(net.layout, await readFloats(device, net.gradArena, 0, net.layout.size));
  const want = graphBackward(g, params, ref.cache, Float64Array.from(dLogits));
  expect([...grads.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [name, w] of want) {
    const c = compareArrays(grads.get(name)!, w, 1e-4, 1e-3);
    expect(c.ok, `${name}: max diff ${c.maxDiff} at ${c.firstBad} (gpu ${c.gpu}, ref ${c.ref})`).toBe(true);
  }
  net.destroy();
  return { grads };
}

describe('model graphs on the GPU vs the CPU reference (one training step, odd sizes)', () => {
  it('residual blocks (identity and projection shortcuts, post-add ReLU), BatchNorm, tanh, padded pools, GAP', async () => {
    const a = arch([
      { type: 'conv2d', name: 'stem', out: 3, kernel: 3, padding: 'same', bias: false },
      { type: 'batchnorm', name: 'bn' },
      { type: 'relu' },
      { type: 'residual', name: 'id', activation: 'relu', body: [{ type: 'conv2d', name: 'conv1', out: 3, kernel: 3, padding: 1 }, { type: 'batchnorm', name: 'bn1' }, { type: 'tanh' }, { type: 'conv2d', name: 'conv2', out: 3, kernel: 3, padding: 1 }] },
      {
        type: 'residual', name: 'down', activation: 'relu',
        body: [{ type: 'conv2d', name: 'conv1', out: 5, kernel: 3, stride: 2, padding: 1 }, { type: 'batchnorm', name: 'bn1' }, { type: 'relu' }, { type: 'conv2d', name: 'conv2', out: 5, kernel: 3, padding: 1 }],
        shortcut: [{ type: 'conv2d', name: 'conv3', out: 5, kernel: 1, stride: 2 }],
      },
      { type: 'maxpool2d', kernel: 3, stride: 1, padding: 1 },
      { type: 'avgpool2d', kernel: 3, stride: 2, padding: 1 },
      { type: 'globalavgpool' },
      { type: 'flatten' },
      { type: 'dense', out: 'classes' },
    ], [2, 7, 7]);
    await compareStep(a, 5, 11);
  });

  it('concat with an identity branch (DenseNet), an Inception-like block, a tensor feeding four consumers, dropout, bias-free dense, tanh before a dense', async () => {
    const a = arch([
      { type: 'conv2d', out: 3, kernel: 3, padding: 1 },
      { type: 'sigmoid' },
      { type: 'concat', name: 'dense1', branches: [[], [{ type: 'batchnorm' }, { type: 'relu' }, { type: 'conv2d', out: 2, kernel: 3, padding: 1 }]] },
      {
        type: 'concat', name: 'inception', branches: [
          [{ type: 'conv2d', name: 'b1', out: 2, kernel: 1 }, { type: 'relu' }],
          [{ type: 'conv2d', name: 'b2', out: 3, kernel: 3, padding: 1 }],
          [{ type: 'maxpool2d', name: 'b3', kernel: 3, stride: 1, padding: 1 }],
          [],
        ],
      },
      { type: 'flatten' },
      { type: 'dense', name: 'fc', out: 7, bias: false },
      { type: 'tanh' },
      { type: 'dropout', p: 0.3 },
      { type: 'dense', out: 9 },
      { type: 'tanh' },
      { type: 'dense', out: 'classes' },
    ], [3, 5, 5], 4);
    const plan = planNetwork(a, true);
    // The concat's input (a sigmoid tensor) feeds the identity branch and the BatchNorm: one summed gradient.
    expect(plan.finalize.length).toBeGreaterThanOrEqual(2);
    await compareStep(a, 5, 21);
  });

  it('the same step twice gives the same bits', async () => {
    const a = arch([
      { type: 'residual', body: [{ type: 'conv2d', out: 2, kernel: 3, padding: 1 }, { type: 'relu' }], activation: 'relu' },
      { type: 'concat', branches: [[], [{ type: 'conv2d', out: 3, kernel: 1 }]] },
      { type: 'flatten' }, { type: 'dense', out: 'classes' },
    ], [2, 4, 4]);
    const first = await compareStep(a, 3, 5);
    const second = await compareStep(a, 3, 5);
    for (const [name, t] of first.grads) expect(Array.from(second.grads.get(name)!), name).toEqual(Array.from(t));
  });
});
