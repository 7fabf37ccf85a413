// #15.7: values a model cannot use, in real lab exports built here: a BatchNorm running variance below 0
// (NaN after sqrt) and a normalisation std of 0 (Infinity after dividing) are refused by decodeWeights,
// naming the file, the byte and the tensor; a dataset's constant feature is stored with std 1.
import { describe, expect, it } from 'vitest';
import { assemble } from '../data/assemble';
import { labExport } from '../fuzz/lab-export';
import { readSafetensors } from './safetensors';
import { checkWeightValues } from './weight-values';
import { decodeWeights } from './weights-file';

describe('checkWeightValues through decodeWeights', () => {
  it('refuses a running_var below 0, with the byte, the tensor and why', () => {
    const file = labExport({ model: 'lenet-bn', shape: [1, 28, 28], classNames: ['a', 'b'], normalization: { kind: 'scale', scale: 1 / 255 } });
    expect(decodeWeights(file, 'ok.safetensors').params.size).toBeGreaterThan(0);
    const [name, t] = [...readSafetensors(file).tensors].find(([n]) => n.endsWith('.running_var'))!;
    const bad = file.slice();
    new DataView(bad.buffer).setFloat32(t.offset + 8, -0.5, true);
    expect(() => decodeWeights(bad, 'bn.safetensors')).toThrow(
      `bn.safetensors, byte ${t.offset + 8}: tensor ${name} holds -0.5 at [2]: a BatchNorm running variance below 0 makes the layer output NaN`,
    );
  });

  it('refuses a normalisation std of 0', () => {
    const normalization = { kind: 'standardize' as const, mean: [0, 1, 2, 3], std: [1, 2, 0, 1] };
    const file = labExport({ model: 'softmax', shape: [4], classNames: ['a', 'b', 'c'], normalization });
    expect(() => decodeWeights(file, 'std.safetensors')).toThrow(
      'std.safetensors: manifest.normalization.std[2] is 0: features are divided by it, so it must be above 0 (a constant feature is stored with std 1)',
    );
    expect(() => checkWeightValues('f', { ...normalization, std: [1, 1, -2, 1] }, new Map())).toThrow(/std\[2\] is -2/);
  });

  it('a constant feature gets std 1 (so the lab never writes a 0)', () => {
    const x = Float32Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 5 : i));
    const ds = assemble({ name: 'c', format: 'csv', files: ['c.csv'], shape: [2], classNames: ['a', 'b'], train: { x, y: Uint32Array.from({ length: 20 }, (_, i) => i % 2), count: 20 } });
    if (ds.normalization.kind !== 'standardize') throw new Error('expected standardize');
    expect(ds.normalization.std[0]).toBe(1);
    expect(ds.normalization.std[1]).toBeGreaterThan(1);
  });
});
