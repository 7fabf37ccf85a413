// Dense on the wasm backend (layers/dense.ts): the three products of src/wasm/wat/matmul.wat.
//   forward:  Y = act(X·W + b)                            (nn, bias/activation epilogue)
//   backward: dW = Xᵀ·dZ (tn), db = Σ_b dZ (colsum), dX = (dZ·Wᵀ) ⊙ act'_producer (nn on Wᵀ, packed
//             at the start of the step: the weights do not change before the optimizer)
// W is the arena's (pad4(in), pad4(out)) matrix, as on the GPU.
import { colsumOp, matmulNN, matmulTN, transposeOp } from '../../wasm/ops';
import type { Op } from '../../wasm/program';
import { dense, type DenseSpec } from '../layers/dense';
import { inputGradEpilogue, rowsOf, type WasmOpArgs } from './types';

const forwardEpilogue = { none: 'none', relu: 'relu', sigmoid: 'sigmoid' } as const;

function create(a: WasmOpArgs<DenseSpec>) {
  const { spec, path, inputs, out, fused } = a;
  const input = inputs[0];
  if (!(fused in forwardEpilogue)) throw new Error(`${path}: a dense layer cannot apply ${fused} to its output on wasm`);
  const W = { at: a.param('weight', 'weights').at, rows: spec.in, cols: spec.out, stride: a.param('weight', 'weights').shape[1] };
  const bias = spec.bias ? a.param('bias', 'weights').at : 0;
  const gradIn = input.grad;
  if (gradIn && !(input.activation in inputGradEpilogue)) throw new Error(`${path}: dX through ${input.activation} is not a matmul epilogue`);
  const Wt = gradIn ? { at: a.alloc(`${path}.weightT`, spec.out * input.act.stride), rows: spec.out, cols: spec.in, stride: input.act.stride } : null;
  return {
    prepare: () => (Wt ? [transposeOp(`${path}.packWT`, W, Wt)] : []),
    forward: (rows: number) => [[matmulNN(`${path}.forward`, rowsOf(input.act, rows), W, rowsOf(out, rows), { epilogue: forwardEpilogue[fused as keyof typeof forwardEpilogue], bias })]],
    backward(rows: number) {
      if (!a.dOut) throw new Error(`${path}: built without gradients`);
      const dZ = rowsOf(a.dOut, rows);
      const gW = a.param('weight', 'grads');
      const phase: Op[] = [matmulTN(`${path}.backward.dW`, rowsOf(input.act, rows), dZ, { at: gW.at, rows: spec.in, cols: spec.out, stride: gW.shape[1] })];
      if (spec.bias) phase.push(colsumOp(`${path}.backward.db`, dZ, a.param('bias', 'grads').at));
      if (gradIn && Wt) {
        const epilogue = inputGradEpilogue[input.activation as keyof typeof inputGradEpilogue];
        phase.push(matmulNN(`${path}.backward.dX`, dZ, Wt, rowsOf(gradIn, rows), { epilogue, aux: input.act.at }));
      }
      return [phase];
    },
  };
}

dense.wasm = { create };
