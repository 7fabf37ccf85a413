// Max and average pooling and global average pooling on the wasm backend (layers/pool2d.ts,
// layers/global-avg-pool.ts; src/wasm/wat/pool.wat): one example a tile; max keeps each window's first
// maximum for the backward, which routes dY there and applies the producer's activation derivative.
import { poolOp, type PoolGeometry, type PoolMode } from '../../wasm/ops-layers';
import { globalAvgPool, type GlobalAvgPoolSpec } from '../layers/global-avg-pool';
import { avgPool2d, maxPool2d, type Pool2dSpec } from '../layers/pool2d';
import { needDOut, type WasmOpArgs } from './types';

function poolOf(mode: PoolMode) {
  return (a: WasmOpArgs<Pool2dSpec | GlobalAvgPoolSpec>) => {
    const { path, inputs, out } = a;
    const input = inputs[0];
    const [channels, h, w] = input.act.shape;
    const [, oh, ow] = out.shape;
    const s = 'kernel' in a.spec ? a.spec : { kernel: 1, stride: 1, padding: 0 };
    const g: PoolGeometry = { channels, h, w, oh, ow, kernel: s.kernel, stride: s.stride, padding: s.padding };
    const argmax = mode === 'max' ? a.alloc('argmax', a.maxRows * out.stride) : 0;
    return {
      forward: (rows: number) => [[poolOp(`${path}.forward`, rows, mode, false, g, { x: input.act.at, y: out.at, argmax, dy: 0, dx: 0 })]],
      backward(rows: number) {
        if (!input.grad) return [];
        return [[poolOp(`${path}.backward`, rows, mode, true, g, { x: input.act.at, y: 0, argmax, dy: needDOut(a).at, dx: input.grad.at }, input.activation)]];
      },
    };
  };
}

maxPool2d.wasm = { create: poolOf('max') };
avgPool2d.wasm = { create: poolOf('avg') };
globalAvgPool.wasm = { create: poolOf('global') };
