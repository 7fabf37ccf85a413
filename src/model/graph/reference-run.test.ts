// The reference graph in training mode over every layer type and both joins (residual add with a
// projection shortcut, channel concat with an identity branch), against finite differences of the
// batch-mean loss (f64), and the optimizers' reference updates against their closed forms.
import { describe, expect, it } from 'vitest';
import { flatNet, graphOf, type Architecture } from '../architecture';
import type { ForwardMode } from '../layers/types';
import { gradientError, numericGradient, randomVector } from '../../reference/gradcheck';
import { adamUpdate, momentumUpdate } from '../../reference/optim';
import { softmaxCrossEntropy, softmaxCrossEntropyBackward } from '../../reference/softmax-xent';
import { initParams } from '../params';
import { graphBackward, graphForward, type Params } from './reference-run';

/** Every parameter's gradient of the batch-mean loss against central differences (tensors perturbed in place). */
function checkGradients(arch: Architecture, params: Map<string, Float64Array>, state: Map<string, Float64Array>, input: Float64Array, y: number[], mode: ForwardMode) {
  const g = graphOf(arch);
  const rows = y.length;
  const all: Params = new Map([...params, ...state]);
  const c = arch.numClasses;
  const loss = () => {
    const { logits } = graphForward(g, all, input, rows, mode);
    return [softmaxCrossEntropy(logits, y, rows, c).reduce((a, t) => a + t, 0) / rows];
  };
  const { logits, cache, state: moved } = graphForward(g, all, input, rows, mode);
  const grads = graphBackward(g, all, cache, softmaxCrossEntropyBackward(logits, y, rows, c));
  expect([...grads.keys()].sort()).toEqual([...params.keys()].sort());
  for (const [name, p] of params) {
    const num = numericGradient(() => loss(), p, [1]);
    const e = gradientError(num, grads.get(name)!);
    expect(e.ratio, `${name}[${e.index}]: numeric ${num[e.index]} vs analytic ${grads.get(name)![e.index]}`).toBeLessThanOrEqual(1);
  }
  return { logits, moved };
}

/** Random f64 parameters (γ near 1) and fresh state for an architecture. */
function randomTensors(arch: Architecture, seed: number) {
  const params = new Map<string, Float64Array>();
  const state = new Map<string, Float64Array>();
  const g = graphOf(arch);
  for (const [i, p] of g.params.entries()) params.set(p.name, randomVector(p.decl.shape.reduce((a, b) => a * b, 1), seed + i, p.decl.init === 'ones' ? 2 : 1));
  for (const [name, t] of initParams(arch, 0)) if (!params.has(name)) state.set(name, Float64Array.from(t));
  return { params, state };
}

describe('reference graph, training mode, every layer type', () => {
  it('conv → BN2d → sigmoid → maxpool → conv(stride 2) → avgpool → flatten → dense → BN1d → relu → dropout → dense: every parameter', () => {
    const arch: Architecture = {
      name: 'test', inputShape: [2, 8, 8], numClasses: 3, init: { kind: 'normal', sigma: 0.5 },
      net: flatNet([
        { type: 'conv2d', in: 2, out: 3, kernel: 3, stride: 1, padding: 1 },
        { type: 'batchnorm', features: 3, spatial: true, eps: 1e-5, momentum: 0.1 },
        { type: 'sigmoid' },
        { type: 'maxpool2d', kernel: 2, stride: 2 },
        { type: 'conv2d', in: 3, out: 4, kernel: 2, stride: 1, padding: 0 },
        { type: 'avgpool2d', kernel: 3, stride: 1 },
        { type: 'flatten' },
        { type: 'dense', in: 4, out: 5 },
        { type: 'batchnorm', features: 5, spatial: false, eps: 1e-5, momentum: 0.1 },
        { type: 'relu' },
        { type: 'dropout', p: 0.4 },
        { type: 'dense', in: 5, out: 3 },
      ]),
    };
    const rows = 4;
    const params = new Map<string, Float64Array>([
      ['layers.0.weight', randomVector(54, 51)], ['layers.0.bias', randomVector(3, 52)],
      ['layers.1.weight', randomVector(3, 53, 2)], ['layers.1.bias', randomVector(3, 54)],
      ['layers.4.weight', randomVector(48, 55)], ['layers.4.bias', randomVector(4, 56)],
      ['layers.7.weight', randomVector(20, 57)], ['layers.7.bias', randomVector(5, 58)],
      ['layers.8.weight', randomVector(5, 59, 2)], ['layers.8.bias', randomVector(5, 60)],
      ['layers.11.weight', randomVector(15, 61)], ['layers.11.bias', randomVector(3, 62)],
    ]);
    const stats = new Map<string, Float64Array>([
      ['layers.1.running_mean', new Float64Array(3)], ['layers.1.running_var', new Float64Array(3).fill(1)],
      ['layers.8.running_mean', new Float64Array(5)], ['layers.8.running_var', new Float64Array(5).fill(1)],
    ]);
    const all = new Map([...params, ...stats]);
    const input = randomVector(rows * 128, 63);
    const y = [0, 2, 1, 2];
    const mode: ForwardMode = { training: true, step: 3, seed: 9 };
    const { logits, moved } = checkGradients(arch, params, stats, input, y, mode);
    expect([...moved.keys()]).toEqual(['layers.1.running_mean', 'layers.1.running_var', 'layers.8.running_mean', 'layers.8.running_var']);
    // Evaluation: no dropout, running statistics, nothing moved.
    const evalRun = graphForward(graphOf(arch), all, input, rows);
    expect(evalRun.state.size).toBe(0);
    expect(evalRun.logits).not.toEqual(logits);
  });
});

describe('reference graph: joins and the chapter 8 layers', () => {
  it('residual (projection shortcut, post-add relu) → concat (identity branch) → padded pools → GAP → tanh → bias-free dense: every parameter', () => {
    const arch: Architecture = {
      name: 'graph', inputShape: [2, 7, 7], numClasses: 3, init: { kind: 'normal', sigma: 0.5 },
      net: [
        { type: 'conv2d', name: 'stem', out: 3, kernel: 3, padding: 'same', bias: false },
        {
          type: 'residual', name: 'block', activation: 'relu',
          body: [{ type: 'conv2d', name: 'conv1', out: 4, kernel: 3, stride: 2, padding: 1 }, { type: 'batchnorm', name: 'bn1' }, { type: 'tanh' }, { type: 'conv2d', name: 'conv2', out: 4, kernel: 3, padding: 1 }],
          shortcut: [{ type: 'conv2d', name: 'proj', out: 4, kernel: 1, stride: 2 }],
        },
        { type: 'concat', name: 'cat', branches: [[], [{ type: 'batchnorm' }, { type: 'sigmoid' }, { type: 'conv2d', out: 2, kernel: 3, padding: 1 }], [{ type: 'maxpool2d', kernel: 3, stride: 1, padding: 1 }]] },
        { type: 'avgpool2d', kernel: 3, stride: 2, padding: 1 },
        { type: 'globalavgpool' },
        { type: 'flatten' },
        { type: 'dense', name: 'fc', out: 6, bias: false },
        { type: 'tanh' },
        { type: 'dropout', p: 0.3 },
        { type: 'dense', out: 'classes' },
      ],
    };
    const g = graphOf(arch);
    expect(g.ops.map((o) => o.path)).toEqual([
      'stem', 'block.conv1', 'block.bn1', 'block.2', 'block.conv2', 'block.proj', 'block', 'block.relu',
      'cat.0', 'cat.1', 'cat.2', 'cat.3', 'cat', '3', '4', '5', 'fc', '7', '8', '9',
    ]);
    expect(g.tensors[g.ops.find((o) => o.path === 'cat')!.output].shape).toEqual([4 + 4 + 2, 4, 4]);
    const { params, state } = randomTensors(arch, 70);
    expect([...params.keys()]).toContain('block.proj.weight');
    expect(params.has('fc.bias')).toBe(false);
    const input = randomVector(3 * 2 * 7 * 7, 90);
    checkGradients(arch, params, state, input, [0, 2, 1], { training: true, step: 5, seed: 3 });
  });

  it('a tensor read twice by one join (residual with an empty body) gets both contributions', () => {
    const arch: Architecture = {
      name: 'twice', inputShape: [4], numClasses: 2, init: { kind: 'normal', sigma: 0.5 },
      net: [{ type: 'dense', name: 'a', out: 3 }, { type: 'residual', body: [] }, { type: 'dense', out: 'classes' }],
    };
    const { params, state } = randomTensors(arch, 100);
    checkGradients(arch, params, state, randomVector(2 * 4, 101), [1, 0], { training: true, step: 0, seed: 0 });
  });
});

describe('optimizer references', () => {
  it('momentum: two steps equal the unrolled v₂ = μ·g₁ + g₂ (with weight decay in g)', () => {
    const p = Float32Array.of(1, -2);
    const v = new Float32Array(2);
    momentumUpdate(p, [0.5, 0.25], v, 0.1, 0.9, 0);
    momentumUpdate(p, [1, -1], v, 0.1, 0.9, 0);
    expect(v[0]).toBeCloseTo(0.9 * 0.5 + 1, 6);
    expect(p[0]).toBeCloseTo(1 - 0.1 * 0.5 - 0.1 * (0.9 * 0.5 + 1), 6);
    const q = Float32Array.of(2);
    momentumUpdate(q, [0], new Float32Array(1), 0.1, 0.9, 0.5);
    expect(q[0]).toBeCloseTo(2 - 0.1 * 0.5 * 2, 6);
  });

  it('adam: the first step moves each parameter by lr·g/(|g| + ε); bias correction at later steps', () => {
    const p = Float32Array.of(1, 1, 1);
    const m = new Float32Array(3);
    const v = new Float32Array(3);
    adamUpdate(p, [0.3, -2, 0], m, v, 0.01, 0, 0);
    expect(p[0]).toBeCloseTo(1 - 0.01, 6);
    expect(p[1]).toBeCloseTo(1 + 0.01, 6);
    expect(p[2]).toBe(1);
    // Step t = 2 with the same gradient: m̂ = g, v̂ = g² again.
    adamUpdate(p, [0.3, -2, 0], m, v, 0.01, 1, 0);
    expect(p[0]).toBeCloseTo(1 - 0.02, 6);
  });
});
