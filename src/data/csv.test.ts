// CSV/TSV: header or not, label column by name/index/last, class names, quotes, BOM, CRLF, TSV, and
// the strict rules (field counts, numbers, UTF-8), each failure naming file and row.
import { describe, expect, it } from 'vitest';
import { parseTable } from './csv';
import { isStrictDecimal, strictNumber } from './strict-number';
import { tablesToDataset } from './table-dataset';
import { enc } from './fixtures/make';

const table = (s: string, label?: string | number) => parseTable(enc(s), 'd.csv', label);
const load = (s: string, label?: string | number) => tablesToDataset([table(s, label)], { name: 'd', files: ['d.csv'] });

describe('strictNumber', () => {
  it('takes decimals only', () => {
    for (const ok of ['0', '-1.5', '+2', '.5', '5.', '1e3', '-2.5E-3', ' 7 ']) expect(strictNumber(ok)).toBe(Number(ok));
    for (const bad of ['', ' ', '0x1F', '12px', 'NaN', 'Infinity', '-inf', '1,5', '1e', '--1', '1e999', '0b1', '١', '.', '+', '1e+', '.e1']) expect(strictNumber(bad)).toBeNull();
  });

  it('#15.3 scans in linear time: each character of a 200,000-digit cell is read at most twice', () => {
    // The old regex (\d+\.?\d*) backtracked over every split of the digits: 100,000 digits took 10 s.
    // Work, not time: a counting view of the text records every character read.
    const digits = '1'.repeat(200_000);
    for (const text of [`${digits}x`, `${digits}.5e`, `-${digits}.${digits}e+${digits}!`]) {
      let reads = 0;
      const counted = new Proxy(Object(text) as object, {
        get: (t, k) => {
          if (typeof k === 'string' && /^\d+$/.test(k)) reads++;
          if (k === 'charCodeAt') return (i: number) => (reads++, text.charCodeAt(i));
          return k === 'length' ? text.length : Reflect.get(t, k);
        },
      }) as unknown as string;
      expect(isStrictDecimal(counted)).toBe(false);
      expect(reads).toBeLessThanOrEqual(2 * text.length);
    }
    expect(strictNumber(`${digits}x`)).toBeNull();
    expect(strictNumber(digits)).toBeNull(); // 1e200000 is not finite
    expect(strictNumber(`0.${digits}`)).toBeCloseTo(0.111111, 6);
  });
});

describe('parseTable', () => {
  it('reads a header, picks the label column by name anywhere, keeps feature order', () => {
    const t = table('a,label,b\n1,0,2\n3,1,4\n');
    expect(t.header).toEqual(['a', 'label', 'b']);
    expect(t.labelColumn).toBe(1);
    expect(Array.from(t.x)).toEqual([1, 2, 3, 4]);
    expect(t.labels).toEqual(['0', '1']);
  });

  it('reads a file without header, label last', () => {
    const t = table('1,2,0\n3,4,1');
    expect([t.header, t.rows, t.labelColumn]).toEqual([undefined, 2, 2]);
  });

  it('handles BOM, CRLF, quoted fields with commas, quotes and line breaks, blank lines', () => {
    const t = table('\uFEFFx,"y, in cm",class\r\n1,2,"setosa"\r\n\r\n"3",4,"vir""ginica"\r\n5,6,"multi\r\nline"\r\n');
    expect(t.header).toEqual(['x', 'y, in cm', 'class']);
    expect(t.labels).toEqual(['setosa', 'vir"ginica', 'multi\nline']);
    expect(Array.from(t.x)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads TSV and semicolon files', () => {
    expect(table('f1\tf2\ty\n1\t2\t0\n3\t4\t1\n').delimiter).toBe('\t');
    expect(Array.from(table('f1;f2;y\n1;2;0\n3;4;1\n').x)).toEqual([1, 2, 3, 4]);
  });

  it('takes a label column by name or 0-based index when asked', () => {
    expect(table('a,b,c\n1,2,3\n4,5,6\n', 'a').labels).toEqual(['1', '4']);
    expect(table('1,2,3\n4,5,6\n', 0).labels).toEqual(['1', '4']);
    expect(() => table('a,b\n1,2\n', 'z')).toThrow(/d.csv, row 1: no column named "z" \(columns: a, b\)/);
    expect(() => table('1,2\n3,4\n', 'z')).toThrow(/the file has no header row/);
    expect(() => table('1,2\n3,4\n', 5)).toThrow(/label column 5 is not one of the 2 columns/);
  });

  it('refuses ragged rows, naming the row', () => {
    expect(() => table('a,b,y\n1,2,0\n3,0\n')).toThrow(/d.csv, row 3: has 2 fields, expected 3/);
    expect(() => table('1,2,0\n3,4,5,0\n')).toThrow(/d.csv, row 2: has 4 fields, expected 3/);
  });

  it.each([
    ['""', '""'],
    ['0x1F', '"0x1F"'],
    ['12px', '"12px"'],
    ['NaN', '"NaN"'],
    ['Infinity', '"Infinity"'],
    ['1e999', '"1e999"'],
  ])('refuses the feature cell %s with file, row and column', (cell, shown) => {
    expect(() => table(`a,b,y\n1,2,0\n3,${cell},1\n`)).toThrow(`d.csv, row 3: column "b" (2): ${shown} is not a number`);
  });

  it('reports a bad cell in the first row instead of taking the row for a header', () => {
    expect(() => table('1,2,12px,4,0\n5,6,7,8,1\n')).toThrow(/d.csv, row 1: column 3: "12px" is not a number/);
  });

  it('refuses an empty label, invalid UTF-8 (with its byte offset), unterminated quotes, one column, no data', () => {
    expect(() => table('a,y\n1,\n')).toThrow(/row 2: column "y" \(2\): the label is empty/);
    const bad = Uint8Array.from([...enc('a,y\n1,'), 0xc3, 0x28, ...enc('\n')]);
    expect(() => parseTable(bad, 'u.csv')).toThrow(/u.csv, byte offset 6: is not valid UTF-8 text/);
    expect(() => table('a,y\n1,"open\n2,0\n')).toThrow(/d.csv, row 2: quoted field unterminated/);
    expect(() => table('a\n1\n2\n')).toThrow(/found 1 column/);
    expect(() => table('a,label\n')).toThrow(/holds a header row and no data rows/);
    expect(() => table('\n\n')).toThrow(/holds no rows/);
  });
});

describe('parseTable: hostile cells (#15)', () => {
  it('#15.3 refuses a cell longer than 1,000 characters, naming row and column', () => {
    expect(() => table(`a,b,y\n1,2,0\n3,${'9'.repeat(100_000)},1\n`)).toThrow('d.csv, row 3: column "b" (2): a cell of 100,000 characters; cells may hold at most 1,000');
    expect(() => table(`a,b,y\n1,2,0\n3,4,${'x'.repeat(1001)}\n`)).toThrow(/row 3: column "y" \(3\): a cell of 1,001 characters/);
  });

  it('#15.6 reports a value beyond float32 with the file row and column, not the split example', () => {
    // 1e39 is a finite double but Infinity as float32: it used to surface as "train example 4, feature 0 is Infinity".
    const rows = ['f,g,y', ...Array.from({ length: 6 }, (_, i) => `${i},1,${i % 2}`), '-1e39,1,0'];
    expect(() => table(rows.join('\n'))).toThrow('d.csv, row 8: column "f" (1): -1e39 is beyond float32\'s range (±3.4e38)');
    expect(Array.from(table('f,y\n3.4e38,0\n1e-50,1\n').x)).toEqual([Math.fround(3.4e38), 0]);
  });

  it('#15.6 refuses control characters in a label (a NUL made a class "0\\u0000")', () => {
    const filler = Array.from({ length: 300 }, (_, i) => `${i},${i % 2}`).join('\n');
    expect(() => table(`f,y\n${filler}\n7,0\u0000\n`)).toThrow('d.csv, row 302: column "y" (2): the label "0\\u0000" holds a control character (U+0000); labels are printable text');
    expect(() => table('f,y\n1,a\u001bb\n2,c\n')).toThrow(/row 2: .*control character \(U\+001B\)/);
    expect(table('f,y\n1,caf\u00e9\n2,\u732b\n').labels).toEqual(['caf\u00e9', '\u732b']);
  });
});

describe('tablesToDataset', () => {
  it('maps class names to sorted indices and standardises with train statistics', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${i % 3 === 0 ? 'cat' : 'dog'},${2 * i}`).join('\n');
    const ds = load(`x,species,z\n${rows}\n`);
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect(ds.shape).toEqual([2]);
    expect(ds.train.count + ds.val.count).toBe(40);
    expect(ds.val.count).toBe(4);
    expect(ds.splitNote).toMatch(/seeded \(seed 0\), stratified 90\/10/);
    expect(ds.source.format).toBe('csv');
    if (ds.normalization.kind !== 'standardize') throw new Error('expected standardize');
    // Mean and population std of the train split's first feature, computed here independently.
    const f0 = Array.from({ length: ds.train.count }, (_, i) => ds.train.x[2 * i]);
    const mean = f0.reduce((a, b) => a + b) / f0.length;
    const std = Math.sqrt(f0.reduce((a, b) => a + (b - mean) ** 2, 0) / f0.length);
    expect(ds.normalization.mean[0]).toBeCloseTo(mean, 4);
    expect(ds.normalization.std[0]).toBeCloseTo(std, 4);
  });

  it('#15.4 integer labels keep their ids, and only the labels that occur are classes', () => {
    const ds = load('1,2,0\n3,4,2\n5,6,2\n7,8,0\n1,1,0\n2,2,2\n3,3,0\n4,4,2\n5,5,0\n6,6,2\n');
    expect([ds.classNames, ds.classIds]).toEqual([['0', '2'], [0, 2]]);
    expect(new Set([...ds.train.y, ...ds.val.y])).toEqual(new Set([0, 1]));
    // One label of 65535 used to make 65,536 classes, 65,534 of them empty.
    const big = load(Array.from({ length: 20 }, (_, i) => `${i},${i % 2 ? 65535 : 7}`).join('\n'));
    expect([big.classNames, big.classIds]).toEqual([['7', '65535'], [7, 65535]]);
  });

  it('#15.4 refuses more than 1,000 classes unless maxClasses allows them', () => {
    const rows = Array.from({ length: 4000 }, (_, i) => `${i},c${i % 2000}`).join('\n');
    const t = parseTable(enc(`f,y\n${rows}\n`), 'many.csv');
    expect(() => tablesToDataset([t], { name: 'm', files: ['many.csv'] })).toThrow(
      'many.csv: found 2,000 classes, more than 1,000: check the label column, or raise the limit (maxClasses; --max-classes N on the command line)',
    );
    expect(tablesToDataset([t], { name: 'm', files: ['many.csv'], maxClasses: 2000 }).classNames.length).toBe(2000);
  });

  it('takes two files as train (the larger) and validation', () => {
    const a = parseTable(enc('f,y\n1,a\n2,b\n3,a\n4,b\n'), 'train.csv');
    const b = parseTable(enc('f,y\n5,b\n6,a\n'), 'test.csv');
    const ds = tablesToDataset([b, a], { name: 'x', files: ['test.csv', 'train.csv'] });
    expect([ds.train.count, ds.val.count]).toEqual([4, 2]);
    expect(ds.classNames).toEqual(['a', 'b']);
    expect(ds.splitNote).toMatch(/test.csv, the smaller file/);
    const c = parseTable(enc('g,y\n5,b\n'), 'other.csv');
    expect(() => tablesToDataset([a, c], { name: 'x', files: [] })).toThrow(/other.csv, row 1: its header differs from train.csv's/);
  });

  it('#15.4 refuses a class that only the validation file has, naming it', () => {
    const a = parseTable(enc('f,y\n1,a\n2,b\n3,a\n4,b\n'), 'train.csv');
    const b = parseTable(enc('f,y\n5,b\n6,c\n'), 'test.csv');
    expect(() => tablesToDataset([b, a], { name: 'x', files: ['test.csv', 'train.csv'] })).toThrow(
      'test.csv + train.csv: class "c" (1 in test.csv, the smaller file) has no training example: every class needs at least one',
    );
  });

  it('refuses a single class', () => {
    expect(() => load('f,y\n1,a\n2,a\n3,a\n')).toThrow(/found 1 class; a classifier needs at least 2/);
  });
});
