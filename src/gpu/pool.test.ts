// Max, average and global average pooling on real WebGPU against the CPU reference: forward, the backward
// with the producer's activation derivative, max-pooling ties (first maximum wins), ragged edges (floor
// mode), zero padding (max ignores it — all-negative windows stay negative — average counts it), batches
// that are not a multiple of the workgroup and channel counts off every vec4. The 2×2/2 shapes with an
// even width and H·W % 4 == 0 run the specialised `_k2` entry points (odd OW, where a vec4 holds the top
// row's last pair and the bottom row's first; odd H, whose last row no window covers); each case names
// the entry point it exercises and reruns it to check bit-identical results.
import { describe, expect, it } from 'vitest';
import { compareArrays, randomArray, testGpu } from '../../tests/helpers/gpu';
import { avgPool2dBackward, avgPool2dForward, globalAvgPoolBackward, globalAvgPoolForward, maxPool2dBackward, maxPool2dForward } from '../reference/pool';
import type { ActivationKind } from './activation';
import { pad4, readFloats } from './buffers';
import { KernelContext } from './context';
import { globalPoolEntry, Pool, poolEntry, poolGeometry, type GlobalPoolSpec, type PoolKind, type PoolSpec } from './pool';
import { activationDerivative as zooDerivative, applyActivation as zooActivation } from './zoo-test-util';
import { emptyBuffer, padRows, runDispatches, unpadRows, upload } from './test-util';

// zoo-test-util's activations know no tanh; the pooling kernels take every producer activation.
const applyActivation = (v: ArrayLike<number>, kind: ActivationKind) => (kind === 'tanh' ? Float64Array.from(v, Math.tanh) : zooActivation(v, kind));
const activationDerivative = (g: ArrayLike<number>, y: ArrayLike<number>, kind: ActivationKind) =>
  kind === 'tanh' ? Float64Array.from(g, (t, i) => t * (1 - y[i] * y[i])) : zooDerivative(g, y, kind);

interface Case extends PoolSpec {
  kind: PoolKind;
  inputActivation: ActivationKind;
  /** Quantise inputs so that windows hold ties. */
  ties?: boolean;
  /** Inputs all negative: a max over padding zeros would show. */
  negative?: boolean;
  /** The entry points the forward and the backward run. */
  entry: string;
  backward: string;
}

const cases: Case[] = [
  { rows: 3, channels: 6, h: 28, w: 28, kernel: 2, stride: 2, kind: 'avg', inputActivation: 'sigmoid', entry: 'avg_forward_k2', backward: 'avg_backward_k2' },
  { rows: 3, channels: 6, h: 28, w: 28, kernel: 2, stride: 2, kind: 'max', inputActivation: 'relu', entry: 'max_forward_k2', backward: 'max_backward_k2' },
  { rows: 2, channels: 3, h: 7, w: 5, kernel: 3, stride: 2, kind: 'max', inputActivation: 'sigmoid', entry: 'max_forward_k3', backward: 'max_backward_c2' },
  { rows: 2, channels: 3, h: 7, w: 5, kernel: 3, stride: 2, kind: 'avg', inputActivation: 'none', entry: 'avg_forward_k3', backward: 'avg_backward_c2' },
  { rows: 4, channels: 5, h: 9, w: 9, kernel: 2, stride: 1, kind: 'max', inputActivation: 'none', ties: true, entry: 'max_forward_k3', backward: 'max_backward_c2' },
  // ResNet's stem pool (3×3/2, pad 1) on odd inputs, a batch past one workgroup of outputs.
  { rows: 67, channels: 3, h: 15, w: 13, kernel: 3, stride: 2, padding: 1, kind: 'max', inputActivation: 'relu', entry: 'max_forward_k3', backward: 'max_backward_c2' },
  { rows: 5, channels: 7, h: 15, w: 13, kernel: 3, stride: 2, padding: 1, kind: 'max', inputActivation: 'none', negative: true, entry: 'max_forward_k3', backward: 'max_backward_c2' },
  { rows: 5, channels: 7, h: 11, w: 12, kernel: 3, stride: 2, padding: 1, kind: 'avg', inputActivation: 'sigmoid', entry: 'avg_forward_k3', backward: 'avg_backward_c2' },
  // GoogLeNet's 3×3/1 pad 1 branch pool, with ties at the border.
  { rows: 3, channels: 5, h: 9, w: 7, kernel: 3, stride: 1, padding: 1, kind: 'max', inputActivation: 'none', ties: true, entry: 'max_forward_k3', backward: 'max_backward' },
  { rows: 3, channels: 5, h: 9, w: 7, kernel: 3, stride: 1, padding: 1, kind: 'avg', inputActivation: 'relu', entry: 'avg_forward_k3', backward: 'avg_backward' },
  // k = s with padding: windows tile the padded input (the shader's one-window path).
  { rows: 65, channels: 2, h: 7, w: 9, kernel: 2, stride: 2, padding: 1, kind: 'max', inputActivation: 'none', negative: true, entry: 'max_forward_k3', backward: 'max_backward_c2' },
  { rows: 65, channels: 2, h: 7, w: 9, kernel: 2, stride: 2, padding: 1, kind: 'avg', inputActivation: 'none', entry: 'avg_forward_k3', backward: 'avg_backward_c2' },
  // 2×2/2 specialised: odd OW (5 and 3: a vec4 straddles the row pair), odd H (the last row gets no
  // window), ties, all-negative inputs, every input activation, channels off the vec4, y row padding
  // (3·3·3 = 27 outputs a row), and a batch of invocations past one workgroup.
  { rows: 5, channels: 3, h: 10, w: 10, kernel: 2, stride: 2, kind: 'avg', inputActivation: 'sigmoid', entry: 'avg_forward_k2', backward: 'avg_backward_k2' },
  { rows: 5, channels: 3, h: 10, w: 10, kernel: 2, stride: 2, kind: 'max', inputActivation: 'relu', ties: true, entry: 'max_forward_k2', backward: 'max_backward_k2' },
  { rows: 7, channels: 3, h: 6, w: 6, kernel: 2, stride: 2, kind: 'avg', inputActivation: 'tanh', entry: 'avg_forward_k2', backward: 'avg_backward_k2' },
  { rows: 7, channels: 3, h: 6, w: 6, kernel: 2, stride: 2, kind: 'max', inputActivation: 'tanh', ties: true, entry: 'max_forward_k2', backward: 'max_backward_k2' },
  { rows: 9, channels: 5, h: 7, w: 8, kernel: 2, stride: 2, kind: 'avg', inputActivation: 'none', entry: 'avg_forward_k2', backward: 'avg_backward_k2' },
  { rows: 9, channels: 5, h: 7, w: 8, kernel: 2, stride: 2, kind: 'max', inputActivation: 'sigmoid', negative: true, entry: 'max_forward_k2', backward: 'max_backward_k2' },
  { rows: 3, channels: 2, h: 9, w: 12, kernel: 2, stride: 2, kind: 'max', inputActivation: 'none', ties: true, entry: 'max_forward_k2', backward: 'max_backward_k2' },
  { rows: 3, channels: 2, h: 9, w: 12, kernel: 2, stride: 2, kind: 'avg', inputActivation: 'relu', entry: 'avg_forward_k2', backward: 'avg_backward_k2' },
  // Odd W (H·W % 4 ≠ 0): the general kernels, floor mode dropping a column and a row.
  { rows: 3, channels: 3, h: 7, w: 9, kernel: 2, stride: 2, kind: 'avg', inputActivation: 'sigmoid', entry: 'avg_forward_k3', backward: 'avg_backward_c2' },
  { rows: 3, channels: 3, h: 7, w: 9, kernel: 2, stride: 2, kind: 'max', inputActivation: 'relu', ties: true, entry: 'max_forward_k3', backward: 'max_backward_c2' },
  // The unrolled 3×3/2 pad 1 pair through tanh, ragged width.
  { rows: 4, channels: 3, h: 8, w: 11, kernel: 3, stride: 2, padding: 1, kind: 'avg', inputActivation: 'tanh', entry: 'avg_forward_k3', backward: 'avg_backward_c2' },
  { rows: 4, channels: 3, h: 8, w: 11, kernel: 3, stride: 2, padding: 1, kind: 'max', inputActivation: 'tanh', ties: true, entry: 'max_forward_k3', backward: 'max_backward_c2' },
  // The general loops: 5×5/1 pad 2 both ways; 4×4/2 pad 1 (a looped forward, the unrolled backward).
  { rows: 3, channels: 3, h: 9, w: 8, kernel: 5, stride: 1, padding: 2, kind: 'avg', inputActivation: 'relu', entry: 'avg_forward', backward: 'avg_backward' },
  { rows: 3, channels: 5, h: 11, w: 10, kernel: 4, stride: 2, padding: 1, kind: 'max', inputActivation: 'none', ties: true, entry: 'max_forward', backward: 'max_backward_c2' },
  { rows: 3, channels: 5, h: 11, w: 10, kernel: 5, stride: 1, padding: 2, kind: 'max', inputActivation: 'tanh', ties: true, entry: 'max_forward', backward: 'max_backward' },
  // Larger kernels: 5×5/3 pad 2, 4×4/4 (stride = kernel) with an odd remainder.
  { rows: 2, channels: 3, h: 17, w: 16, kernel: 5, stride: 3, padding: 2, kind: 'max', inputActivation: 'sigmoid', entry: 'max_forward', backward: 'max_backward_c2' },
  { rows: 2, channels: 3, h: 17, w: 16, kernel: 4, stride: 4, kind: 'avg', inputActivation: 'none', entry: 'avg_forward', backward: 'avg_backward_c2' },
];

describe('pooling vs CPU reference', () => {
  it.each(cases)('$entry/$backward $rows×$channels×$h×$w k$kernel s$stride p$padding (input $inputActivation, ties $ties)', async (c) => {
    const gpu = await testGpu();
    const device = gpu.device;
    const ctx = new KernelContext(device);
    const g = poolGeometry(c);
    const inF = c.channels * c.h * c.w;
    const outF = c.channels * g.oh * g.ow;
    const raw = randomArray(c.rows * inF, 5, 2).map((v) => (c.negative ? -1 - Math.abs(v) : v));
    const x = applyActivation(c.ties ? raw.map((v) => Math.round(v)) : raw, c.inputActivation);
    const dy = randomArray(c.rows * outF, 6);
    expect(poolEntry(c, c.kind, 'forward')).toBe(c.entry);
    expect(poolEntry(c, c.kind, 'backward')).toBe(c.backward);
    // Poisoned: the forward must write every float of y (row padding too), the backward every element of
    // dX (no zero-fill pass before it).
    const poison = (n: number) => new Float32Array(n).fill(Number.NaN);
    const buf = {
      x: upload(device, padRows(x, c.rows, inF, g.xStride)),
      y: upload(device, poison(c.rows * g.yStride)),
      argmax: emptyBuffer(device, c.rows * g.yStride),
      dy: upload(device, padRows(dy, c.rows, outF, g.yStride)),
      dx: upload(device, poison(c.rows * g.xStride)),
    };
    const b = (k: keyof typeof buf) => ({ buffer: buf[k] });
    const pool = new Pool(ctx);
    const argmax = c.kind === 'max' ? b('argmax') : undefined;
    const list = [
      await pool.forward(c, c.kind, { x: b('x'), y: b('y'), argmax }, 'test.pool'),
      await pool.backward(c, c.kind, c.inputActivation, { x: b('x'), dy: b('dy'), dx: b('dx'), argmax }, 'test.pool'),
    ];
    await runDispatches(device, list);
    const yGot = await readFloats(device, buf.y, 0, c.rows * g.yStride);
    const shape = { ...c, batch: c.rows };
    const yRef = c.kind === 'max' ? maxPool2dForward(x, shape) : avgPool2dForward(x, shape);
    const dxRef = activationDerivative(c.kind === 'max' ? maxPool2dBackward(x, dy, shape) : avgPool2dBackward(x, dy, shape), x, c.inputActivation);
    // Forward: a max is exact; a mean of ≤ 25 values ≤ 2 rounds a few ulps.
    const y = compareArrays(unpadRows(yGot, c.rows, outF, g.yStride), yRef, 1e-6, 1e-5);
    expect(y.ok, `forward max diff ${y.maxDiff} at ${y.firstBad}: ${y.gpu} vs ${y.ref}`).toBe(true);
    expect(Array.from({ length: c.rows }, (_, r) => yGot.subarray(r * g.yStride + outF, (r + 1) * g.yStride)).every((p) => p.every((v) => v === 0)), 'y row padding').toBe(true);
    // Max pooling routes each gradient exactly; ties must pick the same (first) element as the reference.
    const dxGot = await readFloats(device, buf.dx, 0, c.rows * g.xStride);
    const dx = compareArrays(unpadRows(dxGot, c.rows, inF, g.xStride), dxRef, 1e-6, 1e-5);
    expect(dx.ok, `dX max diff ${dx.maxDiff} at ${dx.firstBad}: ${dx.gpu} vs ${dx.ref}`).toBe(true);
    expect(Array.from({ length: c.rows }, (_, r) => dxGot.subarray(r * g.xStride + inF, (r + 1) * g.xStride)).every((p) => p.every((v) => v === 0)), 'dX row padding').toBe(true);
    // A rerun onto re-poisoned outputs gives the same bits.
    device.queue.writeBuffer(buf.y, 0, poison(c.rows * g.yStride));
    device.queue.writeBuffer(buf.dx, 0, poison(c.rows * g.xStride));
    await runDispatches(device, list);
    expect(new Uint32Array((await readFloats(device, buf.y, 0, c.rows * g.yStride)).buffer), 'rerun y').toEqual(new Uint32Array(yGot.buffer));
    expect(new Uint32Array((await readFloats(device, buf.dx, 0, c.rows * g.xStride)).buffer), 'rerun dX').toEqual(new Uint32Array(dxGot.buffer));
  });

  it('refuses padding past half the kernel (PyTorch\'s bound)', async () => {
    const ctx = new KernelContext((await testGpu()).device);
    const s = { rows: 1, channels: 1, h: 4, w: 4, kernel: 3, stride: 1, padding: 2 };
    const any = { buffer: ctx.dummy };
    expect(() => new Pool(ctx).forward(s, 'avg', { x: any, y: any }, 'test.pool')).toThrow(/padding 2/);
  });
});

// The backward's segment path (planes ≥ 4 floats) meets channel boundaries mid-vec4 (planes 49, 15, 6, 5),
// on one (4) and with row padding (5·6 = 30 floats a row); planes < 4 take the per-float kernel.
const globalCases: (GlobalPoolSpec & { inputActivation: ActivationKind; backward: string })[] = [
  { rows: 67, channels: 7, h: 7, w: 7, inputActivation: 'relu', backward: 'global_avg_backward_seg' },
  { rows: 3, channels: 5, h: 3, w: 5, inputActivation: 'none', backward: 'global_avg_backward_seg' },
  { rows: 5, channels: 5, h: 2, w: 3, inputActivation: 'tanh', backward: 'global_avg_backward_seg' },
  { rows: 3, channels: 3, h: 1, w: 5, inputActivation: 'sigmoid', backward: 'global_avg_backward_seg' },
  { rows: 4, channels: 6, h: 2, w: 2, inputActivation: 'relu', backward: 'global_avg_backward_seg' },
  { rows: 2, channels: 8, h: 1, w: 1, inputActivation: 'sigmoid', backward: 'global_avg_backward' },
  { rows: 3, channels: 5, h: 1, w: 3, inputActivation: 'none', backward: 'global_avg_backward' },
];

describe('global average pooling vs CPU reference', () => {
  it.each(globalCases)('$backward $rows×$channels×$h×$w (input $inputActivation)', async (c) => {
    expect(globalPoolEntry(c, 'backward')).toBe(c.backward);
    const device = (await testGpu()).device;
    const ctx = new KernelContext(device);
    const inF = c.channels * c.h * c.w;
    const xStride = pad4(inF);
    const yStride = pad4(c.channels);
    const x = applyActivation(randomArray(c.rows * inF, 7, 2), c.inputActivation);
    const dy = randomArray(c.rows * c.channels, 8);
    const buf = {
      x: upload(device, padRows(x, c.rows, inF, xStride)),
      y: upload(device, new Float32Array(c.rows * yStride).fill(Number.NaN)),
      dy: upload(device, padRows(dy, c.rows, c.channels, yStride)),
      dx: upload(device, new Float32Array(c.rows * xStride).fill(Number.NaN)),
    };
    const b = (k: keyof typeof buf) => ({ buffer: buf[k] });
    const pool = new Pool(ctx);
    const list = [
      await pool.globalAvgForward(c, { x: b('x'), y: b('y') }, 'test.gap'),
      await pool.globalAvgBackward(c, c.inputActivation, { x: b('x'), dy: b('dy'), dx: b('dx') }, 'test.gap'),
    ];
    await runDispatches(device, list);
    const shape = { ...c, batch: c.rows };
    const yGot = await readFloats(device, buf.y, 0, c.rows * yStride);
    // A mean of ≤ 49 values ≤ 2 in f32.
    const y = compareArrays(unpadRows(yGot, c.rows, c.channels, yStride), globalAvgPoolForward(x, shape), 1e-6, 1e-5);
    expect(y.ok, `forward max diff ${y.maxDiff}`).toBe(true);
    expect(Array.from({ length: c.rows }, (_, r) => yGot.subarray(r * yStride + c.channels, (r + 1) * yStride)).every((p) => p.every((v) => v === 0)), 'y row padding').toBe(true);
    const dxGot = await readFloats(device, buf.dx, 0, c.rows * xStride);
    const dxRef = activationDerivative(globalAvgPoolBackward(x, dy, shape), x, c.inputActivation);
    const dx = compareArrays(unpadRows(dxGot, c.rows, inF, xStride), dxRef, 1e-7, 1e-6);
    expect(dx.ok, `dX max diff ${dx.maxDiff}`).toBe(true);
    expect(Array.from({ length: c.rows }, (_, r) => dxGot.subarray(r * xStride + inF, (r + 1) * xStride)).every((p) => p.every((v) => v === 0)), 'dX row padding').toBe(true);
    // A rerun onto re-poisoned outputs gives the same bits.
    device.queue.writeBuffer(buf.y, 0, new Float32Array(c.rows * yStride).fill(Number.NaN));
    device.queue.writeBuffer(buf.dx, 0, new Float32Array(c.rows * xStride).fill(Number.NaN));
    await runDispatches(device, list);
    expect(new Uint32Array((await readFloats(device, buf.y, 0, c.rows * yStride)).buffer), 'rerun y').toEqual(new Uint32Array(yGot.buffer));
    expect(new Uint32Array((await readFloats(device, buf.dx, 0, c.rows * xStride)).buffer), 'rerun dX').toEqual(new Uint32Array(dxGot.buffer));
  });
});
