// The one entry point for user data: files in, a validated Dataset out, or a DataError naming the file,
// row or byte offset. Formats are recognised by content (magic bytes, structure), gzip is unwrapped
// first, and every decompressed byte counts against one cap (512 MiB by default).

import { arraysToDataset } from './arrays';
import { ByteBudget } from './budget';
import { parseTable } from './csv';
import type { Dataset } from './dataset';
import { DataError } from './errors';
import { gunzip, isGzip } from './gunzip';
import { parseIdx, looksLikeIdx, type IdxArray } from './idx';
import type { ExternalDecoder } from './image-decode';
import { loadImageZip } from './image-folder';
import { imageKind } from './image-header';
import { takeLabMeta } from './lab-npz-meta';
import type { NdArray } from './ndarray';
import { isNpy, parseNpy } from './npy';
import { tablesToDataset } from './table-dataset';
import { isMarkedTest, withTestSplit } from './test-files';
import { preflightArrays } from './preflight';
import { refuseLookalike } from './sniff';
import { entryPrefix, extractEntry, hasZipEnd, isZip, readZipDirectory } from './zip';

export interface InputFile {
  name: string;
  bytes: Uint8Array;
}

/** Same shape as the worker protocol's LoadProgress. */
export interface LoadProgress {
  file: string;
  bytesDone: number;
  bytesTotal: number;
}

export interface LoadOptions {
  /** Cap on decompressed bytes for the whole load (default 512 MiB). */
  maxInflatedBytes?: number;
  /** The budget to charge instead of a fresh one (tests read its `used` to bound the work a load did). */
  budget?: ByteBudget;
  /** Image-folder zips: images decoding to more bytes than this are skipped (default 64 MiB). */
  maxImageBytes?: number;
  /** Image-folder zips: an archive whose images decode to more than this in all is refused (default 1 GiB). */
  maxDecodedBytes?: number;
  onProgress?: (p: LoadProgress) => void;
  /** Image-folder zips: output size (default: the most common size in the archive). */
  imageSize?: number | [number, number];
  /** Image-folder zips: force grey or RGB (default: grey when every image is grey). */
  channels?: 'grey' | 'rgb';
  /** Image-folder zips: images with more pixels than this (read from the header) are skipped. */
  maxImagePixels?: number;
  /** CSV/TSV: the label column by header name or 0-based index (default: a known name, else the last). */
  labelColumn?: string | number;
  /** More classes than this are refused (default 1,000): thousands of classes are usually the wrong label column. */
  maxClasses?: number;
  /** Seed of the 90/10 split made when the data has none (default 0). */
  seed?: number;
  /** Decoder for WebP/GIF/BMP (the browser's); without it those images are skipped and counted. */
  decodeImage?: ExternalDecoder;
  /** Names (with `*` wildcards) of files that hold a test split: loaded apart and joined as `test` (test-files.ts). */
  testFiles?: string[];
}

type Kind = 'idx' | 'npy' | 'zip' | 'text';

interface Opened {
  name: string;
  bytes: Uint8Array;
  gz: boolean;
  kind: Kind;
}

export async function loadFiles(files: InputFile[], options: LoadOptions = {}): Promise<Dataset> {
  if (files.length === 0) throw new DataError('no files were given');
  const budget = options.budget ?? new ByteBudget(options.maxInflatedBytes);
  const marks = options.testFiles?.filter((p) => p.trim() !== '') ?? [];
  if (marks.length > 0) {
    const test = files.filter((f) => isMarkedTest(f.name, marks));
    const rest = files.filter((f) => !isMarkedTest(f.name, marks));
    if (test.length === 0) throw new DataError(`no file matches the test files (${marks.join(', ')})`, { file: files[0].name });
    if (rest.length === 0) throw new DataError('every file is marked as test: the training data is missing', { file: files[0].name });
    const plain = { ...options, testFiles: undefined, budget };
    return withTestSplit(await loadFiles(rest, plain), await loadFiles(test, plain), test.map((f) => f.name));
  }
  const progress = (file: string) => (done: number, total: number) => options.onProgress?.({ file, bytesDone: done, bytesTotal: total });
  // Pairing and declared totals from the headers first: nothing is inflated for a pair that cannot load.
  preflightArrays(files, budget);
  const opened = files.map((f) => open(f, budget, progress(f.name)));
  const kinds = new Set(opened.map((o) => (o.kind === 'npy' ? 'idx' : o.kind)));
  if (kinds.size > 1) {
    throw new DataError(`cannot mix formats in one load: ${opened.map((o) => `${o.name} is ${label(o.kind)}`).join(', ')}`, { file: opened[1].name });
  }
  const gz = opened.some((o) => o.gz) ? '+gzip' : '';
  const name = stem(files[0].name);
  const names = files.map((f) => f.name);
  const { seed, maxClasses } = options;
  const kind = opened[0].kind;
  if (kind === 'idx' || kind === 'npy') {
    const arrays = opened.map((o) => (o.kind === 'idx' ? fromIdx(parseIdx(o.bytes, o.name), o.name) : parseNpy(o.bytes, o.name)));
    const format = [...new Set(opened.map((o) => o.kind))].join('+') + gz;
    return arraysToDataset(arrays, { name, format, files: names, seed, maxClasses });
  }
  if (kind === 'text') {
    const tables = opened.map((o) => parseTable(o.bytes, o.name, options.labelColumn, (d) => progress(o.name)(d, o.bytes.length)));
    const format = (tables[0].delimiter === '\t' ? 'tsv' : 'csv') + gz;
    return tablesToDataset(tables, { name, format, files: names, seed, maxClasses });
  }
  if (opened.length > 1) throw new DataError('a zip archive must be loaded on its own', { file: opened[1].name });
  const { bytes, name: file } = opened[0];
  const entries = readZipDirectory(bytes, file);
  const members = entries.filter((e) => !e.isDirectory && !e.name.split('/').some((s) => s.startsWith('.') || s === '__MACOSX'));
  if (members.length > 0 && members.every((e) => isNpy(entryPrefix(bytes, e, file, 16)))) {
    const { arrays, classNames } = takeLabMeta(members.map((e) => parseNpy(extractEntry(bytes, e, file, budget), `${file}:${e.name}`)));
    return arraysToDataset(arrays, { name, format: 'npz' + gz, files: names, seed, maxClasses, classNames });
  }
  return loadImageZip(bytes, file, entries, budget, { ...options, onProgress: progress(file) });
}

function open(f: InputFile, budget: ByteBudget, progress: (done: number, total: number) => void): Opened {
  if (f.bytes.length === 0) throw new DataError('is empty', { file: f.name });
  const gz = isGzip(f.bytes);
  const bytes = gz ? gunzip(f.bytes, f.name, budget, progress) : f.bytes;
  if (gz && bytes.length === 0) throw new DataError('is an empty gzip', { file: f.name });
  if (looksLikeIdx(bytes)) return { name: f.name, bytes, gz, kind: 'idx' };
  if (isNpy(bytes)) return { name: f.name, bytes, gz, kind: 'npy' };
  if (isZip(bytes)) return { name: f.name, bytes, gz, kind: 'zip' };
  if (isGzip(bytes)) throw new DataError('holds gzip inside gzip; unpack the outer layer first', { file: f.name });
  const image = imageKind(bytes);
  if (image) throw new DataError(`is a single ${image.toUpperCase()} image; zip a folder of class folders (<class>/<image>) instead`, { file: f.name });
  // Not IDX, NumPy or zip by its first bytes: a lookalike is named as such, plain text goes to the table reader.
  refuseLookalike(f.name, bytes, hasZipEnd(bytes));
  return { name: f.name, bytes, gz, kind: 'text' };
}

const IDX_TO_NPY = { u8: 'u1', i8: 'i1', i16: 'i2', i32: 'i4', f32: 'f4', f64: 'f8' } as const;

function fromIdx(a: IdxArray, file: string): NdArray {
  return { file, dtype: IDX_TO_NPY[a.dtype], dims: a.dims, data: a.data, dataOffset: 4 + 4 * a.dims.length, itemSize: a.data.BYTES_PER_ELEMENT };
}

function label(k: Kind): string {
  return { idx: 'IDX', npy: 'NumPy', zip: 'a zip archive', text: 'text (CSV/TSV)' }[k];
}

/** "train-images-idx3-ubyte.gz" → "train-images-idx3-ubyte"; "iris.csv" → "iris". */
function stem(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  return base.replace(/\.gz$/i, '').replace(/\.(csv|tsv|txt|npy|npz|zip|idx\d?)$/i, '') || base;
}
