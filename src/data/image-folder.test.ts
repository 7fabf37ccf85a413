// Image-folder zips through loadFiles: class folders, split folders, sizes, grey/RGB, and every bad
// image skipped and counted (undecodable, over the pixel budget, WebP without a decoder).
import { describe, expect, it } from 'vitest';
import { loadFiles } from './load-files';
import { enc, jpeg, png, streamedZip, zip } from './fixtures/make';

const grey = (v: number, w = 8, h = 8) => png(w, h, 1, (x, y) => (v + x + y) % 256);
const cls = (prefix: string, names: string[], n: number, make = grey) =>
  Object.fromEntries(names.flatMap((c, k) => Array.from({ length: n }, (_, i) => [`${prefix}${c}/${i}.png`, make(40 * k + i)])));
const load = (files: Record<string, Uint8Array>, o = {}) => loadFiles([{ name: 'pets.zip', bytes: zip(files) }], o);

describe('image-folder zip', () => {
  it('reads <class>/<image> under a wrapper folder, 90/10 split, greyscale bytes', async () => {
    const ds = await load(cls('pets/', ['cat', 'dog'], 10));
    expect(ds.name).toBe('pets');
    expect(ds.source.format).toBe('image-zip');
    expect(ds.shape).toEqual([1, 8, 8]);
    expect(ds.classNames).toEqual(['cat', 'dog']);
    expect([ds.train.count, ds.val.count]).toEqual([18, 2]);
    expect(ds.train.x).toBeInstanceOf(Uint8Array);
    expect(ds.normalization).toEqual({ kind: 'scale', scale: 1 / 255 });
    expect(ds.warnings).toBeUndefined();
  });

  it('takes the split from train/ and val/ folders; beside them test/ is the test split', async () => {
    const files = { ...cls('train/', ['a', 'b'], 3), ...cls('val/', ['a', 'b'], 2), ...cls('test/', ['a', 'b'], 1) };
    const ds = await load(files);
    expect([ds.train.count, ds.val.count, ds.test?.count]).toEqual([6, 4, 2]);
    expect(Array.from(ds.test!.y)).toEqual([0, 1]);
    expect(ds.splitNote).toMatch(/the val\/ folder.*Test split: the test\/ folder \(2 examples\), evaluated once at the end/);
    expect(ds.warnings).toBeUndefined();
    // train/ and test/ alone: test/ is the validation split, as before.
    const t = await load({ ...cls('train/', ['a', 'b'], 3), ...cls('test/', ['a', 'b'], 2) });
    expect(t.val.count).toBe(4);
    expect(t.test).toBeUndefined();
  });

  it('resizes to the most common size, or the requested one', async () => {
    const files = { ...cls('', ['a', 'b'], 3), 'a/big.png': grey(1, 16, 12) };
    expect((await load(files)).shape).toEqual([1, 8, 8]);
    const ds = await load(files, { imageSize: [4, 6] });
    expect(ds.shape).toEqual([1, 4, 6]);
    expect(ds.train.x.length + ds.val.x.length).toBe(7 * 24);
  });

  it('keeps colour as (C, H, W) planes, collapses grey-content RGB unless RGB is asked for', async () => {
    const red = () => png(2, 2, 3, (_x, _y, c) => (c === 0 ? 200 : 10));
    const files = { 'r/0.png': red(), 'r/1.png': red(), 'g/0.png': grey(5, 2, 2), 'g/1.png': grey(6, 2, 2) };
    const ds = await load(files, { seed: 3 });
    expect(ds.shape).toEqual([3, 2, 2]);
    const all = [...ds.train.x, ...ds.val.x];
    const ys = [...ds.train.y, ...ds.val.y];
    const k = ys.indexOf(ds.classNames.indexOf('r'));
    expect(all.slice(k * 12, k * 12 + 12)).toEqual([200, 200, 200, 200, 10, 10, 10, 10, 10, 10, 10, 10]);
    const greyRgb = () => png(2, 2, 3, (x) => 50 * x);
    const g = { 'a/0.png': greyRgb(), 'a/1.png': greyRgb(), 'b/0.png': greyRgb(), 'b/1.png': greyRgb() };
    expect((await load(g)).shape).toEqual([1, 2, 2]);
    expect((await load(g, { channels: 'rgb' })).shape).toEqual([3, 2, 2]);
    expect((await load(files, { channels: 'grey' })).shape).toEqual([1, 2, 2]);
  });

  it('reads JPEGs and data-descriptor (streamed) zips', async () => {
    const files = Object.fromEntries(
      ['x', 'y'].flatMap((c, k) => [0, 1, 2].map((i) => [`${c}/${i}.jpg`, jpeg(8, 8, (_a, _b, ch) => (ch === k ? 250 : 5))])),
    );
    const ds = await loadFiles([{ name: 'j.zip', bytes: streamedZip(files) }]);
    expect(ds.shape).toEqual([3, 8, 8]);
    expect(ds.train.count + ds.val.count).toBe(6);
  });

  it('skips and counts undecodable images, images over the pixel budget, and WebP without a decoder', async () => {
    const corrupt = grey(3).slice();
    corrupt[corrupt.length - 20] ^= 0xff;
    const huge = png(1, 1, 1, () => 0).slice();
    new DataView(huge.buffer).setUint32(16, 100_000);
    new DataView(huge.buffer).setUint32(20, 100_000);
    const webp = new Uint8Array(30);
    webp.set(enc('RIFF\0\0\0\0WEBPVP8L'));
    webp[20] = 0x2f;
    const files = { ...cls('', ['a', 'b'], 5), 'a/corrupt.png': corrupt, 'b/huge.png': huge, 'b/w.webp': webp, 'big/x.png': grey(0, 64, 64) };
    const ds = await load({ ...files, 'README.txt': enc('hi'), '__MACOSX/a/._0.png': enc('junk'), 'a/.DS_Store': enc('x') }, { maxImagePixels: 1000 });
    expect(ds.train.count + ds.val.count).toBe(10);
    expect(ds.classNames).toEqual(['a', 'b']);
    expect(ds.warnings).toHaveLength(2);
    expect(ds.warnings![0]).toMatch(/^4 images were skipped: /);
    expect(ds.warnings![0]).toMatch(/a\/corrupt.png \(/);
    expect(ds.warnings![0]).toMatch(/b\/huge.png \(100000×100000 is outside the 1,000-pixel budget\)/);
    expect(ds.warnings![0]).toMatch(/big\/x.png \(64×64 is outside the 1,000-pixel budget\)/);
    expect(ds.warnings![0]).toMatch(/b\/w.webp \(WEBP needs the browser's image decoder/);
    expect(ds.warnings![1]).toBe('1 file is not an image and was ignored: README.txt');
  });

  it('skips images outside any class folder', async () => {
    const ds = await load({ ...cls('', ['a', 'b'], 5), 'loose.png': grey(1) });
    expect(ds.warnings).toEqual(['1 image was skipped: loose.png (not inside a class folder)']);
  });

  it('refuses archives with no images, no class folders, one class, or nothing decodable', async () => {
    await expect(load({ 'a.txt': enc('x') })).rejects.toThrow(/pets.zip: holds no PNG or JPEG images/);
    await expect(load({ 'a.png': grey(1), 'b.png': grey(2) })).rejects.toThrow(/no image sits inside a class folder/);
    await expect(load(cls('', ['only'], 4))).rejects.toThrow(/found 1 class; a classifier needs at least 2/);
    const bad = grey(1).slice();
    bad[bad.length - 20] ^= 0xff;
    await expect(load({ 'a/0.png': bad, 'b/0.png': bad })).rejects.toThrow(/no image could be decoded \(2 skipped/);
  });

  it('#15.4 refuses a class folder only val/ has, and more than 1,000 class folders, from the names alone', async () => {
    const files = { ...cls('train/', ['a', 'b'], 3), ...cls('val/', ['a', 'b', 'c'], 1) };
    await expect(load(files)).rejects.toThrow('pets.zip: class "c" (1 in val/) has no training example: every class needs at least one');
    const tiny = png(1, 1, 1, () => 9);
    const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}/0.png`, tiny]));
    await expect(load(many)).rejects.toThrow(/pets.zip: found 1,001 classes, more than 1,000: check the label column, or raise the limit/);
  });

  it('holds the decoded images to the byte cap', async () => {
    await expect(load(cls('', ['a', 'b'], 20), { maxInflatedBytes: 1000 })).rejects.toThrow(/40 images of 1×8×8 declares 2,560 bytes, more than the 1,000-byte cap/);
  });

  it('reports progress', async () => {
    const seen: number[] = [];
    await load(cls('', ['a', 'b'], 3), { onProgress: (p: { bytesDone: number }) => seen.push(p.bytesDone) });
    expect(seen.length).toBe(6);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});
