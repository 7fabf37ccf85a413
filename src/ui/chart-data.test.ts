// The charts' numbers by value: rows and CSV from records, the debiased EMA, min/max decimation (hand
// cases, and 10⁵ points against a brute-force envelope), and the view uPlot is given.
import { describe, expect, it } from 'vitest';
import type { MetricRecord } from '../model/metrics';
import { chartCsv, chartRows, chartTable, chartView, decimateRows, emaSmooth, RowsPerBucket, takeRows, type Column } from './chart-data';

const rec = (epoch: number, step: number, key: 'loss' | 'acc', split: 'train' | 'val', value: number): MetricRecord => ({ epoch, step, key, split, value });

describe('chart rows and CSV', () => {
  const records = [
    rec(0.5, 2, 'loss', 'train', 1.25),
    rec(0.5, 2, 'acc', 'train', 0.5),
    rec(1, 4, 'loss', 'train', 0.8),
    rec(1, 4, 'acc', 'train', 0.625),
    rec(1, 4, 'loss', 'val', 0.75),
    rec(1, 4, 'acc', 'val', 0.7),
    rec(1.5, 6, 'loss', 'train', 1 / 3),
    rec(2, 8, 'loss', 'val', 0.5),
  ];

  it('groups a train and a validation point at the same epoch into one row, in epoch order', () => {
    expect(chartRows(records, 'loss', ['train', 'val'])).toEqual([
      { epoch: 0.5, step: 2, values: [1.25, null] },
      { epoch: 1, step: 4, values: [0.8, 0.75] },
      { epoch: 1.5, step: 6, values: [1 / 3, null] },
      { epoch: 2, step: 8, values: [null, 0.5] },
    ]);
    // Out of order and a repeated point: sorted by epoch, the later value kept.
    expect(chartRows([rec(2, 8, 'acc', 'val', 0.1), rec(1, 4, 'acc', 'val', 0.2), rec(2, 8, 'acc', 'val', 0.3)], 'acc', ['val'])).toEqual([
      { epoch: 1, step: 4, values: [0.2] },
      { epoch: 2, step: 8, values: [0.3] },
    ]);
  });

  it('writes every point at full precision with one column per split and empty cells for missing points', () => {
    expect(chartCsv(records, 'loss', ['train', 'val'])).toBe(
      'epoch,step,train_loss,validation_loss\n0.5,2,1.25,\n1,4,0.8,0.75\n1.5,6,0.3333333333333333,\n2,8,,0.5\n',
    );
    expect(chartCsv(records, 'acc', ['train', 'val'])).toBe('epoch,step,train_accuracy,validation_accuracy\n0.5,2,0.5,\n1,4,0.625,0.7\n');
    expect(chartCsv([], 'acc', ['val'])).toBe('epoch,step,validation_accuracy\n');
  });
});

describe('the table', () => {
  const records = [rec(0.5, 2, 'loss', 'train', 1.25), rec(1, 4, 'loss', 'train', 0.75), rec(1, 4, 'loss', 'val', 0.70004), rec(1 / 3, 1, 'acc', 'train', 0.8125)];
  it('lists epoch, step and each curve\'s value as shown on the chart, — where a curve has no point', () => {
    expect(chartTable(records, 'loss', ['train', 'val'], 0)).toEqual({
      head: ['epoch', 'step', 'train', 'validation'],
      rows: [['0.5', '2', '1.2500', '—'], ['1', '4', '0.7500', '0.7000']],
      total: 2,
    });
    expect(chartTable(records, 'acc', ['train', 'val'], 0).rows).toEqual([['0.333', '1', '81.3 %', '—']]);
  });

  it('adds the smoothed train column when smoothing is on', () => {
    // EMA 0.5: 1.25, then (0.25·1.25·0.5… ) = (0.5·0.625 + 0.5·0.75) / 0.75 = 0.9167
    expect(chartTable(records, 'loss', ['train', 'val'], 0.5)).toMatchObject({
      head: ['epoch', 'step', 'train', 'train (smoothed)', 'validation'],
      rows: [['0.5', '2', '1.2500', '1.2500', '—'], ['1', '4', '0.7500', '0.9167', '0.7000']],
    });
  });

  it('past its row limit lists the decimated rows, every validation point among them', () => {
    const many = Array.from({ length: 5000 }, (_, i) => rec((i + 1) / 100, i + 1, 'loss', 'train', 1 / (i + 1)));
    const withVal = [...many, ...Array.from({ length: 50 }, (_, e) => rec(e + 1, (e + 1) * 100, 'loss', 'val', 0.5))];
    const t = chartTable(withVal, 'loss', ['train', 'val'], 0, 500);
    expect(t.total).toBe(5000);
    expect(t.rows.length).toBeLessThanOrEqual(500);
    expect(t.rows.filter((r) => r[3] !== '—')).toHaveLength(50);
    expect(t.rows[0]).toEqual(['0.01', '1', '1.0000', '—']);
    expect(t.rows.at(-1)).toEqual(['50', '5000', '0.0002', '0.5000']);
  });
});

describe('EMA smoothing', () => {
  it('is debiased (starts at the first value), skips nulls and non-finite values', () => {
    // s1 = 0.5 → 0.5 / 0.5 = 1; s2 = 0.25 + 1.5 = 1.75 → / 0.75; s3 = 0.875 + 2.5 = 3.375 → / 0.875
    const got = emaSmooth([1, null, 3, 5], 0.5);
    expect(got[0]).toBe(1);
    expect(got[1]).toBeNull();
    expect(got[2]).toBeCloseTo(1.75 / 0.75, 15);
    expect(got[3]).toBeCloseTo(3.375 / 0.875, 15);
    expect(emaSmooth([2, Infinity, 2], 0.9)).toEqual([2, Infinity, 2]);
    expect(emaSmooth([4, 1, 7], 0)).toEqual([4, 1, 7]);
    // A constant series stays constant.
    expect(emaSmooth([0.3, 0.3, 0.3, 0.3], 0.95).every((v) => Math.abs(v! - 0.3) < 1e-15)).toBe(true);
  });
});

describe('min/max decimation', () => {
  it('keeps every row up to RowsPerBucket per slice', () => {
    const cols: Column[] = [[0, 1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7, 8]];
    expect(Array.from(decimateRows(cols, 2))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('keeps first, lowest, highest and last of each slice per series (hand case)', () => {
    // 12 rows over x in [0, 11], 2 slices: rows 0–5 (x < 5.5) and 6–11.
    const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const train = [5, 3, 9, 9, 1, 4, 2, 8, 0, 7, 8, 6];
    const val: Column = [null, null, null, null, null, 2, null, null, null, null, null, 1];
    // train slice 1: first 0, low 4, high 2 (the first 9), last 5; slice 2: first 6, low 8, high 7 (first 8), last 11; val: 5, 11.
    expect(Array.from(decimateRows([x, train, val], 2))).toEqual([0, 2, 4, 5, 6, 7, 8, 11]);
    expect(takeRows([x, train, val], Uint32Array.from([0, 5, 11]))).toEqual([[0, 5, 11], [5, 4, 6], [null, 2, 1]]);
  });

  it('10⁵ points into 600 slices: each slice keeps its extremes and ends, sparse validation points all stay', () => {
    const n = 100_000;
    const buckets = 600;
    const x = Array.from({ length: n }, (_, i) => (i + 1) / 1000); // 100 epochs, 1,000 points each
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const train = x.map((e) => 2 / (1 + e) + 0.3 * (rand() - 0.5));
    const val = x.map((e, i) => ((i + 1) % 1000 === 0 ? 1.5 / (1 + e) : null));
    const rows = decimateRows([x, train, val], buckets);
    expect(rows.length).toBeLessThanOrEqual(RowsPerBucket * buckets + 100);
    expect(rows.length).toBeGreaterThan(2 * buckets);
    const kept = new Set(rows);
    // Every validation point survives.
    val.forEach((v, i) => v !== null && expect(kept.has(i), `validation row ${i}`).toBe(true));
    // Per slice, brute force: the kept train rows include the slice's first, last, min and max.
    const slice = (i: number) => Math.min(buckets - 1, Math.floor(((x[i] - x[0]) * buckets) / (x[n - 1] - x[0])));
    const ranges = new Map<number, number[]>();
    x.forEach((_, i) => (ranges.get(slice(i)) ?? ranges.set(slice(i), []).get(slice(i))!).push(i));
    for (const idx of ranges.values()) {
      const vals = idx.map((i) => train[i]);
      const lo = idx[vals.indexOf(Math.min(...vals))];
      const hi = idx[vals.indexOf(Math.max(...vals))];
      for (const want of [idx[0], idx.at(-1)!, lo, hi]) expect(kept.has(want)).toBe(true);
    }
    // The drawn envelope: overall min and max of the kept points equal the data's.
    const drawn = takeRows([x, train], rows)[1] as number[];
    const [min, max] = [(a: number[]) => a.reduce((m, v) => Math.min(m, v)), (a: number[]) => a.reduce((m, v) => Math.max(m, v))];
    expect(min(drawn)).toBe(min(train));
    expect(max(drawn)).toBe(max(train));
  });
});

describe('the view uPlot is given', () => {
  const cols: Column[] = [[0.5, 1, 1.5, 2], [1, 0.5, 0, 0.25], [null, 0.6, null, 0.4]];
  it('adds the smoothed train column last; leaves the raw columns as they are', () => {
    const v = chartView(cols, { trainColumn: 1, smoothing: 0.5, log: false, buckets: 100 });
    expect(v.slice(0, 3)).toEqual(cols);
    expect(v[3]).toEqual(emaSmooth(cols[1], 0.5));
    expect(chartView(cols, { trainColumn: 1, smoothing: 0, log: false, buckets: 100 })).toEqual(cols);
  });

  it('log scale: values ≤ 0 are left out', () => {
    expect(chartView(cols, { trainColumn: 1, smoothing: 0, log: true, buckets: 100 })).toEqual([[0.5, 1, 1.5, 2], [1, 0.5, null, 0.25], [null, 0.6, null, 0.4]]);
  });

  it('decimates only past RowsPerBucket rows a pixel column, unless told not to', () => {
    const n = 1000;
    const big: Column[] = [Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, (_, i) => Math.sin(i))];
    expect(chartView(big, { trainColumn: 1, smoothing: 0, log: false, buckets: 250 })[0]).toHaveLength(n);
    expect(chartView(big, { trainColumn: 1, smoothing: 0, log: false, buckets: 100 })[0].length).toBeLessThanOrEqual(400);
    expect(chartView(big, { trainColumn: 1, smoothing: 0, log: false, buckets: 100, decimate: false })[0]).toHaveLength(n);
  });
});
