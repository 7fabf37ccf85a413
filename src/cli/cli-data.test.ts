// The built CLI on the user's files: `inspect FILE...` prints one JSON object (exit 0) or the loader's
// message (exit 2); `train --data FILE...` trains on them on real WebGPU (Dawn), with --label-column and
// --image-size; WebP in a zip is skipped with a warning that says the browser decodes it.
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from '../../tests/helpers/cli';
import { blobsCsv, corruptGzip, labelFirstCsv, shapesIdxGz, shapesZip } from '../../tests/e2e/drop-data';
import { enc, png, zip } from '../data/fixtures/make';

let cli: string;
let remove: () => void;
const dir = mkdtempSync(join(tmpdir(), 'classifier-lab-data-'));
const at = (name: string) => join(dir, name);
const run = (...args: string[]) => runCli(cli, args);
/** A real 1×1 lossless WebP (the image browsers' feature tests use). */
const WEBP_1x1 = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');

beforeAll(async () => {
  ({ cli, remove } = buildCli());
  const idx = shapesIdxGz();
  const files: Record<string, Uint8Array> = {
    'blobs.csv': blobsCsv(),
    'flowers.csv': labelFirstCsv(),
    'ragged.csv': enc('a,b,label\n1,2,x\n3,4\n5,6,y\n'),
    'broken.csv.gz': corruptGzip(),
    'shapes.zip': shapesZip(20),
    'train-images-idx3-ubyte.gz': idx.images,
    'train-labels-idx1-ubyte.gz': idx.labels,
    'mixed.zip': zip({ 'a/1.png': png(4, 4, 1, () => 10), 'a/2.png': png(4, 4, 1, () => 20), 'b/1.png': png(4, 4, 1, () => 200), 'b/2.png': png(4, 4, 1, () => 210), 'b/3.webp': WEBP_1x1 }),
  };
  await Promise.all(Object.entries(files).map(([name, bytes]) => writeFile(at(name), bytes)));
});

afterAll(() => {
  remove?.();
  rmSync(dir, { recursive: true, force: true });
});

describe('classifier-lab inspect on datasets', () => {
  it('prints format, splits, feature shape and classes with counts as one JSON object', async () => {
    const r = await run('inspect', at('blobs.csv'));
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      format: 'csv',
      splits: { train: 270, val: 30 },
      feature_shape: [4],
      classes: [
        { name: 'setosa', train: 90, val: 10 },
        { name: 'versicolor', train: 90, val: 10 },
        { name: 'virginica', train: 90, val: 10 },
      ],
    });
  });

  it('reads a gzipped IDX pair and a zip of image folders', async () => {
    const idx = await run('inspect', at('train-images-idx3-ubyte.gz'), at('train-labels-idx1-ubyte.gz'));
    expect(idx.code, idx.stderr).toBe(0);
    expect(JSON.parse(idx.stdout)).toMatchObject({ format: 'idx+gzip', splits: { train: 216, val: 24 }, feature_shape: [1, 8, 8] });
    const images = await run('inspect', at('shapes.zip'));
    expect(images.code, images.stderr).toBe(0);
    const out = JSON.parse(images.stdout);
    expect([out.format, out.feature_shape, out.classes.map((c: { name: string }) => c.name)]).toEqual(['image-zip', [1, 8, 8], ['cross', 'horizontal', 'vertical']]);
  });

  it('skips a WebP image and says that only the browser decodes it', async () => {
    const r = await run('inspect', at('mixed.zip'));
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.splits.train + out.splits.val).toBe(4);
    expect(out.warnings.join('\n')).toContain("b/3.webp (WEBP needs the browser's image decoder (the CLI decodes only PNG and JPEG))");
  });

  it('exits 2 with the message naming file and row, or file and byte offset', async () => {
    const ragged = await run('inspect', at('ragged.csv'));
    expect([ragged.code, ragged.stdout]).toEqual([2, '']);
    expect(ragged.stderr).toContain('ragged.csv, row 3: has 2 fields, expected 3 (as in the first row)');
    const gz = await run('inspect', at('broken.csv.gz'));
    expect(gz.code).toBe(2);
    expect(gz.stderr).toMatch(/broken\.csv\.gz, byte offset \d+: /);
    const missing = await run('inspect', at('nope.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.csv');
  });
});

describe('classifier-lab train --data', () => {
  it('trains two epochs on a CSV whose label column is named with --label-column', async () => {
    const r = await run('train', '--data', at('flowers.csv'), '--label-column', 'flower', '--model', 'softmax', '--epochs', '2', '--batch-size', '16');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('dataset: flowers, 108 train / 12 validation');
    expect(r.stderr).toContain('data: csv, features 4, 3 classes');
    const epochs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(epochs[1].train_loss).toBeLessThan(epochs[0].train_loss);
  });

  it('trains on an image zip resized by --image-size, and takes an IDX pair as --data FILE FILE', async () => {
    const images = await run('train', '--data', at('shapes.zip'), '--image-size', '4', '--model', 'mlp', '--hidden', '8', '--epochs', '1');
    expect(images.code, images.stderr).toBe(0);
    expect(images.stderr).toContain('data: image-zip, features 1×4×4, 3 classes');
    const idx = await run('train', '--data', at('train-images-idx3-ubyte.gz'), at('train-labels-idx1-ubyte.gz'), '--epochs', '1');
    expect(idx.code, idx.stderr).toBe(0);
    expect(idx.stderr).toContain('dataset: train-images-idx3-ubyte, 216 train / 24 validation');
  });

  it('exits 2 on a malformed file or flag, before training', async () => {
    const bad = await run('train', '--data', at('flowers.csv'), '--epochs', '1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('flowers.csv, row 2: column "flower" (1): "setosa" is not a number');
    expect(bad.stdout).toBe('');
    const size = await run('train', '--data', at('shapes.zip'), '--image-size', '4px');
    expect(size.code).toBe(2);
    expect(size.stderr).toContain('--image-size: "4px" is not N or HxW');
  });
});
