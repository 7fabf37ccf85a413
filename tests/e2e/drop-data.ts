// Small datasets for the drop tests, generated here as real files (CSV, PNG-folder zip, gzipped IDX,
// .npz): a few hundred examples with classes a softmax can separate, so two epochs move both curves.
import { encodeIdx } from '../../src/data/idx';
import { enc, gzip, npy, png, zip } from '../../src/data/fixtures/make';

/** A seeded uniform stream in [0, 1) (xorshift32). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

export const CSV_CLASSES = ['setosa', 'versicolor', 'virginica'];

/** 300 rows `f1,f2,f3,f4,species`: three clusters with noise, class names as labels, CRLF line ends. */
export function blobsCsv(rows = 300, seed = 1): Uint8Array {
  const r = rng(seed);
  const lines = ['f1,f2,f3,f4,species'];
  for (let i = 0; i < rows; i++) {
    const k = i % 3;
    const f = [0, 1, 2, 3].map((j) => (k * 2 + (j % 2) - 1 + (r() - 0.5) * 1.5).toFixed(3));
    lines.push(`${f.join(',')},${CSV_CLASSES[k]}`);
  }
  return enc(lines.join('\r\n') + '\r\n');
}

/** The same rows with the label first, under a header name the loader does not guess (`flower`). */
export function labelFirstCsv(rows = 120): Uint8Array {
  const lines = new TextDecoder().decode(blobsCsv(rows)).split('\r\n').filter(Boolean);
  const moved = lines.map((l) => {
    const c = l.split(',');
    return [c[4], ...c.slice(0, 4)].join(',');
  });
  moved[0] = 'flower,f1,f2,f3,f4';
  return enc(moved.join('\n') + '\n');
}

export const SHAPE_CLASSES = ['cross', 'horizontal', 'vertical'];

/** 8×8 grey pattern of class k: horizontal bars, vertical bars or a cross, with seeded noise. */
function pattern(k: number, r: () => number): (x: number, y: number) => number {
  return (x, y) => {
    const on = k === 0 ? x === 3 || x === 4 || y === 3 || y === 4 : k === 1 ? y % 4 < 2 : x % 4 < 2;
    return Math.max(0, Math.min(255, (on ? 200 : 40) + Math.round((r() - 0.5) * 60)));
  };
}

/** `shapes.zip` → `<class>/<n>.png`: 3 classes × `perClass` 8×8 grey PNGs. */
export function shapesZip(perClass = 80, seed = 2): Uint8Array {
  const r = rng(seed);
  const files: Record<string, Uint8Array> = {};
  for (let k = 0; k < 3; k++) {
    for (let i = 0; i < perClass; i++) {
      const f = pattern(k, r);
      files[`${SHAPE_CLASSES[k]}/${i}.png`] = png(8, 8, 1, (x, y) => f(x, y));
    }
  }
  return zip(files);
}

/** The shapes as IDX: images (n, 8, 8) u8 and labels (n) u8, each gzipped. */
export function shapesIdxGz(n = 240, seed = 3): { images: Uint8Array; labels: Uint8Array } {
  const r = rng(seed);
  const px: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    const f = pattern(k, r);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) px.push(f(x, y));
    labels.push(k);
  }
  return { images: gzip(encodeIdx('u8', [n, 8, 8], px)), labels: gzip(encodeIdx('u8', [n], labels)) };
}

/** keras-style `.npz`: x_train (n, 6) float32, y_train (n) int64, and a test pair. */
export function blobsNpz(nTrain = 240, nTest = 60, seed = 4): Uint8Array {
  const r = rng(seed);
  const make = (n: number) => {
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const k = i % 2;
      for (let j = 0; j < 6; j++) x.push(k * 2 - 1 + (r() - 0.5) * 2);
      y.push(k);
    }
    return { x, y, n };
  };
  const tr = make(nTrain);
  const te = make(nTest);
  return zip({
    'x_train.npy': npy('<f4', [tr.n, 6], tr.x),
    'y_train.npy': npy('<i8', [tr.n], tr.y),
    'x_test.npy': npy('<f4', [te.n, 6], te.x),
    'y_test.npy': npy('<i8', [te.n], te.y),
  });
}

/** A gzip stream with a corrupted deflate body (its CRC cannot match, and the browser and fflate refuse it). */
export function corruptGzip(): Uint8Array {
  const good = gzip(blobsCsv(60));
  const bad = good.slice();
  for (let i = 20; i < 40; i++) bad[i] ^= 0x5a;
  return bad;
}
