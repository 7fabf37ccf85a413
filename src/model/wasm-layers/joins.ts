// The graph joins on the wasm backend (layers/add.ts, layers/concat.ts). Add: dst = act(a + b), and a
// gradient passed on as it is (the network shares the buffer) except into a producer whose activation
// derivative must be applied. Concat: each branch copied into its channels, and its channels of dY
// copied out (through the branch producer's activation derivative).
import { activationOp } from '../../wasm/ops';
import { copySliceOp } from '../../wasm/ops-layers';
import { add, type AddSpec } from '../layers/add';
import { concat, type ConcatSpec } from '../layers/concat';
import { needDOut, rowsOf, type WasmOpArgs } from './types';

add.wasm = {
  create(a: WasmOpArgs<AddSpec>) {
    const { path, inputs, out, fused } = a;
    return {
      forward: (rows: number) => [[activationOp(`${path}.forward`, fused, 'forward', rowsOf(inputs[0].act, rows), out.at, 0, inputs[1].act.at)]],
      backward(rows: number) {
        const dOut = rowsOf(needDOut(a), rows);
        const ops = inputs.flatMap((input, i) => (input.grad ? [activationOp(`${path}.backward.${i}`, input.activation, 'backward', dOut, input.grad.at, input.act.at)] : []));
        return ops.length ? [ops] : [];
      },
    };
  },
};

concat.wasm = {
  create(a: WasmOpArgs<ConcatSpec>) {
    const { path, inputs, out } = a;
    const offsets = inputs.map((_, i) => inputs.slice(0, i).reduce((n, x) => n + x.act.features, 0));
    return {
      forward: (rows: number) => [
        inputs.map((input, i) =>
          copySliceOp(`${path}.forward.${i}`, { rows, count: input.act.features, src: input.act.at, srcStride: input.act.stride, srcOffset: 0, dst: out.at, dstStride: out.stride, dstOffset: offsets[i] })),
      ],
      backward(rows: number) {
        const dOut = needDOut(a);
        const ops = inputs.flatMap((input, i) =>
          input.grad
            ? [copySliceOp(`${path}.backward.${i}`, {
                rows, count: input.act.features, src: dOut.at, srcStride: out.stride, srcOffset: offsets[i], dst: input.grad.at, dstStride: input.grad.stride, dstOffset: 0,
                act: input.activation, y: input.act.at,
              })]
            : []);
        return ops.length ? [ops] : [];
      },
    };
  },
};
