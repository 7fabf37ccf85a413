// Hostile images in image-folder zips (#15 items 1, 2, 6, 7), each built here as a real file: entries that
// go on past their image's end, image data that inflates far past what the header implies, images whose
// decoded size passes the byte budget, headers that claim more than the file can hold, damaged files
// whose decoders' words must not leak, and archives of mixed sizes. Work is bounded through the load's
// byte budget (bytes inflated ≤ what the headers declare + one chunk), never through the clock.
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ByteBudget } from './budget';
import { concatBytes, jpeg, png, pngChunk, rawPng, zip } from './fixtures/make';
import { MAX_CHUNK } from './inflate';
import { readImageHeader, type ImageHeader } from './image-header';
import { checkPng } from './png-check';
import { loadFiles, type LoadOptions } from './load-files';

const grey = (v: number, w = 8, h = 8) => png(w, h, 1, (x, y) => (v + 3 * x + 5 * y) % 256);
const base = () => Object.fromEntries(['a', 'b'].flatMap((c, k) => [0, 1, 2, 3].map((i) => [`${c}/${i}.png`, grey(40 * k + i)])));
const load = (files: Record<string, Uint8Array>, o: LoadOptions = {}) => loadFiles([{ name: 'pets.zip', bytes: zip(files) }], o);
const leaks = /Unsupported filter|outside the bounds|Error while decompressing|invalid block|unexpected EOF|marker was not found|SOI not found|RangeError|TypeError/;

describe('image entries are inflated only as far as the image goes (#15.1)', () => {
  it('an 8×8 PNG followed by 24 MiB of zeros is skipped, naming it, after inflating little more than the PNG', async () => {
    const tail = concatBytes([grey(9), new Uint8Array(24 * 1024 * 1024)]);
    const budget = new ByteBudget();
    const ds = await load({ ...base(), 'a/tail.png': tail }, { budget });
    expect(ds.train.count + ds.val.count).toBe(8);
    expect(ds.warnings).toEqual([expect.stringMatching(/^1 image was skipped: a\/tail.png \(continues 25,165,824 bytes \(24.0 MiB\) past the IEND chunk that ends its PNG; skipped without inflating the rest\)$/)]);
    // Before: all 64 MiB inflated (6 s and 592 MiB at 400 MiB). Now: the other images, the PNG, one chunk (24 MiB here).
    expect(budget.used).toBeLessThan(64 * 1024 + MAX_CHUNK);
  });

  it('a JPEG followed by junk is skipped the same way (after its EOI)', async () => {
    const files = { ...base(), 'b/tail.jpg': concatBytes([jpeg(8, 8, () => 90), new Uint8Array(20 * 1024 * 1024)]) };
    const budget = new ByteBudget();
    const ds = await load(files, { budget });
    expect(ds.warnings![0]).toMatch(/b\/tail.jpg \(continues 20,971,520 bytes \(20.0 MiB\) past the end marker \(EOI\) that ends its JPEG; skipped/);
    expect(budget.used).toBeLessThan(64 * 1024 + MAX_CHUNK);
  });

  it('an 8×8 PNG whose image data inflates to 64 MiB is skipped, after one chunk past the 72 bytes it needs', async () => {
    const bomb = rawPng(8, 8, 8, 0, new Uint8Array(64 * 1024 * 1024));
    const header = readImageHeader(bomb)!;
    const work = new ByteBudget();
    expect(() => checkPng(bomb, header, work)).toThrow(/^its image data inflates past the 72 bytes an image of 8×8 needs \(rows × \(1 \+ row bytes\)\) \(a decompression bomb\); stopped there$/);
    expect(work.used).toBeLessThanOrEqual(72 + MAX_CHUNK);
    const ds = await load({ ...base(), 'b/bomb.png': bomb });
    expect(ds.warnings![0]).toMatch(/b\/bomb.png \(its image data inflates past the 72 bytes/);
  });
});

describe('image budgets in bytes, not only pixels (#15.2)', () => {
  it('skips an all-zero 4096×4096 16-bit RGBA PNG (a ~1 KB zip entry, 128 MiB decoded) from its header', async () => {
    const rows = 4096 * (1 + 4096 * 8);
    const huge = rawPng(4096, 4096, 16, 6, new Uint8Array(rows), { level: 9 });
    const zipped = zipSync({ ...Object.fromEntries(Object.entries(base()).map(([k, v]) => [k, [v, { level: 6 }]])), 'a/huge.png': [huge, { level: 9 }] });
    expect(zipped.length).toBeLessThan(16 * 1024);
    const budget = new ByteBudget();
    const ds = await loadFiles([{ name: 'pets.zip', bytes: zipped }], { budget });
    expect(ds.warnings).toEqual([
      '1 image was skipped: a/huge.png (4096×4096 at 16 bits a sample decodes to 134,217,728 bytes (128.0 MiB), past the 67,108,864 bytes (64.0 MiB) budget for one image)',
    ]);
    // Only the header was inflated, never the image (was: 14 s and 1.7 GB, and accepted).
    expect(budget.used).toBeLessThan(64 * 1024 + MAX_CHUNK);
  });

  it('refuses an archive whose images decode past the per-archive budget, before decoding any', async () => {
    await expect(load(base(), { maxDecodedBytes: 500 })).rejects.toThrow(
      'pets.zip: its 8 images decode to 512 bytes in all (by their headers), past the 500 bytes one archive may decode: shrink the images before zipping them, or raise maxDecodedBytes',
    );
    const ds = await load({ ...base(), 'a/rgb.png': png(8, 8, 3, () => 1) }, { maxImageBytes: 100 });
    expect(ds.warnings![0]).toContain('a/rgb.png (8×8 decodes to 192 bytes, past the 100 bytes budget for one image)');
  });

  it('refuses, from the header, a JPEG whose frame claims 4096×4096 in an 8×8 file', async () => {
    const lie = jpeg(8, 8, () => 120).slice();
    const sof = lie.findIndex((b, i) => b === 0xff && lie[i + 1] === 0xc0);
    new DataView(lie.buffer).setUint16(sof + 5, 4096);
    new DataView(lie.buffer).setUint16(sof + 7, 4096);
    const header = readImageHeader(lie) as ImageHeader;
    expect([header.width, header.height]).toEqual([4096, 4096]);
    const ds = await load({ ...base(), 'b/lie.jpg': lie });
    expect(ds.warnings![0]).toMatch(new RegExp(`b/lie.jpg \\(its header claims 4096×4096 pixels, which need at least 32,768 bytes of JPEG data; the file holds ${lie.length} bytes\\)`));
  });
});

describe('damaged images are described, not the decoder quoted (#15.6)', () => {
  it('a bad filter byte, a truncated chunk, image data that is not zlib, a bad CRC, a truncated JPEG', async () => {
    const raw = new Uint8Array(8 * 9);
    raw[9] = 7; // row 2's filter type
    const badFilter = rawPng(8, 8, 8, 0, raw);
    const g = grey(3);
    const truncated = g.subarray(0, g.length - 30);
    const notZlib = concatBytes([g.subarray(0, 33), pngChunk('IDAT', Uint8Array.from([1, 2, 3, 4, 5, 6])), pngChunk('IEND', new Uint8Array(0))]);
    const badCrc = g.slice();
    badCrc[30] ^= 1;
    const j = jpeg(8, 8, () => 50);
    const files = { ...base(), 'a/f.png': badFilter, 'a/t.png': truncated, 'b/z.png': notZlib, 'b/c.png': badCrc, 'b/t.jpg': j.subarray(0, j.length - 40) };
    const ds = await load(files);
    const w = ds.warnings![0];
    expect(w).toMatch(/^5 images were skipped: /);
    expect(w).toContain('a/f.png (row 2 has filter type 7 (PNG defines 0–4): the image data is damaged)');
    expect(w).toContain('a/t.png (the PNG ends before its IEND chunk: truncated)');
    expect(w).toContain('b/c.png (chunk "IHDR" fails its CRC check (damaged))');
    expect(w).toMatch(/b\/z.png \(its image data does not inflate: corrupt deflate data \(/);
    expect(w).toContain('b/t.jpg (the JPEG ends before its end marker (EOI): truncated)');
    expect(w).not.toMatch(leaks);
  });
});

describe('images of mixed sizes (#15.7)', () => {
  it('are resized with a warning that counts each size', async () => {
    const ds = await load({ ...base(), 'a/wide.png': grey(1, 16, 12), 'b/wide.png': grey(2, 16, 12), 'b/small.png': grey(3, 5, 5) });
    expect(ds.shape).toEqual([1, 8, 8]);
    expect(ds.warnings).toEqual(['images come in 3 sizes (width×height: 8×8: 8, 16×12: 2, 5×5: 1); all are resized to 8×8']);
    expect((await load(base())).warnings).toBeUndefined();
  });
});
