// Every reference backward against central finite differences of its forward, in float64.
import { describe, expect, it } from 'vitest';
import { gradientError, numericGradient, randomVector } from './gradcheck';
import { denseBackward, denseForward, reluBackward, reluForward, sigmoidBackward, sigmoidForward } from './layers';
import { softmaxCrossEntropy, softmaxCrossEntropyBackward } from './softmax-xent';
import { flatNet, graphOf, type Architecture } from '../model/architecture';
import { graphBackward, graphForward } from '../model/graph/reference-run';

const pass = (num: Float64Array, ana: ArrayLike<number>) => {
  const e = gradientError(num, ana);
  expect(e.ratio, `worst at ${e.index}: numeric ${num[e.index]} vs analytic ${ana[e.index]}`).toBeLessThanOrEqual(1);
};

describe('reference backward vs finite differences (f64, h = 1e-5, tol 1e-6)', () => {
  const b = 3;
  const nIn = 5;
  const nOut = 4;
  const x = randomVector(b * nIn, 1);
  const w = randomVector(nOut * nIn, 2);
  const bias = randomVector(nOut, 3);
  const dY = randomVector(b * nOut, 4);

  it('dense: dX, dW, dB', () => {
    const g = denseBackward(x, w, dY, b, nIn, nOut);
    pass(numericGradient((v) => denseForward(v, w, bias, b, nIn, nOut), Float64Array.from(x), dY), g.dX);
    pass(numericGradient((v) => denseForward(x, v, bias, b, nIn, nOut), Float64Array.from(w), dY), g.dW);
    pass(numericGradient((v) => denseForward(x, w, v, b, nIn, nOut), Float64Array.from(bias), dY), g.dB);
  });

  it('relu (inputs kept away from the kink at 0)', () => {
    const v = randomVector(20, 5).map((t) => (Math.abs(t) < 0.01 ? 0.5 : t));
    const d = randomVector(20, 6);
    pass(numericGradient((u) => reluForward(u), Float64Array.from(v), d), reluBackward(v, d));
  });

  it('sigmoid', () => {
    const v = randomVector(20, 7, 4);
    const d = randomVector(20, 8);
    pass(numericGradient((u) => sigmoidForward(u), Float64Array.from(v), d), sigmoidBackward(v, d));
  });

  it('softmax cross-entropy: dlogits of the batch-mean loss, including the last class and large logits', () => {
    const rows = 4;
    const c = 6;
    const z = randomVector(rows * c, 9, 3);
    z[0] = 40; // a confident row: the max shift keeps exp finite
    const y = [5, 0, 2, 5];
    const mean = (v: Float64Array) => [softmaxCrossEntropy(v, y, rows, c).reduce((a, t) => a + t, 0) / rows];
    pass(numericGradient(mean, Float64Array.from(z), [1]), softmaxCrossEntropyBackward(z, y, rows, c));
  });

  it('whole MLP (flatten → dense → relu → dense → sigmoid-free logits): every parameter', () => {
    const arch: Architecture = {
      name: 'mlp', inputShape: [1, 2, 3], numClasses: 3, init: { kind: 'normal', sigma: 0.5 },
      net: flatNet([{ type: 'flatten' }, { type: 'dense', in: 6, out: 5 }, { type: 'relu' }, { type: 'dense', in: 5, out: 4 }, { type: 'sigmoid' }, { type: 'dense', in: 4, out: 3 }]),
    };
    const rows = 3;
    const params = new Map<string, Float64Array>([
      ['layers.1.weight', randomVector(30, 11)], ['layers.1.bias', randomVector(5, 12)],
      ['layers.3.weight', randomVector(20, 13)], ['layers.3.bias', randomVector(4, 14)],
      ['layers.5.weight', randomVector(12, 15)], ['layers.5.bias', randomVector(3, 16)],
    ]);
    const input = randomVector(rows * 6, 17);
    const y = [0, 2, 1];
    const loss = () => {
      const { logits } = graphForward(graphOf(arch), params, input, rows);
      return [softmaxCrossEntropy(logits, y, rows, 3).reduce((a, t) => a + t, 0) / rows];
    };
    const { logits, cache } = graphForward(graphOf(arch), params, input, rows);
    const grads = graphBackward(graphOf(arch), params, cache, softmaxCrossEntropyBackward(logits, y, rows, 3));
    for (const [name, p] of params) {
      pass(numericGradient(() => loss(), p, [1]), grads.get(name)!);
    }
  });
});
