// The graph joins (residual add, gradient sums, concat copies) and the standalone activation on real
// WebGPU against host references in f64: odd feature counts, so rows end in padding and in a part-filled
// 16-float segment; destinations are poisoned first, so every value and every padding column must be written.
import { describe, expect, it } from 'vitest';
import { compareArrays, randomArray, testGpu } from '../../tests/helpers/gpu';
import { ActivationKernel, type ActivationKind } from './activation';
import { pad4, readFloats } from './buffers';
import { KernelContext } from './context';
import { GraphKernels } from './graph-ops';
import { padRows, runDispatches, unpadRows, upload } from './test-util';
import { activationDerivative, applyActivation } from './zoo-test-util';

const shapes = [
  { rows: 5, features: 37 },
  { rows: 3, features: 50 },
  { rows: 2, features: 16 },
  { rows: 9, features: 1 },
];

/** act(v) in f64, tanh included (the zoo helper has relu and sigmoid). */
const act = (v: ArrayLike<number>, kind: ActivationKind) => (kind === 'tanh' ? Float64Array.from(v, Math.tanh) : applyActivation(v, kind));
/** g ⊙ act'(y) from the activation's output y. */
const actGrad = (g: ArrayLike<number>, y: ArrayLike<number>, kind: ActivationKind) =>
  kind === 'tanh' ? Float64Array.from(g, (t, i) => t * (1 - y[i] * y[i])) : activationDerivative(g, y, kind);

describe('graph kernels and the standalone activation vs host references', () => {
  it.each(shapes)('$rows rows of $features features: add, sum, accumulate, activation forward/backward', async ({ rows, features }) => {
    const gpu = await testGpu();
    const device = gpu.device;
    const ctx = new KernelContext(device);
    const graph = new GraphKernels(ctx);
    const activation = new ActivationKernel(ctx);
    const stride = pad4(features);
    const n = rows * features;
    const a = randomArray(n, 1, 2);
    const b = randomArray(n, 2, 2);
    const c = randomArray(n, 3, 2);
    // y: an activation's output, in (0, 1) so every derivative is non-trivial.
    const y = Float32Array.from(randomArray(n, 4), (v) => 0.5 + 0.45 * v);
    const up = (v: Float32Array) => ({ buffer: upload(device, padRows(v, rows, features, stride)) });
    const poisoned = () => ({ buffer: upload(device, new Float32Array(rows * stride).fill(7)) });
    const shape = { rows, features, stride };
    for (const kind of ['none', 'relu', 'sigmoid', 'tanh'] as const) {
      const ops = { a: up(a), b: up(b), c: up(c), y: up(y), add: poisoned(), sum: poisoned(), acc: poisoned(), fwd: poisoned(), bwd: poisoned() };
      await runDispatches(device, [
        await graph.add(shape, kind, { a: ops.a, b: ops.b, dst: ops.add }, 'test.add'),
        await graph.sum(shape, 'none', { a: ops.a, b: ops.b, y: ops.y, dst: ops.sum }, 'test.sum'),
        await graph.accumulate(shape, kind, { a: ops.c, y: ops.y, dst: ops.sum }, 'test.acc'),
        await graph.sum(shape, kind, { a: ops.a, b: ops.b, y: ops.y, dst: ops.acc }, 'test.sumAct'),
        await activation.forward(shape, kind, { x: ops.a, y: ops.fwd }, 'test.actForward'),
        await activation.backward(shape, kind, { x: ops.y, dy: ops.a, dx: ops.bwd }, 'test.actBackward'),
      ]);
      const read = async (x: { buffer: GPUBuffer }) => {
        const all = await readFloats(device, x.buffer, 0, rows * stride);
        for (let r = 0; r < rows; r++) expect([...all.subarray(r * stride + features, (r + 1) * stride)], `${kind}: padding of row ${r}`).toEqual(new Array(stride - features).fill(0));
        return unpadRows(all, rows, features, stride);
      };
      const ab = Float64Array.from(a, (v, i) => v + b[i]);
      const expected: [string, { buffer: GPUBuffer }, Float64Array][] = [
        ['add', ops.add, act(ab, kind)],
        ['sum then accumulate', ops.sum, actGrad(Float64Array.from(ab, (v, i) => v + c[i]), y, kind)],
        ['sum', ops.acc, actGrad(ab, y, kind)],
        ['activation forward', ops.fwd, act(a, kind)],
        ['activation backward', ops.bwd, actGrad(a, y, kind)],
      ];
      // f32 inputs, one or two roundings (exp in sigmoid/tanh: a few ulps).
      for (const [name, buf, ref] of expected) {
        const cmp = compareArrays(await read(buf), ref, 1e-6, 1e-5);
        expect(cmp.ok, `${kind} ${name}: max diff ${cmp.maxDiff} at ${cmp.firstBad}`).toBe(true);
      }
    }
  });

  it('copySlice: a channel range of one tensor into another, through a derivative', async () => {
    const gpu = await testGpu();
    const device = gpu.device;
    const graph = new GraphKernels(new KernelContext(device));
    const rows = 3;
    const [aStride, dstStride, count, aOffset, dstOffset] = [24, 32, 13, 5, 17];
    const a = randomArray(rows * aStride, 5);
    const y = Float32Array.from(randomArray(rows * dstStride, 6), (v) => 0.5 + 0.4 * v);
    const dst = { buffer: upload(device, new Float32Array(rows * dstStride).fill(7)) };
    const s = { rows, count, aStride, aOffset, dstStride, dstOffset };
    await runDispatches(device, [await graph.copySlice(s, 'sigmoid', { a: { buffer: upload(device, a) }, dst, y: { buffer: upload(device, y) } }, 'test.copy')]);
    const got = await readFloats(device, dst.buffer, 0, rows * dstStride);
    const want = new Float64Array(rows * dstStride).fill(7);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < count; j++) {
        const d = r * dstStride + dstOffset + j;
        want[d] = a[r * aStride + aOffset + j] * y[d] * (1 - y[d]);
      }
    }
    const cmp = compareArrays(got, want, 1e-7, 1e-6);
    expect(cmp.ok, `max diff ${cmp.maxDiff}`).toBe(true);
  });
});
