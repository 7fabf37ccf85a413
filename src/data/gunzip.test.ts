// gzip: streamed with a byte cap, every member's CRC-32 and size verified; truncation, junk and bombs fail.
import { describe, expect, it } from 'vitest';
import { ByteBudget } from './budget';
import { crc32 } from './crc32';
import { gunzip, isGzip } from './gunzip';
import { enc, gzip } from './fixtures/make';

const text = enc('0123456789abcdef'.repeat(5000));
const cat = (...xs: Uint8Array[]) => Uint8Array.from(xs.flatMap((x) => Array.from(x)));

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(enc('123456789'))).toBe(0xcbf43926);
  });
});

describe('gunzip', () => {
  it('inflates one member and reports progress', () => {
    const seen: number[] = [];
    const out = gunzip(gzip(text), 'a.gz', new ByteBudget(), (d) => seen.push(d));
    expect(out).toEqual(text);
    expect(seen.length).toBeGreaterThan(0);
    expect(isGzip(gzip(text))).toBe(true);
  });

  it('inflates concatenated members (as `cat a.gz b.gz` makes)', () => {
    const out = gunzip(cat(gzip(enc('first,')), gzip(enc('second'))), 'two.gz', new ByteBudget());
    expect(new TextDecoder().decode(out)).toBe('first,second');
  });

  it('refuses a truncated file: inside the deflate data, inside the trailer, header only', () => {
    const g = gzip(text);
    expect(() => gunzip(g.subarray(0, g.length - 40), 't.gz', new ByteBudget())).toThrow(/t.gz, byte offset \d+: the gzip data ends early \(truncated file\)/);
    expect(() => gunzip(g.subarray(0, g.length - 3), 't.gz', new ByteBudget())).toThrow(/gzip trailer check failed/);
    expect(() => gunzip(g.subarray(0, 12), 't.gz', new ByteBudget())).toThrow(/truncated gzip: 12 bytes/);
  });

  it('refuses a bad CRC and a bad ISIZE, naming the trailer offset', () => {
    const g = gzip(text);
    const badCrc = g.slice();
    badCrc[g.length - 8] ^= 1;
    expect(() => gunzip(badCrc, 'c.gz', new ByteBudget())).toThrow(new RegExp(`c.gz, byte offset ${g.length - 8}: gzip trailer check failed: stored CRC-32`));
    const badSize = g.slice();
    badSize[g.length - 1] ^= 1;
    expect(() => gunzip(badSize, 'c.gz', new ByteBudget())).toThrow(/gzip trailer check failed/);
  });

  it('refuses bytes after the end of the gzip data (browsers do too)', () => {
    expect(() => gunzip(cat(gzip(text), new Uint8Array([7])), 'j.gz', new ByteBudget())).toThrow(/trailer check failed.*bytes after the end/);
    expect(() => gunzip(cat(gzip(text), new Uint8Array(12)), 'j.gz', new ByteBudget())).toThrow(/corrupt gzip data \(invalid gzip data\)/);
  });

  it('refuses corrupt deflate data', () => {
    const g = gzip(text);
    const bad = g.slice();
    bad[10] = 0xff; // block type 3 (reserved)
    expect(() => gunzip(bad, 'x.gz', new ByteBudget())).toThrow(/x.gz, byte offset \d+: corrupt gzip data \(invalid block type\)/);
  });

  it('stops a decompression bomb at the cap, long before its full size', () => {
    // 64 MiB of zeros deflates to ~64 KiB (≈1000:1); the cap is 1 MiB.
    const bomb = gzip(new Uint8Array(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    const budget = new ByteBudget(1024 * 1024);
    expect(() => gunzip(bomb, 'bomb.gz', budget)).toThrow(/bomb.gz: decompressed data passes the 1 MiB cap on decompressed bytes/);
    // It stopped within one input slice's worth of output past the cap.
    expect(budget.used).toBeLessThan(1024 * 1024 + 17 * 1024 * 1024);
  });

  it('does not allocate what a lying ISIZE claims (4 GiB in a 40-byte file)', () => {
    const g = gzip(enc('tiny')).slice();
    new DataView(g.buffer).setUint32(g.length - 4, 0xffffffff, true);
    expect(() => gunzip(g, 'lie.gz', new ByteBudget())).toThrow(/stored CRC-32 0x[0-9a-f]{8} and size 4294967295, the data gives 0x[0-9a-f]{8} and 4/);
  });

  it('refuses reserved header flags', () => {
    const g = gzip(text).slice();
    g[3] = 0x20;
    expect(() => gunzip(g, 'f.gz', new ByteBudget())).toThrow(/f.gz, byte offset 3: gzip header sets reserved flag bits/);
  });
});
