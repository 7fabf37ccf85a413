// Zip: directory parsed strictly (zip-slip, overlaps, ZIP64, truncation), entries inflated with a
// counter and checked against their declared size and CRC.
import { describe, expect, it } from 'vitest';
import { ByteBudget } from './budget';
import { MAX_CHUNK } from './inflate';
import { enc, streamedZip, zip } from './fixtures/make';
import { entryPrefix, extractEntry, isZip, readZipDirectory } from './zip';

const files = { 'a/one.txt': enc('hello '.repeat(100)), 'b/two.bin': Uint8Array.from({ length: 3000 }, (_, i) => i % 251) };
const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const eocdOf = (b: Uint8Array) => b.length - 22;
const cdOf = (b: Uint8Array) => dv(b).getUint32(eocdOf(b) + 16, true);

describe('readZipDirectory + extractEntry', () => {
  it.each([
    ['deflated', zip(files)],
    ['stored', zip(files, 0)],
    ['streamed with data descriptors', streamedZip(files)],
  ])('reads a %s archive', (_, bytes) => {
    expect(isZip(bytes)).toBe(true);
    const entries = readZipDirectory(bytes, 'z.zip');
    expect(entries.map((e) => e.name)).toEqual(['a/one.txt', 'b/two.bin']);
    for (const e of entries) expect(extractEntry(bytes, e, 'z.zip', new ByteBudget())).toEqual(files[e.name as keyof typeof files]);
    expect(entryPrefix(bytes, entries[1], 'z.zip', 10).subarray(0, 10)).toEqual(files['b/two.bin'].subarray(0, 10));
  });

  it('reads a ZIP64 end record (as archives with more than 65,535 entries have)', () => {
    const z = zip(files);
    const eocd = eocdOf(z);
    const v = dv(z);
    const count = v.getUint16(eocd + 10, true);
    const cdSize = v.getUint32(eocd + 12, true);
    const cdOffset = v.getUint32(eocd + 16, true);
    const rec = new DataView(new ArrayBuffer(56 + 20 + 22));
    rec.setUint32(0, 0x06064b50, true);
    rec.setBigUint64(4, 44n, true);
    rec.setBigUint64(24, BigInt(count), true);
    rec.setBigUint64(32, BigInt(count), true);
    rec.setBigUint64(40, BigInt(cdSize), true);
    rec.setBigUint64(48, BigInt(cdOffset), true);
    rec.setUint32(56, 0x07064b50, true);
    rec.setBigUint64(56 + 8, BigInt(eocd), true);
    rec.setUint32(56 + 16, 1, true);
    rec.setUint32(76, 0x06054b50, true);
    rec.setUint16(76 + 8, 0xffff, true);
    rec.setUint16(76 + 10, 0xffff, true);
    rec.setUint32(76 + 12, 0xffffffff, true);
    rec.setUint32(76 + 16, 0xffffffff, true);
    const z64 = new Uint8Array(eocd + 98);
    z64.set(z.subarray(0, eocd));
    z64.set(new Uint8Array(rec.buffer), eocd);
    expect(readZipDirectory(z64, 'z64.zip').map((e) => e.name)).toEqual(['a/one.txt', 'b/two.bin']);
  });

  it('refuses a truncated archive', () => {
    const z = zip(files);
    expect(() => readZipDirectory(z.subarray(0, z.length - 30), 't.zip')).toThrow(/t.zip, byte offset \d+: a zip file whose central directory is missing/);
  });

  it.each([
    ['../evil.txt', /entry "..\/evil.txt" has an unsafe path/],
    ['a/../../evil.txt', /unsafe path/],
    ['/etc/passwd', /entry "\/etc\/passwd" has an unsafe path/],
    ['\\windows\\x.txt', /unsafe path/],
    ['C:/x.txt', /unsafe path/],
  ])('refuses the zip-slip name %s', (name, msg) => {
    expect(() => readZipDirectory(zip({ [name]: enc('x') }), 'slip.zip')).toThrow(msg);
  });

  it('refuses overlapping entries (the classic zip-bomb construction)', () => {
    const z = zip(files, 0).slice();
    const v = dv(z);
    const cd = cdOf(z);
    // Stretch entry 1's compressed and uncompressed sizes over entry 2's local header.
    v.setUint32(cd + 20, v.getUint32(cd + 20, true) + 40, true);
    v.setUint32(cd + 24, v.getUint32(cd + 24, true) + 40, true);
    expect(() => readZipDirectory(z, 'ov.zip')).toThrow(/entries "a\/one.txt" and "b\/two.bin" overlap/);
  });

  it('refuses a bad CRC', () => {
    const z = zip(files, 0).slice();
    const e = readZipDirectory(z, 'c.zip')[1];
    z[e.dataOffset + 5] ^= 0xff;
    expect(() => extractEntry(z, e, 'c.zip', new ByteBudget())).toThrow(/c.zip:b\/two.bin: CRC-32 mismatch/);
  });

  it('refuses corrupt deflate data inside an entry', () => {
    const z = zip(files).slice();
    const e = readZipDirectory(z, 'd.zip')[1];
    z[e.dataOffset] = 0xff; // block type 3 (reserved)
    expect(() => extractEntry(z, e, 'd.zip', new ByteBudget())).toThrow(/^d.zip:b\/two.bin, byte offset \d+: corrupt deflate data \(a compressed block has the reserved type 3\)$/);
  });

  it('#15.1 refuses an entry declaring more than 100:1 from the directory alone, before inflating a byte', () => {
    const big = new Uint8Array(40 * 1024 * 1024);
    const z = zip({ 'x.npy': big });
    const e = readZipDirectory(z, 'b.npz')[0];
    const budget = new ByteBudget();
    expect(() => extractEntry(z, e, 'b.npz', budget)).toThrow(/^b.npz:x.npy, byte offset 0: declares 41,943,040 bytes \(40.0 MiB\) from [\d,]+ bytes of compressed data, more than 100:1: a decompression bomb/);
    expect(budget.used).toBe(0);
    // Lying about the size does not help: a small claim stops at the claim, plus one chunk.
    dv(z).setUint32(cdOf(z) + 24, 1000, true);
    const small = new ByteBudget();
    expect(() => extractEntry(z, readZipDirectory(z, 'b.npz')[0], 'b.npz', small)).toThrow(/decompresses past the 1,000 bytes that the zip directory declares/);
    expect(small.used).toBeLessThanOrEqual(1000 + MAX_CHUNK);
  });

  it('refuses an entry that inflates past its declared size, and one that falls short', () => {
    const z = zip(files).slice();
    const v = dv(z);
    const cd = cdOf(z);
    v.setUint32(cd + 24, 100, true);
    expect(() => extractEntry(z, readZipDirectory(z, 'lie.zip')[0], 'lie.zip', new ByteBudget())).toThrow(/lie.zip:a\/one.txt, byte offset \d+: decompresses past the 100 bytes that the zip directory declares for this entry/);
    v.setUint32(cd + 24, 5000, true);
    expect(() => extractEntry(z, readZipDirectory(z, 'lie.zip')[0], 'lie.zip', new ByteBudget())).toThrow(/inflated to 600 bytes, but the directory declares 5,000 bytes/);
  });

  it('refuses a declared size over the cap before inflating, and counts real bytes against it', () => {
    const big = zip({ 'zeros.bin': new Uint8Array(4 * 1024 * 1024) });
    const e = readZipDirectory(big, 'b.zip')[0];
    expect(() => extractEntry(big, e, 'b.zip', new ByteBudget(1024 * 1024))).toThrow(/this entry declares 4,194,304 bytes \(4.0 MiB\), more than the 1 MiB cap/);
    const budget = new ByteBudget(6 * 1024 * 1024);
    extractEntry(big, e, 'b.zip', budget);
    expect(() => extractEntry(big, e, 'b.zip', budget)).toThrow(/cap/);
  });

  it('refuses encrypted entries, unknown methods, names that differ from the local header', () => {
    const z = zip(files, 0);
    const cd = cdOf(z);
    const enc1 = z.slice();
    dv(enc1).setUint16(cd + 8, 1, true);
    expect(() => readZipDirectory(enc1, 'e.zip')).toThrow(/entry "a\/one.txt" is encrypted/);
    const m = z.slice();
    dv(m).setUint16(cd + 10, 14, true);
    const e = readZipDirectory(m, 'm.zip')[0];
    expect(() => extractEntry(m, e, 'm.zip', new ByteBudget())).toThrow(/compression method 14 is not supported/);
    const n = z.slice();
    n[30] = 'x'.charCodeAt(0);
    expect(() => readZipDirectory(n, 'n.zip')).toThrow(/the local header names a different file/);
  });

  it('refuses a directory that points past the file', () => {
    const z = zip(files).slice();
    dv(z).setUint32(eocdOf(z) + 16, z.length, true);
    expect(() => readZipDirectory(z, 'p.zip')).toThrow(/central directory claims bytes/);
  });
});
