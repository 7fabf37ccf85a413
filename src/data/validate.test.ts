// validateDataset: the last gate (sizes agree, labels in range, two classes present, finite values).
import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset';
import { validateDataset } from './validate';

function ds(over: Partial<Dataset> = {}): Dataset {
  return {
    name: 'd',
    shape: [2],
    classNames: ['a', 'b'],
    train: { x: Float32Array.from([1, 2, 3, 4]), y: Uint32Array.from([0, 1]), count: 2 },
    val: { x: Float32Array.from([5, 6]), y: Uint32Array.from([1]), count: 1 },
    splitNote: '',
    normalization: { kind: 'scale', scale: 1 },
    source: { format: 'test', files: ['d.csv'] },
    ...over,
  };
}

describe('validateDataset', () => {
  it('passes a consistent dataset through', () => {
    const d = ds();
    expect(validateDataset(d)).toBe(d);
  });

  it.each([
    ['features size', { train: { x: Float32Array.from([1, 2, 3]), y: Uint32Array.from([0, 1]), count: 2 } }, /train split has 3 feature values; 2 examples × 2 features need 4/],
    ['label count', { val: { x: Float32Array.from([5, 6]), y: Uint32Array.from([1, 0]), count: 1 } }, /validation split has 2 labels for 1 examples/],
    ['label range', { val: { x: Float32Array.from([5, 6]), y: Uint32Array.from([2]), count: 1 } }, /validation example 0 has label 2, outside \[0, 2\)/],
    ['one class name', { classNames: ['a'] }, /found 1 class; a classifier needs at least 2/],
    ['one class present', { train: { x: Float32Array.from([1, 2, 3, 4]), y: Uint32Array.from([1, 1]), count: 2 } }, /all examples have the same label \(b\)/],
    ['NaN', { train: { x: Float32Array.from([1, NaN, 3, 4]), y: Uint32Array.from([0, 1]), count: 2 } }, /train example 0, feature 1 is NaN/],
    ['Infinity', { val: { x: Float32Array.from([5, Infinity]), y: Uint32Array.from([1]), count: 1 } }, /validation example 0, feature 1 is Infinity/],
    ['empty val', { val: { x: new Float32Array(0), y: new Uint32Array(0), count: 0 } }, /the validation split is empty/],
    ['shape', { shape: [0] }, /feature shape \[0\] must be positive integers/],
    ['duplicate names', { classNames: ['a', 'a'] }, /class names repeat/],
    ['normalisation size', { normalization: { kind: 'standardize', mean: new Float32Array(1), std: new Float32Array(1) } }, /1 means for 2 features/],
  ] as const)('refuses a bad %s, naming the files', (_, over, msg) => {
    expect(() => validateDataset(ds(over as Partial<Dataset>))).toThrow(msg);
    expect(() => validateDataset(ds(over as Partial<Dataset>))).toThrow(/^d.csv: /);
  });
});
