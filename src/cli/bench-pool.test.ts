// The pooling benchmark's parts on real WebGPU at small odd shapes: every pass of a shape gets a time, a
// rate and its kernel; the table has one row per shape. Nothing checks speed.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../tests/helpers/gpu';
import { KernelContext } from '../gpu/context';
import { benchPoolPasses, poolTable, type PoolShapeCase } from './bench-pool';

describe('bench --pool', () => {
  it('times the forward and backward of each pooling shape', async () => {
    const kc = new KernelContext((await testGpu()).device);
    const shapes: PoolShapeCase[] = [
      { name: 'small max', kind: 'max', rows: 3, channels: 5, h: 7, w: 9, kernel: 3, stride: 2, padding: 1, inputActivation: 'relu' },
      { name: 'small gap', kind: 'global', rows: 3, channels: 5, h: 3, w: 3, kernel: 0, stride: 1, padding: 0, inputActivation: 'none' },
    ];
    const rows = await benchPoolPasses(kc, shapes, 1);
    expect(rows.map((r) => `${r.shape} ${r.pass}`)).toEqual(['small max forward', 'small max backward', 'small gap forward', 'small gap backward']);
    for (const r of rows) expect(r.ms >= 0 && Number.isFinite(r.melems)).toBe(true);
    expect(rows[0].kernels).toMatch(/^max_forward_k3 [\d.]+$/);
    expect(rows[3].kernels).toMatch(/^global_avg_backward_seg [\d.]+$/);
    const table = poolTable(rows, shapes).split('\n');
    expect(table).toHaveLength(4);
    expect(table[2]).toMatch(/^\| small max \(3, 3\/2 p1, relu'\)/);
  });
});
