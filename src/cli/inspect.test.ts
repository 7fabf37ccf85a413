// inspect: the JSON object the CLI prints for what the loaders understood.
import { describe, expect, it } from 'vitest';
import { encodeIdx } from '../data/idx';
import { enc } from '../data/fixtures/make';
import { inspectFiles } from './inspect';

describe('inspectFiles', () => {
  it('describes a CSV with class names', async () => {
    const csv = 'sepal,petal,species\n' + Array.from({ length: 30 }, (_, i) => `${i},${i / 2},${['setosa', 'virginica', 'versicolor'][i % 3]}`).join('\r\n');
    const r = await inspectFiles([{ name: 'iris.csv', bytes: enc(csv) }]);
    expect(JSON.parse(JSON.stringify(r))).toEqual({
      name: 'iris',
      format: 'csv',
      splits: { train: 27, val: 3 },
      feature_shape: [2],
      classes: [
        { name: 'setosa', train: 9, val: 1 },
        { name: 'versicolor', train: 9, val: 1 },
        { name: 'virginica', train: 9, val: 1 },
      ],
      split_note: 'No split in the data: seeded (seed 0), stratified 90/10 train/validation split of the 30 examples.',
    });
  });

  it('describes IDX pairs', async () => {
    const img = (n: number) => encodeIdx('u8', [n, 2, 2], new Array(n * 4).fill(1));
    const lab = (n: number) => encodeIdx('u8', [n], Array.from({ length: n }, (_, i) => i % 2));
    const r = await inspectFiles([
      { name: 'a', bytes: img(8) },
      { name: 'b', bytes: lab(8) },
      { name: 'c', bytes: img(4) },
      { name: 'd', bytes: lab(4) },
    ]);
    expect([r.format, r.splits, r.feature_shape, r.classes]).toEqual([
      'idx',
      { train: 8, val: 4 },
      [1, 2, 2],
      [{ name: '0', train: 4, val: 2 }, { name: '1', train: 4, val: 2 }],
    ]);
  });

  it('rejects with the loader message', async () => {
    await expect(inspectFiles([{ name: 'x.csv', bytes: enc('a,y\n1,0\n0x1F,1\n') }])).rejects.toThrow('x.csv, row 3: column "a" (1): "0x1F" is not a number');
  });
});
