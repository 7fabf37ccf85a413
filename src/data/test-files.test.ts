// Files marked as test: matched by name (with * wildcards), loaded apart, joined as the test split with
// classes matched by name; three unmarked IDX pairs are still refused.
import { describe, expect, it } from 'vitest';
import { encodeIdx } from './idx';
import { loadFiles, type InputFile } from './load-files';
import { enc } from './fixtures/make';
import { isMarkedTest } from './test-files';

const images = (n: number, seed = 0) => encodeIdx('u8', [n, 3, 2], Array.from({ length: n * 6 }, (_, i) => (i * 7 + seed) % 256));
const labels = (n: number, classes = 3) => encodeIdx('u8', [n], Array.from({ length: n }, (_, i) => i % classes));
const f = (name: string, bytes: Uint8Array): InputFile => ({ name, bytes });

describe('files marked as test', () => {
  it('match by their last path segment, * for any run of characters, case ignored', () => {
    expect(isMarkedTest('data/T10K-images.gz', ['t10k-*'])).toBe(true);
    expect(isMarkedTest('train-images.gz', ['t10k-*', 'test.csv'])).toBe(false);
    expect(isMarkedTest('test.csv', ['a.csv', ' test.csv '])).toBe(true);
    expect(isMarkedTest('a+b(1).csv', ['a+b(1).csv'])).toBe(true);
    expect(isMarkedTest('x', [''])).toBe(false);
  });

  it('a third IDX pair marked as test becomes the test split; unmarked, three pairs are still refused', async () => {
    const three = [f('train-images', images(30)), f('train-labels', labels(30)), f('val-images', images(20, 1)), f('val-labels', labels(20)), f('t10k-images', images(12, 2)), f('t10k-labels', labels(12))];
    await expect(loadFiles(three)).rejects.toThrow(/found 3 features\/labels pairs/);
    const ds = await loadFiles(three, { testFiles: ['t10k-*'] });
    expect([ds.train.count, ds.val.count, ds.test?.count]).toEqual([30, 20, 12]);
    expect(ds.splitNote).toMatch(/Test split: t10k-images, t10k-labels \(12 examples\), evaluated once at the end/);
    // Every test example is there (the pair's own 90/10 split joined back), labels by class name.
    expect(Array.from(ds.test!.y).sort()).toEqual(Array.from({ length: 12 }, (_, i) => i % 3).sort());
    expect(ds.source.files).toContain('t10k-images');
  });

  it('CSV: a marked table is the test split; its classes must be the training data\'s', async () => {
    const table = (rows: string[]) => enc(['a,b,label', ...rows].join('\n'));
    const train = table(Array.from({ length: 40 }, (_, i) => `${i},${i % 7},${['cat', 'dog'][i % 2]}`));
    const test = table(['1,2,dog', '3,4,cat', '5,6,dog']);
    const ds = await loadFiles([f('pets.csv', train), f('pets-test.csv', test)], { testFiles: ['*-test.csv'] });
    expect([ds.train.count + ds.val.count, ds.test?.count]).toEqual([40, 3]);
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(ds.test!.y).sort()).toEqual([0, 1, 1]);
    const bird = table(['1,2,bird', '3,4,dog', '5,6,bird']);
    await expect(loadFiles([f('pets.csv', train), f('t.csv', bird)], { testFiles: ['t.csv'] })).rejects.toThrow(/class "bird" that the training data does not/);
    await expect(loadFiles([f('pets.csv', train)], { testFiles: ['t.csv'] })).rejects.toThrow(/no file matches the test files \(t.csv\)/);
    await expect(loadFiles([f('t.csv', bird)], { testFiles: ['t.csv'] })).rejects.toThrow(/every file is marked as test/);
  });
});
