// ReLU, sigmoid and tanh standalone on the wasm backend (layers/activations.ts): forward y = act(x); the
// output carries the activation, so the consumer applies act'; the backward hands dOut on through the
// producer's activation (a copy when it has none).
import { activationOp } from '../../wasm/ops';
import { activationModules, type ActivationSpec } from '../layers/activations';
import { rowsOf, type WasmOpArgs } from './types';

function create(a: WasmOpArgs<ActivationSpec>) {
  const { path, inputs, out, spec } = a;
  const input = inputs[0];
  return {
    forward: (rows: number) => [[activationOp(`${path}.forward`, spec.type, 'forward', rowsOf(input.act, rows), out.at)]],
    backward(rows: number) {
      if (!input.grad) return [];
      if (!a.dOut) throw new Error(`${path}: built without gradients`);
      return [[activationOp(`${path}.backward`, input.activation, 'backward', rowsOf(a.dOut, rows), input.grad.at, input.act.at)]];
    },
  };
}

for (const m of activationModules) m.wasm = { create };
