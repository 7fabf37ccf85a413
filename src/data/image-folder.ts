// An image-folder zip: <class>/<image> (optionally under train/ and val/ or test/ top folders, which
// then define the split; train/, val/ and test/ give a test split too). Pass 1 reads only each image's
// header (size, grey or colour) and holds it to the pixel budget and the decoded-byte budgets (per
// image, per archive); the names then settle the classes; pass 2 inflates each image only up to its
// end (PNG IEND, JPEG EOI), decodes, resizes to one size with our own resize, and packs (C, H, W)
// bytes. An image that fails is skipped and named, never fatal.

import { assemble } from './assemble';
import { checkClassCount, checkTrainCoverage } from './classes';
import type { ByteBudget } from './budget';
import type { Dataset, Split } from './dataset';
import { DataError, bytesText } from './errors';
import { decodePixels, type ExternalDecoder } from './image-decode';
import { readImageEntry } from './image-entry';
import { decodedBytes, imageKind, minimumFileBytes, readImageHeader, type ImageHeader } from './image-header';
import { resizeArea, rgbToGrey } from './resize';
import { entryPrefix, type ZipEntry } from './zip';

export const DEFAULT_MAX_IMAGE_PIXELS = 4096 * 4096;
/** Decoded bytes one image may take (width × height × channels × bytes per sample): 4096×4096 RGBA at 8 bits. */
export const DEFAULT_MAX_IMAGE_BYTES = 64 * 1024 * 1024;
/** Decoded bytes all images of one archive may take together, by their headers. */
export const DEFAULT_MAX_DECODED_BYTES = 1024 * 1024 * 1024;
/** How far into an entry its image header is looked for (a JPEG's frame header follows its EXIF and ICC segments). */
const HEADER_SEARCH_BYTES = 1024 * 1024;
const SPLIT_DIRS: Record<string, 'train' | 'val' | 'test'> = { train: 'train', val: 'val', valid: 'val', validation: 'val', test: 'test' };

export interface ImageFolderOptions {
  imageSize?: number | [number, number];
  channels?: 'grey' | 'rgb';
  maxImagePixels?: number;
  /** Images decoding to more bytes than this are skipped (default 64 MiB). */
  maxImageBytes?: number;
  /** An archive whose images decode to more than this in all is refused (default 1 GiB). */
  maxDecodedBytes?: number;
  decodeImage?: ExternalDecoder;
  seed?: number;
  maxClasses?: number;
  onProgress?: (done: number, total: number) => void;
}

interface Item {
  entry: ZipEntry;
  header: ImageHeader;
  parts: string[];
}

/** True for the entries that are never data: folders, dotfiles, macOS resource forks. */
function ignorable(e: ZipEntry): boolean {
  return e.isDirectory || e.name.split('/').some((s) => s.startsWith('.') || s === '__MACOSX' || s === 'Thumbs.db');
}

export async function loadImageZip(bytes: Uint8Array, file: string, entries: ZipEntry[], budget: ByteBudget, o: ImageFolderOptions): Promise<Dataset> {
  const maxPixels = o.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  const maxBytes = o.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const skipped: string[] = [];
  const notImages: string[] = [];
  const items: Item[] = [];
  for (const e of entries.filter((x) => !ignorable(x)).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const s = sniffEntry(bytes, e, file);
    if (s.kind === 'other') notImages.push(e.name);
    else if (s.kind === 'bad') skipped.push(`${e.name} (${s.why})`);
    else {
      const why = headerRefusal(s.header, e, maxPixels, maxBytes);
      if (why) skipped.push(`${e.name} (${why})`);
      else items.push({ entry: e, header: s.header, parts: e.name.split('/') });
    }
  }
  const layout = classify(items, file, skipped);
  // What the names tell is checked before any image is inflated: the class count, and val/-only classes.
  const names = [...new Set(layout.map((l) => l.className))].sort();
  checkClassCount(names.length, o.maxClasses, file);
  const heldOut = layout.some((l) => l.split === 'val') ? 'val' : 'test';
  if (layout.some((l) => l.split === 'train') && layout.some((l) => l.split === heldOut)) {
    const y = (s: string) => Uint32Array.from(layout.filter((l) => l.split === s), (l) => names.indexOf(l.className));
    checkTrainCoverage(names, y('train'), y(heldOut), file, `${heldOut}/`);
  }
  const decodedTotal = layout.reduce((sum, l) => sum + decodedBytes(l.item.header), 0);
  const maxDecoded = o.maxDecodedBytes ?? DEFAULT_MAX_DECODED_BYTES;
  if (decodedTotal > maxDecoded) {
    throw new DataError(
      `its ${layout.length.toLocaleString('en-US')} images decode to ${bytesText(decodedTotal)} in all (by their headers), past the ` +
        `${bytesText(maxDecoded)} one archive may decode: shrink the images before zipping them, or raise maxDecodedBytes`,
      { file },
    );
  }
  const [h, w] = targetSize(layout.map((l) => l.item.header), o.imageSize, file);
  const forcedGrey = o.channels === 'grey';
  const allGreyHeaders = layout.every((l) => l.item.header.grey);
  let channels: 1 | 3 = forcedGrey || (o.channels === undefined && allGreyHeaders) ? 1 : 3;
  const size = channels * h * w;
  budget.check(layout.length * size, file, `${layout.length} images of ${channels}×${h}×${w}`);
  budget.take(layout.length * size, file, 'the decoded images');
  let x = new Uint8Array(layout.length * size);
  const keep: typeof layout = [];
  let greyContent = true;
  const totalBytes = layout.reduce((s, l) => s + l.item.entry.compressedSize, 0);
  let doneBytes = 0;
  for (const l of layout) {
    const { entry, header } = l.item;
    doneBytes += entry.compressedSize;
    o.onProgress?.(doneBytes, totalBytes);
    let chw: Uint8Array;
    try {
      const px = await decodePixels(readImageEntry(bytes, entry, file, budget, header), header, o.decodeImage);
      const resized = resizeArea(px.data, px.width, px.height, px.channels, w, h);
      const hwc = channels === 1 ? (px.channels === 1 ? resized : rgbToGrey(resized)) : px.channels === 3 ? resized : triple(resized);
      if (channels === 3 && greyContent && !isGreyRgb(hwc)) greyContent = false;
      chw = toChw(hwc, h, w, channels);
    } catch (err) {
      if (err instanceof DataError && /cap on decompressed bytes/.test(err.message)) throw err;
      // Only our own words: a library's text ("Unsupported filter: undefined") says nothing about the file.
      skipped.push(`${entry.name} (${err instanceof DataError ? err.what : 'could not be decoded: its data is damaged'})`);
      continue;
    }
    x.set(chw, keep.length * size);
    keep.push(l);
  }
  if (keep.length === 0) throw new DataError(`no image could be decoded (${skipped.length} skipped: ${skipped.slice(0, 3).join('; ')})`, { file });
  x = x.slice(0, keep.length * size);
  // Colour images whose pixels are all grey (R = G = B) become one channel unless RGB was asked for.
  if (channels === 3 && greyContent && o.channels !== 'rgb') {
    x = x.filter((_, i) => Math.floor(i / (h * w)) % 3 === 0);
    channels = 1;
  }
  const classNames = [...new Set(keep.map((l) => l.className))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const classOf = new Map(classNames.map((c, i) => [c, i]));
  const rowSize = channels * h * w;
  const part = (want: (s: string) => boolean): Split => {
    const idx = keep.map((l, i) => [l, i] as const).filter(([l]) => want(l.split));
    const px = new Uint8Array(idx.length * rowSize);
    idx.forEach(([, i], k) => px.set(x.subarray(i * rowSize, (i + 1) * rowSize), k * rowSize));
    return { x: px, y: Uint32Array.from(idx, ([l]) => classOf.get(l.className)!), count: idx.length };
  };
  const hasVal = keep.some((l) => l.split === 'val');
  const valDir = hasVal ? 'val' : 'test';
  const presplit = keep.some((l) => l.split === 'train') && keep.some((l) => l.split === valDir);
  // train/, val/ and test/: test/ is a test split, evaluated once at the end; with train/ and test/ only, test/ validates.
  const hasTest = presplit && hasVal && keep.some((l) => l.split === 'test');
  const warnings = warningsOf(skipped, notImages);
  const sizes = mixedSizes(keep.map((l) => l.item.header), w, h);
  if (sizes) warnings.push(sizes);
  return assemble({
    name: file.replace(/\.zip$/i, ''),
    format: 'image-zip',
    files: [file],
    shape: [channels, h, w],
    classNames,
    train: presplit ? part((s) => s === 'train') : part(() => true),
    val: presplit ? part((s) => s === valDir) : undefined,
    valSource: `the ${valDir}/ folder`,
    ...(hasTest && { test: part((s) => s === 'test'), testSource: 'the test/ folder' }),
    seed: o.seed,
    maxClasses: o.maxClasses,
    warnings,
  });
}

type Sniffed = { kind: 'image'; header: ImageHeader } | { kind: 'other' } | { kind: 'bad'; why: string };

/** Why an image is skipped on its header alone (pixel and byte budgets, a size its file cannot hold), or ''. */
function headerRefusal(hd: ImageHeader, e: ZipEntry, maxPixels: number, maxBytes: number): string {
  const size = `${hd.width}×${hd.height}`;
  if (hd.width * hd.height > maxPixels || hd.width === 0 || hd.height === 0) return `${size} is outside the ${maxPixels.toLocaleString('en-US')}-pixel budget`;
  const decoded = decodedBytes(hd);
  if (decoded > maxBytes) {
    const depth = hd.png?.depth === 16 ? ' at 16 bits a sample' : '';
    return `${size}${depth} decodes to ${bytesText(decoded)}, past the ${bytesText(maxBytes)} budget for one image`;
  }
  const least = minimumFileBytes(hd);
  if (e.size < least) return `its header claims ${size} pixels, which need at least ${bytesText(least)} of ${hd.kind.toUpperCase()} data; the file holds ${bytesText(e.size)}`;
  return '';
}

/** "images come in 3 sizes (8×8: 40, 16×12: 2, 5×5: 1); all are resized to 8×8", or undefined when one size fits all. */
function mixedSizes(headers: ImageHeader[], w: number, h: number): string | undefined {
  const counts = new Map<string, number>();
  for (const hd of headers) counts.set(`${hd.width}×${hd.height}`, (counts.get(`${hd.width}×${hd.height}`) ?? 0) + 1);
  if (counts.size < 2) return undefined;
  const list = [...counts].sort((a, b) => b[1] - a[1]);
  const shown = list.slice(0, 5).map(([k, n]) => `${k}: ${n.toLocaleString('en-US')}`).join(', ') + (list.length > 5 ? `, and ${list.length - 5} more sizes` : '');
  return `images come in ${counts.size} sizes (width×height: ${shown}); all are resized to ${w}×${h}`;
}

/** The header from the entry's first bytes (more when a JPEG keeps its frame header further in). */
function sniffEntry(bytes: Uint8Array, e: ZipEntry, file: string): Sniffed {
  for (const want of [4096, 256 * 1024, HEADER_SEARCH_BYTES]) {
    let prefix: Uint8Array;
    try {
      prefix = entryPrefix(bytes, e, file, want);
    } catch (err) {
      return { kind: 'bad', why: err instanceof DataError ? err.what : String(err) };
    }
    if (!imageKind(prefix)) return { kind: 'other' };
    const header = readImageHeader(prefix);
    if (header) return { kind: 'image', header };
    if (prefix.length < want) break;
  }
  return { kind: 'bad', why: `no readable image header in its first ${bytesText(HEADER_SEARCH_BYTES)}` };
}

interface Placed {
  item: Item;
  split: string;
  className: string;
}

/** Strips the folders every image shares, then reads [split/]class/…/image. */
function classify(items: Item[], file: string, skipped: string[]): Placed[] {
  if (items.length === 0) throw new DataError('holds no PNG or JPEG images (expected <class>/<image>.png or .jpg)', { file });
  let common = 0;
  const minDepth = Math.min(...items.map((i) => i.parts.length));
  while (common < minDepth - 2 && items.every((i) => i.parts[common] === items[0].parts[common])) common++;
  const rel = items.map((i) => i.parts.slice(common));
  const splitTop = rel.every((p) => p.length >= 3 && p[0].toLowerCase() in SPLIT_DIRS);
  const placed: Placed[] = [];
  items.forEach((item, k) => {
    const p = rel[k];
    const at = splitTop ? 1 : 0;
    if (p.length - at < 2) {
      skipped.push(`${item.entry.name} (not inside a class folder)`);
      return;
    }
    placed.push({ item, split: splitTop ? SPLIT_DIRS[p[0].toLowerCase()] : 'all', className: p[at] });
  });
  if (placed.length === 0) throw new DataError('no image sits inside a class folder (expected <class>/<image>.png)', { file });
  return placed;
}

/** The requested size, else the most common size in the archive (ties: the larger). */
function targetSize(headers: ImageHeader[], wanted: ImageFolderOptions['imageSize'], file: string): [number, number] {
  if (wanted !== undefined) {
    const [h, w] = typeof wanted === 'number' ? [wanted, wanted] : wanted;
    if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0 && h <= 1024 && w <= 1024)) {
      throw new DataError(`image size ${h}×${w} must be whole pixels between 1 and 1024`, { file });
    }
    return [h, w];
  }
  const counts = new Map<string, number>();
  for (const hd of headers) counts.set(`${hd.height}x${hd.width}`, (counts.get(`${hd.height}x${hd.width}`) ?? 0) + 1);
  const best = [...counts].sort((a, b) => b[1] - a[1] || area(b[0]) - area(a[0]))[0][0];
  const [h, w] = best.split('x').map(Number);
  return [Math.min(h, 1024), Math.min(w, 1024)];
}

function area(key: string): number {
  const [h, w] = key.split('x').map(Number);
  return h * w;
}

function triple(grey: Uint8Array): Uint8Array {
  const out = new Uint8Array(grey.length * 3);
  for (let i = 0; i < grey.length; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = grey[i];
  return out;
}

function isGreyRgb(rgb: Uint8Array): boolean {
  for (let i = 0; i < rgb.length; i += 3) if (rgb[i] !== rgb[i + 1] || rgb[i] !== rgb[i + 2]) return false;
  return true;
}

function toChw(hwc: Uint8Array, h: number, w: number, c: number): Uint8Array {
  if (c === 1) return hwc;
  const out = new Uint8Array(hwc.length);
  for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) out[k * h * w + p] = hwc[p * c + k];
  return out;
}

function warningsOf(skipped: string[], notImages: string[]): string[] {
  const w: string[] = [];
  const few = (xs: string[]) => xs.slice(0, 5).join('; ') + (xs.length > 5 ? `; and ${xs.length - 5} more` : '');
  if (skipped.length) w.push(`${skipped.length} image${skipped.length === 1 ? ' was' : 's were'} skipped: ${few(skipped)}`);
  if (notImages.length) w.push(`${notImages.length} file${notImages.length === 1 ? ' is not an image and was' : 's are not images and were'} ignored: ${few(notImages)}`);
  return w;
}
