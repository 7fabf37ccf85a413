// Conv2d on the wasm backend (layers/conv2d.ts; src/wasm/wat/conv.wat): implicit GEMMs on the matmul
// micro-kernels. Forward y = act(W ⊛ x + b) with the following activation fused; backward in two phases:
// dY pixel-major and dX (col2im of Wᵀ·dY, with the producer's activation derivative), then dW (Σ over
// examples in order) and db (Σ of the dYp rows).
import { colsumOp } from '../../wasm/ops';
import { convForwardOp, convInputGradOp, convScratchBytes, convTileK, convWeightGradOp, dyPixelFloats, dyPixelsOp, type ConvGeometry } from '../../wasm/ops-conv';
import { pad4 } from '../../wasm/ops';
import type { Op } from '../../wasm/program';
import { conv2d, type Conv2dSpec } from '../layers/conv2d';
import { needDOut, perExample, type WasmOpArgs } from './types';

function create(a: WasmOpArgs<Conv2dSpec>) {
  const { spec, path, inputs, out, fused } = a;
  const input = inputs[0];
  const [inC, h, w] = input.act.shape;
  const [outC, oh, ow] = out.shape;
  const c: ConvGeometry = { inC, h, w, outC, oh, ow, kernel: spec.kernel, stride: spec.stride, padding: spec.padding };
  const k2 = spec.kernel * spec.kernel;
  a.needScratch(convScratchBytes(inC * k2));
  const weights = a.param('weight', 'weights').at;
  const bias = spec.bias ? a.param('bias', 'weights').at : 0;
  const gradIn = a.training ? input.grad : null;
  if (a.training) a.needScratch(convScratchBytes(convTileK(inC * k2)));
  const dyp = a.training ? a.alloc('dYPixels', a.trainRows * dyPixelFloats(c)) : 0;
  return {
    forward: (rows: number) => [[convForwardOp(`${path}.forward`, rows, c, perExample(input.act), weights, perExample(out), { bias, act: fused, scratchBytes: a.scratchBytes() })]],
    backward(rows: number) {
      const dy = perExample(needDOut(a));
      const first: Op[] = [dyPixelsOp(`${path}.backward.dYPixels`, rows, c, dy, dyp)];
      if (gradIn) first.push(convInputGradOp(`${path}.backward.dX`, rows, c, dy, weights, perExample(gradIn), { act: input.activation, x: input.act.at, scratchBytes: a.scratchBytes() }));
      const second: Op[] = [convWeightGradOp(`${path}.backward.dW`, rows, c, perExample(input.act), dyp, a.param('weight', 'grads').at, a.scratchBytes())];
      if (spec.bias) second.push(colsumOp(`${path}.backward.db`, { at: dyp, rows: rows * oh * ow, cols: outC, stride: pad4(outC) }, a.param('bias', 'grads').at));
      return [first, second];
    },
  };
}

conv2d.wasm = { create };
