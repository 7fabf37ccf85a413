// Typed constructors of the convolution ops (src/wasm/wat/conv.wat): the forward as an implicit GEMM over
// (example, pixel chunk) tiles, the input gradient (Wᵀ·dY then col2im) one example a tile, the weight
// gradient over row blocks of dWᵀ, and dY pixel-major for it. A chunk's columns (or dCol rows) live in
// the thread's scratch: the chunk is sized to fit it.
import { activations, epilogueFlags, epilogues, tileSizes, type ActivationName } from './abi';
import { pad4 } from './ops';
import type { Op } from './program';

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

/** A convolution's shapes: input (inC, h, w), output (outC, oh, ow), square kernel, stride, zero padding. */
export interface ConvGeometry {
  inC: number;
  h: number;
  w: number;
  outC: number;
  oh: number;
  ow: number;
  kernel: number;
  stride: number;
  padding: number;
}

/** A per-example tensor in the memory: byte address and floats per example. */
export interface Rows {
  at: number;
  stride: number;
}

/**
 * Pixels per chunk whose `k` rows fit `scratchBytes`: rows of pad8(chunk) + 4 floats (a copy's vec4
 * overhang; a panel's lanes past the chunk).
 */
export function convChunk(k: number, pixels: number, scratchBytes: number): number {
  const fit = Math.floor(scratchBytes / 4 / k) - 4;
  if (fit >= Math.ceil(pixels / 8) * 8) return pixels;
  if (fit < 8) throw new Error(`a convolution with ${k} column rows needs ${convScratchBytes(k)} bytes of thread scratch, ${scratchBytes} given`);
  return Math.floor(fit / 8) * 8;
}

/** Bytes between column rows of a chunk. */
const colStride = (chunk: number): number => 4 * (Math.ceil(chunk / 8) * 8 + 4);

/** The least thread scratch a convolution of `k` column rows runs in (chunks of 8 pixels). */
export const convScratchBytes = (k: number): number => k * 12 * 4;

/** Rows of dWᵀ a weight-gradient tile owns. */
export const convTileK = (k: number): number => (k <= 32 ? 4 : 8);

function convOp(label: string, rows: number, g: {
  src: Rows; channels: number; h: number; w: number; m: number; oh: number; ow: number; kernel: number; step: number; pad: number;
  a: number; rsa: number; csa: number; dst: Rows; epilogue: number; bias: number; aux: number; scratchBytes: number;
}): Op<'conv'> {
  const k = g.channels * g.kernel * g.kernel;
  const pixels = g.oh * g.ow;
  const chunk = convChunk(k, pixels, g.scratchBytes);
  const chunks = ceilDiv(pixels, chunk);
  return {
    name: 'conv', label, tiles: rows * chunks, flops: 2 * rows * g.m * k * pixels,
    args: {
      rows, src: g.src.at, srcStride: 4 * g.src.stride, channels: g.channels, h: g.h, w: g.w, m: g.m, oh: g.oh, ow: g.ow, kernel: g.kernel,
      step: g.step, pad: g.pad, a: g.a, rsa: g.rsa, csa: g.csa, dst: g.dst.at, dstStride: 4 * g.dst.stride,
      epilogue: g.epilogue, bias: g.bias, aux: g.aux, chunk, chunks, colStride: colStride(chunk),
    },
  };
}

/** y = act(conv(x, W) + bias): W is the arena's Wᵀ (pad4(inC·k²), pad4(outC)); bias 0 = none. */
export function convForwardOp(label: string, rows: number, c: ConvGeometry, x: Rows, weights: number, y: Rows, o: { bias: number; act: ActivationName; scratchBytes: number }): Op<'conv'> {
  return convOp(label, rows, {
    src: x, channels: c.inC, h: c.h, w: c.w, m: c.outC, oh: c.oh, ow: c.ow, kernel: c.kernel, step: c.stride, pad: c.padding,
    a: weights, rsa: 4, csa: 4 * pad4(c.outC), dst: y, epilogue: epilogues[o.act] | epilogueFlags.rowBias | epilogueFlags.exact, bias: o.bias, aux: 0,
    scratchBytes: o.scratchBytes,
  });
}

/** dX = act'_in(col2im(Wᵀ · dY); x), one example a tile; x is the producer's output (dX's layout). */
export function convInputGradOp(label: string, rows: number, c: ConvGeometry, dy: Rows, weights: number, dx: Rows, o: { act: ActivationName; x: number; scratchBytes: number }): Op<'convDX'> {
  const k = c.inC * c.kernel * c.kernel;
  const pixels = c.oh * c.ow;
  const chunk = convChunk(k, pixels, o.scratchBytes);
  return {
    name: 'convDX', label, tiles: rows, flops: 2 * rows * k * c.outC * pixels,
    args: {
      dy: dy.at, dyStride: 4 * dy.stride, cout: c.outC, oh: c.oh, ow: c.ow, cin: c.inC, h: c.h, w: c.w, kernel: c.kernel, stride: c.stride, pad: c.padding,
      wt: weights, rsa: 4 * pad4(c.outC), dx: dx.at, dxStride: 4 * dx.stride, x: o.x, act: activations[o.act], chunk, colStride: colStride(chunk),
    },
  };
}

/** Floats per example of dY pixel-major: (oh·ow, pad4(outC)). */
export const dyPixelFloats = (c: ConvGeometry): number => c.oh * c.ow * pad4(c.outC);

/** dYp_b (P, pad4(outC)) = dY_bᵀ for every example (the padding columns are never written: keep them 0). */
export function dyPixelsOp(label: string, rows: number, c: ConvGeometry, dy: Rows, dyp: number): Op<'transpose'> {
  const pixels = c.oh * c.ow;
  return {
    name: 'transpose', label, tiles: rows * ceilDiv(c.outC, tileSizes.transpose),
    args: { rows: c.outC, cols: pixels, src: dy.at, rss: 4 * pixels, dst: dyp, rsd: 4 * pad4(c.outC), batch: rows, bss: 4 * dy.stride, bsd: 4 * dyPixelFloats(c) },
  };
}

/** dWᵀ (inC·k², outC) in the gradient arena (rows pad4(outC) floats) = Σ_b columns(x_b) · dYp_b. */
export function convWeightGradOp(label: string, rows: number, c: ConvGeometry, x: Rows, dyp: number, grad: number, scratchBytes: number): Op<'convDW'> {
  const k = c.inC * c.kernel * c.kernel;
  const tileK = convTileK(k);
  const chunk = convChunk(tileK, c.oh * c.ow, scratchBytes);
  return {
    name: 'convDW', label, tiles: ceilDiv(k, tileK), flops: 2 * rows * k * c.outC * c.oh * c.ow,
    args: {
      rows, src: x.at, srcStride: 4 * x.stride, channels: c.inC, h: c.h, w: c.w, oh: c.oh, ow: c.ow, kernel: c.kernel, step: c.stride, pad: c.padding,
      dyp, rsb: 4 * pad4(c.outC), bsb: 4 * dyPixelFloats(c), n: c.outC, dst: grad, rsc: 4 * pad4(c.outC), tileK, chunk, colStride: colStride(chunk),
    },
  };
}
