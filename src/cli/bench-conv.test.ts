// The conv benchmark's parts on real WebGPU, at a small batch: every pass of a shape gets a time and a
// GFLOP/s figure and names its kernels; the table has one row per shape. Nothing checks speed.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../tests/helpers/gpu';
import { KernelContext } from '../gpu/context';
import { benchCeiling } from '../gpu/ceiling';
import { benchConvPasses, ceilingJson, ceilingLine, convPassFlops, convTable, type ConvShapeCase } from './bench-conv';

describe('bench --conv', () => {
  it('times forward, input gradient and weight gradient of each shape', async () => {
    const kc = new KernelContext((await testGpu()).device);
    const shapes: ConvShapeCase[] = [{ name: 'small 3×3/2', rows: 2, inC: 3, h: 9, w: 7, outC: 5, kernel: 3, stride: 2, padding: 1 }];
    const rows = await benchConvPasses(kc, shapes, 1);
    expect(rows.map((r) => r.pass)).toEqual(['forward', 'dX', 'dW']);
    for (const r of rows) expect(r.ms > 0 && Number.isFinite(r.gflops), `${r.pass} ${r.ms} ms`).toBe(true);
    expect(rows[0].kernels).toMatch(/^forward\[\d+x\d+\]$/);
    expect(rows[1].kernels).toMatch(/dX\[\d+x\d+\]/);
    expect(rows[2].kernels).toMatch(/toPixels dWPartial\[\d+x\d+\] dW/);
    expect(convPassFlops(shapes[0])).toBe(2 * 2 * 5 * 4 * 5 * 27);
    const table = convTable(rows, shapes).split('\n');
    expect(table).toHaveLength(3);
    expect(table[2]).toMatch(/^\| small 3×3\/2 \(2, 3×9×7 → 5, 3\/2 p1\)/);
  });

  it('times a layer whose three passes are Winograd (97 dispatches)', async () => {
    const kc = new KernelContext((await testGpu()).device);
    const rows = await benchConvPasses(kc, [{ name: '64→64', rows: 2, inC: 64, h: 3, w: 3, outC: 64, kernel: 3, stride: 1, padding: 1 }], 1);
    expect(rows.map((r) => [r.pass, r.ms > 0])).toEqual([['forward', true], ['dX', true], ['dW', true]]);
    expect(rows.map((r) => r.kernels.match(/winoGemm×\d+/g))).toEqual([['winoGemm×36'], ['winoGemm×36'], ['winoGemm×16']]);
  });

  it('times the two register-block kernels and prints them under the conv figures', async () => {
    const kc = new KernelContext((await testGpu()).device);
    const rows = await benchCeiling(kc, 1);
    expect(rows.map((r) => [r.kernel, r.productsPerLoad, r.ms > 0 && Number.isFinite(r.gflops)])).toEqual([['alu', 256, true], ['gather', 4, true]]);
    expect(ceilingLine([{ kernel: 'alu', productsPerLoad: 256, ms: 40, gflops: 13.422 }, { kernel: 'gather', productsPerLoad: 4, ms: 215, gflops: 2.497 }])).toBe(
      'an 8x8 register block on this adapter (shaders/ceiling.wgsl): 13.42 GFLOP/s with its operands in registers (a load per 256 multiply-adds), 2.50 with every operand loaded (a load per 4)',
    );
    expect(ceilingJson([{ kernel: 'alu', productsPerLoad: 256, ms: 40, gflops: 13.42249 }, { kernel: 'gather', productsPerLoad: 4, ms: 215, gflops: 2.4971 }])).toEqual({ alu_gflops: 13.422, gather_gflops: 2.497 });
  });
});
