// gzip: streamed with a byte cap, every member's CRC-32 and size verified; truncation, junk and bombs fail.
import { describe, expect, it } from 'vitest';
import { ByteBudget } from './budget';
import { crc32 } from './crc32';
import { gunzip, isGzip } from './gunzip';
import { encodeIdx } from './idx';
import { MAX_CHUNK, RATIO_AFTER, RATIO_LIMIT } from './inflate';
import { gzipSync } from 'fflate';
import { npy } from './fixtures/make';
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
    expect(() => gunzip(cat(gzip(text), new Uint8Array(12)), 'j.gz', new ByteBudget())).toThrow(/corrupt gzip data \(the bytes after a gzip member are not another gzip member\)/);
  });

  it('refuses corrupt deflate data', () => {
    const g = gzip(text);
    const bad = g.slice();
    bad[10] = 0xff; // block type 3 (reserved)
    expect(() => gunzip(bad, 'x.gz', new ByteBudget())).toThrow(/x.gz, byte offset \d+: corrupt gzip data \(a compressed block has the reserved type 3\)$/);
  });

  it('stops a decompression bomb at the cap, long before its full size', () => {
    // 64 MiB of zeros deflates to ~64 KiB (≈1000:1); the cap is 1 MiB.
    const bomb = gzip(new Uint8Array(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    const budget = new ByteBudget(1024 * 1024);
    expect(() => gunzip(bomb, 'bomb.gz', budget)).toThrow(/bomb.gz: decompressed data passes the 1 MiB cap on decompressed bytes/);
    // It stopped within one chunk (one input slice's worth of output) past the cap.
    expect(budget.used).toBeLessThanOrEqual(1024 * 1024 + MAX_CHUNK);
  });

  it('#15.1 stops a bomb behind an IDX header at what the header declares (6 images), plus one chunk', () => {
    // 6 images of 28×28, then 64 MiB of zeros: refused at 5 s and 650 MiB before; now after ~5 KiB and at most one chunk.
    const header = encodeIdx('u8', [6, 28, 28], new Array(6 * 784).fill(7));
    const body = new Uint8Array(header.length + 64 * 1024 * 1024);
    body.set(header);
    const bomb = gzip(body);
    const budget = new ByteBudget();
    expect(() => gunzip(bomb, 'train-images-idx3-ubyte.gz', budget)).toThrow(
      /^train-images-idx3-ubyte.gz, byte offset \d+: decompresses past the 4,720 bytes that its IDX header declares \(6×28×28 of u8\) \(trailing data, or a decompression bomb\); stopped there$/,
    );
    expect(budget.used).toBeLessThanOrEqual(header.length + MAX_CHUNK);
  });

  it('#15.1 stops a bomb behind a .npy header at its declared shape, plus one chunk', () => {
    const header = npy('<f4', [10, 3], new Array(30).fill(1));
    const body = new Uint8Array(header.length + 32 * 1024 * 1024);
    body.set(header);
    const budget = new ByteBudget();
    expect(() => gunzip(gzip(body), 'x.npy.gz', budget)).toThrow(/x.npy.gz, byte offset \d+: decompresses past the 248 bytes that its .npy header declares \(shape \(10, 3\) of <f4\)/);
    expect(budget.used).toBeLessThanOrEqual(header.length + MAX_CHUNK);
  });

  it('#15.1 refuses a stream past 100:1 once 16 MiB are out, and keeps real data that compresses less', () => {
    const budget = new ByteBudget();
    const zeros = gzip(new Uint8Array(48 * 1024 * 1024));
    expect(() => gunzip(zeros, 'zeros.csv.gz', budget)).toThrow(/zeros.csv.gz, byte offset \d+: inflates more than 100:1 \([\d,]+ bytes \(\d+\.\d MiB\) from the first [\d,]+ bytes\): a decompression bomb/);
    expect(budget.used).toBeLessThanOrEqual(RATIO_AFTER + MAX_CHUNK);
    // 20 MiB of sparse bytes (~25:1, like a mostly-blank image set) inflate whole.
    const sparse = new Uint8Array(20 * 1024 * 1024);
    for (let i = 0, s = 1; i < sparse.length; i += 37) sparse[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
    const packed = gzipSync(sparse, { level: 1 });
    expect(sparse.length / packed.length).toBeGreaterThan(10);
    expect(sparse.length / packed.length).toBeLessThan(RATIO_LIMIT);
    expect(gunzip(packed, 'sparse.gz', new ByteBudget()).length).toBe(sparse.length);
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
