// Typed constructors of the ops behind the image layers and the validation statistics: pooling
// (src/wasm/wat/pool.wat), BatchNorm (batchnorm.wat), concat's slice copies, the image gather with
// resize and augmentation (gather.wat) and the per-row validation outcomes (outcome.wat).
import { activations, tileSizes, type ActivationName } from './abi';
import { pad4 } from './ops';
import type { Op } from './program';

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

export interface PoolGeometry {
  channels: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
  kernel: number;
  stride: number;
  padding: number;
}

export type PoolMode = 'max' | 'avg' | 'global';
const poolModes = { max: 0, avg: 1, global: 2 } as const;

export interface PoolTensors {
  /** Byte addresses; x, dx: (rows, pad4(C·h·w)); y, dy, argmax: (rows, pad4(C·oh·ow)). 0 where unused. */
  x: number;
  y: number;
  argmax: number;
  dy: number;
  dx: number;
}

/** Forward (y, and argmax for max) or backward (dx = act'(routed dy; x)), one example a tile. */
export function poolOp(label: string, rows: number, mode: PoolMode, backward: boolean, g: PoolGeometry, t: PoolTensors, act: ActivationName = 'none'): Op<'pool'> {
  return {
    name: 'pool', label, tiles: rows,
    args: {
      mode: poolModes[mode] + (backward ? 3 : 0), rows, channels: g.channels, h: g.h, w: g.w, oh: g.oh, ow: g.ow, kernel: g.kernel, stride: g.stride, pad: g.padding,
      xStride: pad4(g.channels * g.h * g.w), yStride: pad4(g.channels * g.oh * g.ow), ...t, act: activations[act],
    },
  };
}

export interface BatchNormShape {
  rows: number;
  channels: number;
  /** H·W (BatchNorm2d) or 1 (BatchNorm1d). */
  spatial: number;
  eps: number;
  momentum: number;
}

export interface BatchNormTensors {
  x: number;
  y: number;
  gamma: number;
  beta: number;
  /** Batch statistics: μ (pad4(C)) then 1/√(σ² + ε) (pad4(C)): batchNormStatsFloats. */
  stats: number;
  /** running_mean (pad4(C)) then running_var (pad4(C)). */
  running: number;
  dy: number;
  dgamma: number;
  dbeta: number;
  dx: number;
}

export const batchNormStatsFloats = (channels: number): number => 2 * pad4(channels);

export type BatchNormMode = 'stats' | 'normalizeBatch' | 'normalizeRunning' | 'gradReduce' | 'inputGrad';
const bnModes: Record<BatchNormMode, number> = { stats: 0, normalizeBatch: 1, normalizeRunning: 2, gradReduce: 3, inputGrad: 4 };

/** One BatchNorm pass; `act`: the fused activation (normalise) or the producer's (inputGrad). */
export function batchNormOp(label: string, mode: BatchNormMode, s: BatchNormShape, t: Partial<BatchNormTensors>, act: ActivationName = 'none'): Op<'batchnorm'> {
  const byChannel = mode === 'stats' || mode === 'gradReduce';
  const full: BatchNormTensors = { x: 0, y: 0, gamma: 0, beta: 0, stats: 0, running: 0, dy: 0, dgamma: 0, dbeta: 0, dx: 0, ...t };
  return {
    name: 'batchnorm', label, tiles: byChannel ? s.channels : ceilDiv(s.rows, tileSizes.batchnorm),
    args: {
      mode: bnModes[mode], rows: s.rows, channels: s.channels, spatial: s.spatial, stride: pad4(s.channels * s.spatial), ...full,
      varOffset: 4 * pad4(s.channels), eps: s.eps, momentum: s.momentum, act: activations[act],
    },
  };
}

export interface SliceCopy {
  rows: number;
  count: number;
  src: number;
  srcStride: number;
  srcOffset: number;
  dst: number;
  dstStride: number;
  dstOffset: number;
  /** dst = act'(src; y) with y laid out as dst ('none': a copy, y unused). */
  act?: ActivationName;
  y?: number;
}

export function copySliceOp(label: string, c: SliceCopy): Op<'copySlice'> {
  return { name: 'copySlice', label, tiles: ceilDiv(c.rows, tileSizes.copySlice), args: { ...c, act: activations[c.act ?? 'none'], y: c.y ?? 0 } };
}

export interface ImageGatherArgs {
  rows: number;
  /** Source image (channels, h, w) and output plane (oh, ow): a resize where they differ. */
  channels: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
  data: number;
  dtype: 'u8' | 'f32';
  /** The epoch's order (byte address), or 0 for consecutive rows from the step's batch start. */
  order: number;
  scale: number;
  shift: number;
  labels: number;
  x: number;
  y: number;
  /** Augmentation: crop padding, flip, and the address of the epoch's key word (0: none). */
  crop: number;
  flip: boolean;
  key: number;
}

export function gatherImageOp(label: string, g: ImageGatherArgs): Op<'gatherImage'> {
  const resize = g.oh !== g.h || g.ow !== g.w;
  return {
    name: 'gatherImage', label, tiles: ceilDiv(g.rows, tileSizes.gatherImage),
    args: {
      ...g, dtype: g.dtype === 'u8' ? 0 : 1, flip: g.flip ? 1 : 0, stride: pad4(g.channels * g.oh * g.ow), resize: resize ? 1 : 0,
      scaleY: Math.fround(g.h / g.oh), scaleX: Math.fround(g.w / g.ow),
    },
  };
}

/** Each row's outcome record at out + (step.batchStart + b)·outcomeBytes. */
export function outcomeOp(label: string, rows: number, classes: number, stride: number, logits: number, labels: number, out: number): Op<'outcome'> {
  return { name: 'outcome', label, tiles: ceilDiv(rows, tileSizes.outcome), args: { rows, classes, stride, logits, labels, out } };
}
