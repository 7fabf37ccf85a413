// Max and average pooling on real WebGPU against the CPU reference: forward, the backward with the
// producer's activation derivative, max-pooling ties (first maximum wins), ragged edges (floor mode).
import { describe, expect, it } from 'vitest';
import { compareArrays, randomArray, testGpu } from '../../tests/helpers/gpu';
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from '../reference/pool';
import type { ActivationKind } from './activation';
import { readFloats } from './buffers';
import { KernelContext } from './context';
import { Pool, poolGeometry, type PoolKind, type PoolSpec } from './pool';
import { activationDerivative, applyActivation } from './zoo-test-util';
import { emptyBuffer, padRows, runDispatches, unpadRows, upload } from './test-util';

interface Case extends PoolSpec {
  kind: PoolKind;
  inputActivation: ActivationKind;
  /** Quantise inputs so that windows hold ties. */
  ties?: boolean;
}

const cases: Case[] = [
  { rows: 3, channels: 6, h: 28, w: 28, kernel: 2, stride: 2, kind: 'avg', inputActivation: 'sigmoid' },
  { rows: 3, channels: 6, h: 28, w: 28, kernel: 2, stride: 2, kind: 'max', inputActivation: 'relu' },
  { rows: 2, channels: 3, h: 7, w: 5, kernel: 3, stride: 2, kind: 'max', inputActivation: 'sigmoid' },
  { rows: 2, channels: 3, h: 7, w: 5, kernel: 3, stride: 2, kind: 'avg', inputActivation: 'none' },
  { rows: 4, channels: 5, h: 9, w: 9, kernel: 2, stride: 1, kind: 'max', inputActivation: 'none', ties: true },
];

describe('pooling vs CPU reference', () => {
  it.each(cases)('$kind $rows×$channels×$h×$w k$kernel s$stride (input $inputActivation, ties $ties)', async (c) => {
    const gpu = await testGpu();
    const device = gpu.device;
    const ctx = new KernelContext(device);
    const g = poolGeometry(c);
    const inF = c.channels * c.h * c.w;
    const outF = c.channels * g.oh * g.ow;
    const raw = randomArray(c.rows * inF, 5, 2);
    const x = applyActivation(c.ties ? raw.map((v) => Math.round(v)) : raw, c.inputActivation);
    const dy = randomArray(c.rows * outF, 6);
    const buf = {
      x: upload(device, padRows(x, c.rows, inF, g.xStride)),
      y: emptyBuffer(device, c.rows * g.yStride),
      argmax: emptyBuffer(device, c.rows * g.yStride),
      dy: upload(device, padRows(dy, c.rows, outF, g.yStride)),
      dx: emptyBuffer(device, c.rows * g.xStride),
    };
    const b = (k: keyof typeof buf) => ({ buffer: buf[k] });
    const pool = new Pool(ctx);
    const argmax = c.kind === 'max' ? b('argmax') : undefined;
    await runDispatches(device, [
      await pool.forward(c, c.kind, { x: b('x'), y: b('y'), argmax }, 'test.pool'),
      await pool.backward(c, c.kind, c.inputActivation, { x: b('x'), dy: b('dy'), dx: b('dx'), argmax }, 'test.pool'),
    ]);
    const shape = { ...c, batch: c.rows };
    const yRef = c.kind === 'max' ? maxPool2dForward(x, shape) : avgPool2dForward(x, shape);
    const dxRef = activationDerivative(c.kind === 'max' ? maxPool2dBackward(x, dy, shape) : avgPool2dBackward(x, dy, shape), x, c.inputActivation);
    const y = compareArrays(unpadRows(await readFloats(device, buf.y, 0, c.rows * g.yStride), c.rows, outF, g.yStride), yRef, 1e-6, 1e-5);
    expect(y.ok, `forward max diff ${y.maxDiff}`).toBe(true);
    // Max pooling routes each gradient exactly; ties must pick the same (first) element as the reference.
    const dx = compareArrays(unpadRows(await readFloats(device, buf.dx, 0, c.rows * g.xStride), c.rows, inF, g.xStride), dxRef, 1e-6, 1e-5);
    expect(dx.ok, `dX max diff ${dx.maxDiff} at ${dx.firstBad}: ${dx.gpu} vs ${dx.ref}`).toBe(true);
  });
});
