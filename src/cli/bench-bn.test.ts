// The BatchNorm / elementwise benchmark's parts on real WebGPU at a small odd shape: every pass of a
// shape gets a time, a rate and its kernels; the table has one row per shape. Nothing checks speed.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../tests/helpers/gpu';
import { KernelContext } from '../gpu/context';
import { benchBnPasses, bnPasses, bnTable, type BnShapeCase } from './bench-bn';

describe('bench --bn', () => {
  it('times every BatchNorm and elementwise pass of each shape', async () => {
    const kc = new KernelContext((await testGpu()).device);
    const shapes: BnShapeCase[] = [{ name: 'small', rows: 3, channels: 5, spatial: 7 }];
    const rows = await benchBnPasses(kc, shapes, 1);
    expect(rows.map((r) => r.pass)).toEqual([...bnPasses]);
    for (const r of rows) expect(r.ms >= 0 && Number.isFinite(r.melems)).toBe(true);
    expect(rows[0].kernels).toMatch(/^train\.stats [\d.]+, train\.normalize [\d.]+$/);
    expect(rows[2].kernels).toMatch(/^backward\.dGammaBeta [\d.]+, backward\.dX [\d.]+$/);
    const table = bnTable(rows, shapes).split('\n');
    expect(table).toHaveLength(3);
    expect(table[2]).toMatch(/^\| small \(3, 5×7\)/);
  });
});
