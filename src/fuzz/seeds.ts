// The fuzzer's valid files, one small dataset (or weights file) per format, built here from a seed:
// IDX pairs (bytes, gzip, float/int16), CSV and TSV (class names, integer labels, two files), NumPy
// pairs and .npz, zips of PNG and JPEG class folders (one with train/ and val/), safetensors (plain and
// real lab exports). Every mutation starts from one of these.

import { encodeIdx } from '../data/idx';
import { enc, gzip, jpeg, npy, png, zip } from '../data/fixtures/make';
import { writeSafetensors } from '../io/safetensors';
import { labExport } from './lab-export';
import type { Rng } from './rng';

export interface FuzzFile {
  name: string;
  bytes: Uint8Array;
}

export interface Seed {
  format: SeedFormat;
  files: FuzzFile[];
}

export const SEED_FORMATS = [
  'idx', 'idx-gz', 'idx-f32', 'csv', 'tsv', 'csv-gz', 'csv-two', 'npy', 'npz', 'zip-png', 'zip-jpeg', 'zip-split', 'safetensors', 'lab-export', 'lab-export-bn',
] as const;
export type SeedFormat = (typeof SEED_FORMATS)[number];

/** `n` examples of `d` features in `k` classes, separable enough to be a dataset. */
function blobs(r: Rng, n: number, d: number, k: number): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % k;
    for (let j = 0; j < d; j++) x.push(Math.round((c * 3 + (j % 2) + r.float() * 2) * 1000) / 1000);
    y.push(c);
  }
  return { x, y };
}

function table(r: Rng, n: number, delimiter: string, names: boolean, header: boolean): string {
  const { x, y } = blobs(r, n, 4, 3);
  const lines = header ? [['f1', 'f2', 'f3', 'f4', 'label'].join(delimiter)] : [];
  for (let i = 0; i < n; i++) lines.push([...x.slice(4 * i, 4 * i + 4), names ? ['cat', 'dog', 'emu'][y[i]] : y[i]].join(delimiter));
  return lines.join(r.int(2) ? '\r\n' : '\n') + '\n';
}

function images(r: Rng, n: number, side: number): { px: number[]; y: number[] } {
  const px: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    for (let p = 0; p < side * side; p++) px.push(((p % side) * 20 + c * 60 + r.int(30)) & 255);
    y.push(c);
  }
  return { px, y };
}

let jpegCache: Uint8Array[][] | undefined;
/** Six JPEGs a class, encoded once a process: jpeg-js takes ~0.1–0.7 s an image here, too slow for every case. */
function jpegs(): Uint8Array[][] {
  jpegCache ??= [0, 1].map((ci) => Array.from({ length: 6 }, (_, k) => jpeg(8, 8, (x, y) => (ci * 150 + x * 8 + y * 4 + ((k * 37 + x * y) % 20)) & 255)));
  return jpegCache;
}

export function buildSeed(format: SeedFormat, r: Rng): Seed {
  const files = ((): FuzzFile[] => {
    switch (format) {
      case 'idx':
      case 'idx-gz': {
        const n = 30 + r.int(30);
        const { px, y } = images(r, n, 6);
        const gz = format === 'idx-gz' ? (b: Uint8Array) => gzip(b) : (b: Uint8Array) => b;
        const ext = format === 'idx-gz' ? '.gz' : '';
        return [
          { name: `train-images-idx3-ubyte${ext}`, bytes: gz(encodeIdx('u8', [n, 6, 6], px)) },
          { name: `train-labels-idx1-ubyte${ext}`, bytes: gz(encodeIdx('u8', [n], y)) },
        ];
      }
      case 'idx-f32': {
        const { x, y } = blobs(r, 40, 4, 3);
        return [{ name: 'x.idx', bytes: encodeIdx('f32', [40, 4], x) }, { name: 'y.idx', bytes: encodeIdx('i16', [40], y) }];
      }
      case 'csv':
        return [{ name: 'blobs.csv', bytes: enc(table(r, 45, ',', true, true)) }];
      case 'tsv':
        return [{ name: 'blobs.tsv', bytes: enc(table(r, 45, '\t', false, false)) }];
      case 'csv-gz':
        return [{ name: 'blobs.csv.gz', bytes: gzip(enc(table(r, 45, ',', true, true))) }];
      case 'csv-two':
        return [{ name: 'train.csv', bytes: enc(table(r, 60, ',', true, true)) }, { name: 'test.csv', bytes: enc(table(r, 15, ',', true, true)) }];
      case 'npy': {
        const { x, y } = blobs(r, 40, 5, 2);
        return [{ name: 'x.npy', bytes: npy('<f4', [40, 5], x) }, { name: 'y.npy', bytes: npy('<i8', [40], y) }];
      }
      case 'npz': {
        const a = images(r, 24, 4);
        const b = images(r, 9, 4);
        return [{
          name: 'digits.npz',
          bytes: zip({
            'x_train.npy': npy('|u1', [24, 4, 4], a.px), 'y_train.npy': npy('|u1', [24], a.y),
            'x_test.npy': npy('|u1', [9, 4, 4], b.px), 'y_test.npy': npy('|u1', [9], b.y),
          }),
        }];
      }
      case 'zip-png':
      case 'zip-split': {
        const entries: Record<string, Uint8Array> = {};
        for (const [ci, c] of ['circle', 'square', 'star'].entries()) {
          for (let i = 0; i < 4; i++) {
            const top = format === 'zip-split' ? (i < 3 ? 'train/' : 'val/') : 'shapes/';
            entries[`${top}${c}/${i}.png`] = png(8, 8, r.int(4) === 0 ? 3 : 1, (x, y, ch) => (x * 17 + y * 9 + ci * 70 + ch * 30 + r.int(20)) & 255);
          }
        }
        return [{ name: format === 'zip-split' ? 'split.zip' : 'shapes.zip', bytes: zip(entries, r.int(4) === 0 ? 0 : 6) }];
      }
      case 'zip-jpeg': {
        const entries: Record<string, Uint8Array> = {};
        for (const [ci, c] of ['dark', 'light'].entries()) for (let i = 0; i < 4; i++) entries[`${c}/${i}.jpg`] = r.pick(jpegs()[ci]);
        return [{ name: 'photos.zip', bytes: zip(entries) }];
      }
      case 'safetensors':
        return [{
          name: 'plain.safetensors',
          bytes: writeSafetensors(
            [
              { name: 'w', dtype: 'F32', shape: [3, 2], data: Float32Array.from({ length: 6 }, () => r.float()) },
              { name: 'b', dtype: 'I32', shape: [3], data: Int32Array.from([1, 2, 3]) },
            ],
            { note: 'not a lab file' },
          ),
        }];
      case 'lab-export':
        return [{
          name: 'model.safetensors',
          bytes: labExport({ model: 'softmax', shape: [4], classNames: ['a', 'b', 'c'], normalization: { kind: 'standardize', mean: [1, 2, 3, 4], std: [1, 0.5, 2, 1] } }),
        }];
      case 'lab-export-bn':
        return [{ name: 'lenet.safetensors', bytes: labExport({ model: 'lenet-bn', shape: [1, 28, 28], classNames: ['x', 'y'], normalization: { kind: 'scale', scale: 1 / 255 } }) }];
      default:
        return format satisfies never;
    }
  })();
  return { format, files };
}
