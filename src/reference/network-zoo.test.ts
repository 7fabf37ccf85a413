// The reference network in training mode over every zoo layer type, against finite differences of the
// batch-mean loss (f64), and the optimizers' reference updates against their closed forms.
import { describe, expect, it } from 'vitest';
import type { Architecture } from '../model/architecture';
import { gradientError, numericGradient, randomVector } from './gradcheck';
import { networkBackward, networkForward, type ForwardMode } from './network';
import { adamUpdate, momentumUpdate } from './optim';
import { softmaxCrossEntropy, softmaxCrossEntropyBackward } from './softmax-xent';

describe('reference network, training mode, every layer type', () => {
  it('conv → BN2d → sigmoid → maxpool → conv(stride 2) → avgpool → flatten → dense → BN1d → relu → dropout → dense: every parameter', () => {
    const arch: Architecture = {
      name: 'test', inputShape: [2, 8, 8], numClasses: 3, init: { kind: 'normal', sigma: 0.5 },
      layers: [
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
      ],
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
    const loss = () => {
      const { logits } = networkForward(arch, all, input, rows, mode);
      return [softmaxCrossEntropy(logits, y, rows, 3).reduce((a, t) => a + t, 0) / rows];
    };
    const { logits, cache, aux } = networkForward(arch, all, input, rows, mode);
    expect([...aux.keys()]).toEqual(['layers.1.running_mean', 'layers.1.running_var', 'layers.8.running_mean', 'layers.8.running_var']);
    const grads = networkBackward(arch, all, cache, softmaxCrossEntropyBackward(logits, y, rows, 3));
    for (const [name, p] of params) {
      const num = numericGradient(() => loss(), p, [1]);
      const e = gradientError(num, grads.get(name)!);
      expect(e.ratio, `${name}[${e.index}]: numeric ${num[e.index]} vs analytic ${grads.get(name)![e.index]}`).toBeLessThanOrEqual(1);
    }
    // Evaluation: no dropout, running statistics, nothing moved.
    const evalRun = networkForward(arch, all, input, rows);
    expect(evalRun.aux.size).toBe(0);
    expect(evalRun.logits).not.toEqual(logits);
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
