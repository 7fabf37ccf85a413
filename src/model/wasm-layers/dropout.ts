// Dropout on the wasm backend (layers/dropout.ts): the mask redrawn from the counter-based hash keyed
// by (seed, op index) and the global step, as the reference and the GPU draw it; a copy in evaluation.
import { dropoutKey } from '../../reference/dropout';
import { activationOp, dropoutOp } from '../../wasm/ops';
import { dropout, type DropoutSpec } from '../layers/dropout';
import { rowsOf, type WasmOpArgs } from './types';

function create(a: WasmOpArgs<DropoutSpec>) {
  const { path, inputs, out, spec } = a;
  const input = inputs[0];
  const key = dropoutKey(a.seed, a.index);
  return {
    forward(rows: number, training: boolean) {
      const x = rowsOf(input.act, rows);
      return [[training ? dropoutOp(`${path}.forward`, { key, p: spec.p, mode: 'forward', src: x, dst: out.at }) : activationOp(`${path}.identity`, 'none', 'forward', x, out.at)]];
    },
    backward(rows: number) {
      if (!input.grad) return [];
      if (!a.dOut) throw new Error(`${path}: built without gradients`);
      const src = rowsOf(a.dOut, rows);
      return [[dropoutOp(`${path}.backward`, { key, p: spec.p, mode: 'backward', src, dst: input.grad.at, act: input.activation, actOut: input.act.at })]];
    },
  };
}

dropout.wasm = { create };
