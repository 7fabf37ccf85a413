// chunkRows: whole rows per chunk, never over the limit, aligned when asked, and a clear refusal
// when one row cannot fit a buffer.
import { describe, expect, it } from 'vitest';
import { chunkRows } from './chunk-rows';

describe('chunkRows', () => {
  it('keeps everything in one chunk when it fits', () => {
    expect(chunkRows(784, 100, 1 << 20)).toEqual([{ firstRow: 0, rows: 100, byteOffset: 0, byteLength: 78_400 }]);
  });

  it('splits into whole rows under the limit, covering every row once', () => {
    const c = chunkRows(784, 1000, 100_000);
    expect(c.map((x) => x.rows)).toEqual([127, 127, 127, 127, 127, 127, 127, 111]);
    expect(c.every((x) => x.byteLength <= 100_000 && x.byteLength === x.rows * 784)).toBe(true);
    c.forEach((x, i) => i > 0 && expect(x.firstRow).toBe(c[i - 1].firstRow + c[i - 1].rows));
    expect(c.at(-1)!.firstRow + c.at(-1)!.rows).toBe(1000);
  });

  it('aligns chunk boundaries to `align` bytes', () => {
    // 75-byte rows (3×5×5): boundaries on 4 bytes need multiples of 4 rows.
    const c = chunkRows(75, 50, 1000, 4);
    expect(c.map((x) => x.rows)).toEqual([12, 12, 12, 12, 2]);
    expect(c.slice(0, -1).every((x) => x.byteLength % 4 === 0 && x.byteOffset % 4 === 0)).toBe(true);
  });

  it('handles zero rows and refuses a row larger than a buffer', () => {
    expect(chunkRows(4, 0, 16)).toEqual([]);
    expect(() => chunkRows(3072, 10, 2048)).toThrow(/one example takes 3,072 bytes, more than one GPU buffer may hold \(2,048 bytes\)/);
    expect(() => chunkRows(0, 10, 2048)).toThrow(RangeError);
  });
});
