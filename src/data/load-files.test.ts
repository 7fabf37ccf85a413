// loadFiles end to end for IDX (plain and gzip, any dtype), .npy and .npz: sniffing by content, pairing
// by item count, splits, conversions, and the refusals that span files (counts, formats, caps).
import { describe, expect, it } from 'vitest';
import { encodeIdx } from './idx';
import { loadFiles, type InputFile } from './load-files';
import { ByteBudget } from './budget';
import { readZipDirectory } from './zip';
import { enc, fixture, gzip, npy, zip } from './fixtures/make';
import { datasetNpz } from '../io/pytorch/dataset-npz';
import { npzBytes, textArray } from '../io/pytorch/npz';

const images = (n: number, seed = 0) => encodeIdx('u8', [n, 3, 2], Array.from({ length: n * 6 }, (_, i) => (i * 7 + seed) % 256));
const labels = (n: number) => encodeIdx('u8', [n], Array.from({ length: n }, (_, i) => i % 3));
const f = (name: string, bytes: Uint8Array): InputFile => ({ name, bytes });

describe('loadFiles: IDX', () => {
  it('pairs two image/label pairs by count (larger = train), in any order, names meaningless', async () => {
    const ds = await loadFiles([f('q', labels(20)), f('p', images(20)), f('s', labels(30)), f('r', images(30, 1))]);
    expect([ds.train.count, ds.val.count]).toEqual([30, 20]);
    expect(ds.shape).toEqual([1, 3, 2]);
    expect(ds.classNames).toEqual(['0', '1', '2']);
    expect(ds.source.format).toBe('idx');
    expect(ds.splitNote).toMatch(/Validation split from the data: p, paired by item count/);
    expect(Array.from(ds.train.x.subarray(0, 3))).toEqual([1, 8, 15]);
  });

  it('reads .gz files, and splits one pair 90/10', async () => {
    const ds = await loadFiles([f('train-images-idx3-ubyte.gz', gzip(images(50))), f('train-labels-idx1-ubyte.gz', gzip(labels(50)))]);
    expect(ds.source.format).toBe('idx+gzip');
    expect(ds.name).toBe('train-images-idx3-ubyte');
    expect([ds.train.count, ds.val.count]).toEqual([45, 5]);
    expect(ds.splitNote).toMatch(/stratified 90\/10/);
  });

  it('uses names only to break count ties', async () => {
    const ds = await loadFiles([
      f('t10k-images', images(12, 5)),
      f('t10k-labels', encodeIdx('u8', [12], new Array(12).fill(0).map((_, i) => (i < 6 ? 0 : 1)))),
      f('train-images', images(12)),
      f('train-labels', labels(12)),
    ]);
    expect(ds.classNames).toEqual(['0', '1', '2']);
    expect(ds.train.x[0]).toBe(0);
    expect(Array.from(ds.val.y)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  });

  it('turns non-byte features (i16, f32, f64) into float32 standardised with train statistics', async () => {
    for (const dtype of ['i16', 'f32', 'f64'] as const) {
      const ds = await loadFiles([f('x', encodeIdx(dtype, [30, 2], Array.from({ length: 60 }, (_, i) => i - 20))), f('y', labels(30))]);
      expect(ds.train.x).toBeInstanceOf(Float32Array);
      expect(ds.normalization.kind).toBe('standardize');
    }
  });

  it('refuses image and label counts that disagree', async () => {
    await expect(loadFiles([f('imgs', images(10)), f('lbls', labels(9))])).rejects.toThrow(
      /imgs: holds 10 examples but no labels array has that many items \(labels: lbls \(9 items\)\): counts disagree/,
    );
  });

  it('#15.1 refuses a pair whose counts disagree from the headers, before inflating the images', async () => {
    const big = gzip(encodeIdx('u8', [20_000, 28, 28], new Array(20_000 * 784).fill(0)));
    const budget = new ByteBudget();
    await expect(loadFiles([f('train-images-idx3-ubyte.gz', big), f('train-labels-idx1-ubyte.gz', gzip(labels(9)))], { budget })).rejects.toThrow(
      'train-images-idx3-ubyte.gz: holds 20000 examples but no labels array has that many items (labels: train-labels-idx1-ubyte.gz (9 items)): counts disagree',
    );
    // Headers only: not the 15 MiB of images (was: both files inflated whole first).
    expect(budget.used).toBe(0);
    await expect(loadFiles([f('x.gz', big), f('y', labels(20_000))], { maxInflatedBytes: 1_000_000 })).rejects.toThrow(
      /x.gz \+ y: the sum of the arrays' headers declares 15,680,016 bytes \(15.0 MiB\), more than the 1,000,000-byte cap/,
    );
  });

  it('refuses a header claiming more items than the bytes hold, inside gzip too', async () => {
    const lie = images(10).slice();
    new DataView(lie.buffer).setUint32(4, 1000, false);
    await expect(loadFiles([f('x.gz', gzip(lie)), f('y', labels(10))])).rejects.toThrow(/x.gz, byte offset 4: header claims dimensions 1000×3×2/);
  });

  it('refuses labels out of range and three pairs', async () => {
    const neg = encodeIdx('i8', [10], [0, 1, -1, 0, 1, 0, 1, 0, 1, 0]);
    await expect(loadFiles([f('x', images(10)), f('y', neg)])).rejects.toThrow(/y, byte offset 10: label 2 is -1; labels must be integers/);
    const frac = encodeIdx('f32', [10], [0, 1, 0.5, 0, 1, 0, 1, 0, 1, 0]);
    await expect(loadFiles([f('x', images(10)), f('y', frac)])).rejects.toThrow(/label 2 is 0.5/);
    const three = [10, 11, 12].flatMap((n) => [f(`x${n}`, images(n)), f(`y${n}`, labels(n))]);
    await expect(loadFiles(three)).rejects.toThrow(/found 3 features\/labels pairs/);
  });
});

describe('loadFiles: classes are the labels that occur (#15.4)', () => {
  it('an IDX label file using 3 of 256 values gives 3 classes with their ids, not 256', async () => {
    const y = encodeIdx('u8', [30], Array.from({ length: 30 }, (_, i) => [0, 100, 255][i % 3]));
    const ds = await loadFiles([f('x', images(30)), f('y', y)]);
    expect([ds.classNames, ds.classIds]).toEqual([['0', '100', '255'], [0, 100, 255]]);
    expect(Math.max(...ds.train.y, ...ds.val.y)).toBe(2);
  });

  it('a .npy with one label of 65535 gives 2 classes, not 65,536', async () => {
    const y = npy('<u2', [10], [0, 0, 0, 0, 0, 65535, 0, 0, 0, 0]);
    const ds = await loadFiles([f('x.npy', npy('|u1', [10, 2], new Array(20).fill(3))), f('y.npy', y)]);
    expect([ds.classNames, ds.classIds]).toEqual([['0', '65535'], [0, 65535]]);
  });

  it('refuses a label only the validation pair has, naming it', async () => {
    const val = encodeIdx('u8', [6], [0, 1, 2, 0, 1, 7]);
    await expect(loadFiles([f('tx', images(30)), f('ty', labels(30)), f('vx', images(6)), f('vy', val)])).rejects.toThrow(
      'tx + ty + vx + vy: class "7" (1 in vx, paired by item count) has no training example: every class needs at least one',
    );
  });

  it('refuses 2,000 distinct labels unless maxClasses allows them', async () => {
    const y = encodeIdx('i16', [4000], Array.from({ length: 4000 }, (_, i) => i % 2000));
    const x = encodeIdx('u8', [4000, 2], new Array(8000).fill(1));
    await expect(loadFiles([f('x', x), f('y', y)])).rejects.toThrow(/x \+ y: found 2,000 classes, more than 1,000/);
    expect((await loadFiles([f('x', x), f('y', y)], { maxClasses: 5000 })).classNames).toHaveLength(2000);
  });
});

describe('loadFiles: NumPy', () => {
  it('reads a keras.datasets-style .npz written by np.savez_compressed', async () => {
    const ds = await loadFiles([f('mnist.npz', await fixture('keras-like.npz'))]);
    expect(ds.source.format).toBe('npz');
    expect([ds.train.count, ds.val.count, ds.shape]).toEqual([12, 6, [1, 4, 4]]);
    expect(Array.from(ds.train.x.subarray(0, 4))).toEqual([95, 130, 194, 217]);
    expect(Array.from(ds.val.y)).toEqual([2, 1, 0, 2, 1, 0]);
  });

  it("reads the lab's own data.npz back: the same splits, and the class names from its meta", async () => {
    const source = await loadFiles([f('train-images', images(30)), f('train-labels', labels(30)), f('t10k-images', images(9, 4)), f('t10k-labels', labels(9))]);
    const named = { ...source, name: 'shapes', classNames: ['circle', 'square', 'star'] };
    const ds = await loadFiles([f('data.npz', datasetNpz(named))]);
    expect(ds.source.format).toBe('npz');
    expect(ds.classNames).toEqual(['circle', 'square', 'star']);
    expect([ds.train.count, ds.val.count, ds.shape]).toEqual([30, 9, [1, 3, 2]]);
    expect(Array.from(ds.train.x)).toEqual(Array.from(source.train.x));
    expect(Array.from(ds.val.x)).toEqual(Array.from(source.val.x));
    expect(Array.from(ds.train.y)).toEqual(Array.from(source.train.y));
    expect(Array.from(ds.val.y)).toEqual(Array.from(source.val.y));
    // A `meta` member that is not the lab's stays an array (and here pairs with nothing).
    const other = npzBytes({ x: { data: new Uint8Array(12), shape: [4, 3] }, y: { data: new Uint8Array([0, 1, 0, 1]), shape: [4] }, meta: textArray('{"format":"other"}') });
    await expect(loadFiles([f('d.npz', other)])).rejects.toThrow(/d.npz:meta.npy \(18 items\)/);
  });

  it('reads an np.savez archive (stored, ZIP64 local extras) with float32 X and int64 y', async () => {
    const ds = await loadFiles([f('xy.npz', await fixture('stored-f32-i64.npz'))]);
    expect([ds.train.count + ds.val.count, ds.shape, ds.classNames]).toEqual([20, [3], ['0', '1']]);
    expect(ds.train.x).toBeInstanceOf(Float32Array);
  });

  it('pairs an X and a y .npy (float64 features, int64 labels)', async () => {
    const ds = await loadFiles([f('y-i8.npy', await fixture('y-i8.npy')), f('x-f8.npy', await fixture('x-f8.npy'))]);
    expect(ds.source.format).toBe('npy');
    expect(ds.train.count + ds.val.count).toBe(20);
  });

  it('transposes (N, H, W, C) colour images to (C, H, W) and accepts (N, 1) labels', async () => {
    const ds = await loadFiles([f('x.npy', await fixture('hwc-u1.npy')), f('y.npy', await fixture('labels-n1.npy'))], { seed: 1 });
    expect(ds.shape).toEqual([3, 2, 3]);
    // Example k of the fixture is arange(18k, 18k+18) in (H=2, W=3, C=3): plane 0 holds 18k + 3p.
    const all = [...ds.train.x, ...ds.val.x];
    const first = all.slice(0, 18);
    const k = first[0] / 18;
    expect(first).toEqual([0, 1, 2].flatMap((c) => [0, 1, 2, 3, 4, 5].map((p) => 18 * k + 3 * p + c)));
  });

  it('refuses non-finite features and an npz entry with a bad CRC', async () => {
    const x = npy('<f4', [10, 2], Array.from({ length: 20 }, (_, i) => (i === 7 ? NaN : i)));
    await expect(loadFiles([f('x.npy', x), f('y.npy', npy('|u1', [10], [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]))])).rejects.toThrow(
      /x.npy, byte offset 156: value NaN at example 3 is not a finite float32/,
    );
    const z = zip({ 'x.npy': npy('|u1', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]), 'y.npy': npy('|u1', [4], [0, 1, 0, 1]) }, 0).slice();
    z[readZipDirectory(z, 'd.npz')[1].dataOffset + 130] ^= 0xff;
    await expect(loadFiles([f('d.npz', z)])).rejects.toThrow(/d.npz:y.npy: CRC-32 mismatch/);
  });
});

describe('loadFiles: sniffing and shared rules', () => {
  it('recognises formats by content, not by name', async () => {
    const csv = enc('a,b,y\n' + Array.from({ length: 20 }, (_, i) => `${i},${i * 2},${i % 2}`).join('\n'));
    const ds = await loadFiles([f('data.idx', csv)]);
    expect(ds.source.format).toBe('csv');
    const gz = await loadFiles([f('data.txt', gzip(csv))]);
    expect(gz.source.format).toBe('csv+gzip');
  });

  it('refuses empty files, unknown binaries, single images, mixed formats, zips with company', async () => {
    await expect(loadFiles([])).rejects.toThrow(/no files were given/);
    await expect(loadFiles([f('e.csv', new Uint8Array(0))])).rejects.toThrow(/e.csv: is empty/);
    await expect(loadFiles([f('b.bin', Uint8Array.from([1, 2, 0, 4, 5]))])).rejects.toThrow(/b.bin, byte offset 0: format not recognised \(first bytes 01 02 00 04 05\)/);
    await expect(loadFiles([f('p.png', (await import('./fixtures/make')).png(2, 2, 1, () => 0))])).rejects.toThrow(/is a single PNG image; zip a folder/);
    await expect(loadFiles([f('x', images(10)), f('d.csv', enc('a,b\n1,2\n'))])).rejects.toThrow(/cannot mix formats in one load: x is IDX, d.csv is text/);
    await expect(loadFiles([f('a.zip', zip({ 'a.txt': enc('x') })), f('b.zip', zip({ 'b.txt': enc('x') }))])).rejects.toThrow(/must be loaded on its own/);
  });

  it('#13.8 UTF-16 text: save it as UTF-8 (with or without a byte-order mark)', async () => {
    const text = 'f1,f2,label\r\n1,2,0\r\n3,4,1\r\n';
    const le = new Uint8Array(2 + text.length * 2);
    le.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) le[2 + 2 * i] = text.charCodeAt(i);
    await expect(loadFiles([f('excel.csv', le)])).rejects.toThrow('excel.csv, byte offset 0: is UTF-16 text (little-endian): save it as UTF-8');
    const be = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) be[2 * i + 1] = text.charCodeAt(i);
    await expect(loadFiles([f('b.csv', be)])).rejects.toThrow(/b.csv, byte offset 0: is UTF-16 text \(big-endian\): save it as UTF-8/);
  });

  it('#13.8 a .npy with a damaged magic looks like a NumPy file with a damaged header', async () => {
    const good = npy('<f4', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    const damaged = good.slice();
    damaged[0] = 0x94;
    for (const name of ['x.npy', 'x.bin']) {
      await expect(loadFiles([f(name, damaged), f('y.npy', npy('|u1', [4], [0, 1, 0, 1]))])).rejects.toThrow(
        `${name}, byte offset 0: looks like a NumPy file with a damaged header: a .npy starts with the 6 bytes 93 4e 55 4d 50 59 (\\x93NUMPY), this one with 94 4e 55 4d 50 59`,
      );
    }
  });

  it('#13.8 a text file named *-idx3-ubyte: the name suggests IDX but the content is text', async () => {
    await expect(loadFiles([f('train-images-idx3-ubyte', enc('a,b,label\n1,2,0\n')), f('train-labels-idx1-ubyte', labels(3))])).rejects.toThrow(
      'train-images-idx3-ubyte, byte offset 0: the name suggests an IDX file, but the content is text (it starts "a,b,label"), not IDX\'s binary header',
    );
    const damaged = images(4).slice();
    damaged[2] = 0x42;
    await expect(loadFiles([f('t10k-images-idx3-ubyte.gz', gzip(damaged))])).rejects.toThrow(/the name suggests an IDX file, but its header is not one: .* this file starts 00 00 42 03/);
  });

  it('#15.6 a zip, JSON or weights file is described as what it is, not parsed as CSV', async () => {
    const z = zip({ 'a/0.png': (await import('./fixtures/make')).png(2, 2, 1, () => 0) });
    await expect(loadFiles([f('d.zip', z.subarray(0, z.length - 40))])).rejects.toThrow(
      `d.zip, byte offset ${z.length - 40}: a zip file whose central directory is missing (no end-of-central-directory record at its end): truncated, or damaged`,
    );
    const headless = z.slice();
    headless.set([0x51, 0x4b], 0);
    await expect(loadFiles([f('data.bin', headless)])).rejects.toThrow(/data.bin, byte offset 0: looks like a zip file whose first local header is damaged \(it starts 51 4b 03 04/);
    await expect(loadFiles([f('notes.zip', enc('just,some\ntext,here\n'))])).rejects.toThrow(/notes.zip, byte offset 20: looks like a zip file whose central directory is missing/);
    await expect(loadFiles([f('data.csv', enc(' [{"x": 1, "label": 0}]\n'))])).rejects.toThrow('data.csv, byte offset 0: holds JSON, not a table');
    const { writeSafetensors } = await import('../io/safetensors');
    const weights = writeSafetensors([{ name: 'w', dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) }], { format: 'classifier-lab/1' });
    await expect(loadFiles([f('model.safetensors', weights), f('d.csv', enc('a,y\n1,0\n'))])).rejects.toThrow(
      'model.safetensors: is a model weights file (safetensors), not a dataset: open it on its own',
    );
    await expect(loadFiles([f('cut.safetensors', weights.subarray(0, 30))])).rejects.toThrow(/cut.safetensors: is a model weights file/);
  });

  it('enforces one injectable cap across all files of a load', async () => {
    const big = gzip(enc('a'.repeat(600_000)));
    await expect(loadFiles([f('a.gz', big), f('b.gz', big)], { maxInflatedBytes: 1_000_000 })).rejects.toThrow(/b.gz: decompressed data passes the 1,000,000-byte cap/);
  });

  it('reports progress while inflating', async () => {
    const seen: string[] = [];
    await loadFiles([f('x.gz', gzip(images(3000))), f('y', labels(3000))], { onProgress: (p) => seen.push(`${p.file}:${p.bytesDone}/${p.bytesTotal}`) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toMatch(/^x.gz:(\d+)\/\1$/);
  });
});
