// .npy: every supported dtype and byte order, files NumPy itself wrote, and strict refusals.
import { describe, expect, it } from 'vitest';
import { fixture, npy } from './fixtures/make';
import { isNpy, parseNpy } from './npy';

describe('parseNpy', () => {
  it.each([
    ['|u1', [0, 255, 7, 1]],
    ['|i1', [-128, 127, 0, -1]],
    ['<u2', [0, 65535, 300, 1]],
    ['<i2', [-32768, 32767, -300, 1]],
    ['>i2', [-32768, 32767, -300, 1]],
    ['<u4', [0, 4294967295, 7, 1]],
    ['<i4', [-2147483648, 2147483647, 0, -1]],
    ['>i4', [-2147483648, 2147483647, 0, -1]],
    ['<i8', [-(2 ** 53) + 1, 2 ** 53 - 1, 0, -1]],
    ['<u8', [0, 2 ** 53 - 1, 5, 1]],
    ['<f4', [-1.5, 0, 3.25, 2 ** 100]],
    ['>f4', [-1.5, 0, 3.25, 2 ** 100]],
    ['<f8', [-1e300, Math.PI, 0, 2 ** -1060]],
    ['>f8', [-1e300, Math.PI, 0, 2 ** -1060]],
    ['|b1', [0, 1, 1, 0]],
  ])('reads %s', (descr, values) => {
    const a = parseNpy(npy(descr, [2, 2], values), 'a.npy');
    expect(a.dims).toEqual([2, 2]);
    expect(Array.from(a.data)).toEqual(values);
  });

  it('reads files written by NumPy (np.save)', async () => {
    const x = parseNpy(await fixture('x-f8.npy'), 'x-f8.npy');
    expect([x.dtype, x.dims]).toEqual(['f8', [20, 3]]);
    expect(x.data[0]).toBeCloseTo(-0.6538286209106445, 15);
    const y = parseNpy(await fixture('y-i8.npy'), 'y-i8.npy');
    expect([y.dtype, y.dims, Array.from(y.data.subarray(0, 4))]).toEqual(['i8', [20], [0, 1, 0, 1]]);
    expect(isNpy(await fixture('y-i8.npy'))).toBe(true);
  });

  it('refuses a shape that claims more bytes than the file holds, before copying', () => {
    const b = npy('<f4', [2, 2], [1, 2, 3, 4]);
    const text = new TextDecoder().decode(b.subarray(10, 80)).replace('(2, 2)', '(9, 9)');
    b.set(new TextEncoder().encode(text), 10);
    expect(() => parseNpy(b, 'big.npy')).toThrow(/big.npy, byte offset 128: shape \(9, 9\) of <f4 needs 324 bytes but 16 bytes follow the header/);
  });

  it('refuses trailing bytes, a header longer than the file, unknown versions', () => {
    const b = npy('|u1', [3], [1, 2, 3]);
    expect(() => parseNpy(Uint8Array.from([...b, 0]), 't.npy')).toThrow(/shape \(3\) of \|u1 needs 3 bytes but 4 bytes follow/);
    const long = b.slice(0, 40);
    expect(() => parseNpy(long, 'h.npy')).toThrow(/h.npy, byte offset 8: header claims 118 bytes, the file holds 30/);
    const v9 = b.slice();
    v9[6] = 9;
    expect(() => parseNpy(v9, 'v.npy')).toThrow(/unknown .npy format version 9.0/);
  });

  it('refuses dtypes it cannot represent, Fortran order, and loose headers', () => {
    expect(() => parseNpy(npy('<f4', [1], [1]).map((c, i, a) => (i > 10 && a[i - 1] === 0x66 && c === 0x34 ? 0x32 : c)), 'h.npy')).toThrow(
      /dtype '<f2' is not supported/,
    );
    expect(() => parseNpy(npy('<f4', [2, 2], [1, 2, 3, 4], true), 'f.npy')).toThrow(/Fortran order.*np.ascontiguousarray/);
    const b = npy('|u1', [3], [1, 2, 3]);
    const loose = new TextDecoder().decode(b.subarray(10, 127)).replace("'shape'", "'shapes'");
    const c = b.slice();
    c.set(new TextEncoder().encode(loose), 10);
    expect(() => parseNpy(c, 'l.npy')).toThrow(/header dictionary must hold exactly 'descr', 'fortran_order' and 'shape'/);
    expect(() => parseNpy(new Uint8Array([1, 2, 3]), 'n.npy')).toThrow(/not a .npy file/);
  });
});
