// IDX: every dtype the format defines round-trips; every size claim is checked before allocation.
import { describe, expect, it } from 'vitest';
import { DataError } from './errors';
import { encodeIdx, looksLikeIdx, parseIdx, type IdxDtype } from './idx';

const cases: [IdxDtype, number[]][] = [
  ['u8', [0, 1, 255, 7]],
  ['i8', [-128, -1, 0, 127]],
  ['i16', [-32768, -2, 300, 32767]],
  ['i32', [-2147483648, -5, 70000, 2147483647]],
  ['f32', [-1.5, 0, 3.25, 2 ** 100]],
  ['f64', [-1e300, Math.PI, 0, 2 ** -1060]],
];

describe('parseIdx', () => {
  it.each(cases)('reads %s values big-endian with their dims', (dtype, values) => {
    const bytes = encodeIdx(dtype, [2, 2], values);
    expect(looksLikeIdx(bytes)).toBe(true);
    const a = parseIdx(bytes, 'a.idx');
    expect(a.dtype).toBe(dtype);
    expect(a.dims).toEqual([2, 2]);
    expect(Array.from(a.data)).toEqual(values);
  });

  it('reads the header byte order literally (magic 0x00000803, dims 3×2×1)', () => {
    const bytes = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6]);
    const a = parseIdx(bytes, 'literal');
    expect(a.dims).toEqual([3, 2, 1]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    // u8 data is a view of the file: no copy.
    expect(a.data.buffer).toBe(bytes.buffer);
  });

  it('refuses a header that claims more items than the bytes hold, naming the offset', () => {
    const bytes = encodeIdx('u8', [10, 28, 28], new Uint8Array(10 * 784));
    new DataView(bytes.buffer).setUint32(4, 60000, false);
    expect(() => parseIdx(bytes, 'train-images')).toThrow(DataError);
    expect(() => parseIdx(bytes, 'train-images')).toThrow(/train-images, byte offset 4: header claims dimensions 60000×28×28 of u8 = 47,040,000 bytes/);
  });

  it('refuses a 4 GiB claim in a tiny file without allocating it', () => {
    const bytes = new Uint8Array([0, 0, 0x0e, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3]);
    const err = (() => { try { parseIdx(bytes, 'bomb'); } catch (e) { return e as DataError; } })();
    expect(err?.offset).toBe(4);
    expect(err?.message).toMatch(/only 3 bytes follow the header/);
  });

  it('refuses trailing bytes the header does not explain', () => {
    const bytes = new Uint8Array([...encodeIdx('u8', [3], [1, 2, 3]), 9, 9]);
    expect(() => parseIdx(bytes, 'labels')).toThrow(/labels, byte offset 11: .*2 unexplained trailing bytes/);
  });

  it('refuses a truncated multi-byte payload', () => {
    const bytes = encodeIdx('f32', [4], [1, 2, 3, 4]).subarray(0, 8 + 15);
    expect(() => parseIdx(bytes, 'f')).toThrow(/header claims dimensions 4 of f32 = 16 bytes but only 15 bytes follow/);
  });

  it('refuses bad magics: nonzero lead, unknown dtype, zero or too many dims, short header', () => {
    expect(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]), 'x')).toThrow(/x, byte offset 0: not an IDX file/);
    expect(() => parseIdx(new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0]), 'x')).toThrow(/byte offset 2: unknown IDX dtype code 0x0a/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 0]), 'x')).toThrow(/byte offset 3: IDX claims 0 dimensions/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 9]), 'x')).toThrow(/IDX claims 9 dimensions/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]), 'x')).toThrow(/IDX header needs 16 bytes for 3 dimensions, the file holds 8/);
    expect(() => parseIdx(new Uint8Array([0, 0]), 'x')).toThrow(/too short/);
  });

  it('sniffs only IDX-shaped bytes', () => {
    expect(looksLikeIdx(new TextEncoder().encode('a,b,c\n1,2,3\n'))).toBe(false);
    expect(looksLikeIdx(new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]))).toBe(false);
    expect(looksLikeIdx(encodeIdx('u8', [1], [5]))).toBe(true);
  });
});
