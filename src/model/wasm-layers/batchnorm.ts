// BatchNorm on the wasm backend (layers/batchnorm.ts; src/wasm/wat/batchnorm.wat). Training: per-channel
// statistics (which also move the running statistics), then the normalisation with the following
// activation fused; evaluation: the running statistics. Backward: dγ and dβ, then dX through the
// producer's activation.
import { batchNormOp, batchNormStatsFloats, type BatchNormShape } from '../../wasm/ops-layers';
import { batchNorm, type BatchNormSpec } from '../layers/batchnorm';
import { needDOut, type WasmOpArgs } from './types';

function create(a: WasmOpArgs<BatchNormSpec>) {
  const { spec, path, inputs, out, fused } = a;
  const input = inputs[0];
  const spatial = spec.spatial ? input.act.shape[1] * input.act.shape[2] : 1;
  const shape = (rows: number): BatchNormShape => ({ rows, channels: spec.features, spatial, eps: spec.eps, momentum: spec.momentum });
  const stats = a.alloc('batchStats', batchNormStatsFloats(spec.features));
  const tensors = {
    x: input.act.at, y: out.at, gamma: a.param('weight', 'weights').at, beta: a.param('bias', 'weights').at, stats, running: a.state(),
  };
  return {
    forward(rows: number, training: boolean) {
      if (!training) return [[batchNormOp(`${path}.forward`, 'normalizeRunning', shape(rows), tensors, fused)]];
      return [[batchNormOp(`${path}.stats`, 'stats', shape(rows), tensors)], [batchNormOp(`${path}.forward`, 'normalizeBatch', shape(rows), tensors, fused)]];
    },
    backward(rows: number) {
      const grads = { ...tensors, dy: needDOut(a).at, dgamma: a.param('weight', 'grads').at, dbeta: a.param('bias', 'grads').at, dx: input.grad?.at ?? 0 };
      const phases = [[batchNormOp(`${path}.backward.dGammaBeta`, 'gradReduce', shape(rows), grads)]];
      if (input.grad) phases.push([batchNormOp(`${path}.backward.dX`, 'inputGrad', shape(rows), grads, input.activation)]);
      return phases;
    },
  };
}

batchNorm.wasm = { create };
