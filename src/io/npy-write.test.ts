// The .npy writer read back by the data layer's strict reader, and its header as NumPy lays it out.
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../data/npy';
import { writeNpyF32 } from './npy-write';

describe('writeNpyF32', () => {
  it.each([[[3, 4]], [[5]], [[2, 1, 3]], [[0, 10]]])('round-trips shape %j through the strict reader, bit for bit', (dims) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: n }, (_, i) => (i === 1 ? -0 : i === 2 ? 1e-40 : Math.sin(i) * 1e3));
    const bytes = writeNpyF32(data, dims);
    const back = parseNpy(bytes, 'x.npy');
    expect(back.dtype).toBe('f4');
    expect(back.dims).toEqual(dims);
    expect(new Uint32Array(Float32Array.from(back.data).buffer)).toEqual(new Uint32Array(data.buffer));
    expect(back.dataOffset % 64).toBe(0);
  });

  it('writes the header NumPy writes', () => {
    const bytes = writeNpyF32(new Float32Array(6), [2, 3]);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + new DataView(bytes.buffer).getUint16(8, true)));
    expect(header.trimEnd()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
    expect(header.endsWith('\n')).toBe(true);
  });

  it('refuses data that does not fill the shape', () => {
    expect(() => writeNpyF32(new Float32Array(5), [2, 3])).toThrow('.npy: 5 values do not fill shape (2, 3)');
  });
});
