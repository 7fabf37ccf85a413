// What a file that is none of the dataset formats looks like, said plainly: a weights file, UTF-16
// text, a NumPy or IDX file with a damaged header, a zip without its directory, JSON. Content decides
// (DESIGN: formats are sniffed, not named), but a name that promises a format makes a damaged file
// "that format, damaged" instead of "not CSV: row 1 has 1 column".

import { DataError } from './errors';

/** The reference safetensors parser's header limit (100 MB); src/io/safetensors.ts refuses above it too. */
export const SAFETENSORS_MAX_HEADER_SIZE = 100_000_000;

/** Bytes to read from the start of a file for `looksLikeSafetensors`. */
export const SAFETENSORS_SNIFF_BYTES = 9;

/** True when `head` (the file's first bytes) opens a safetensors file of `size` bytes in all. */
export function looksLikeSafetensors(head: Uint8Array, size: number): boolean {
  if (head.length < SAFETENSORS_SNIFF_BYTES) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const n = Number(view.getBigUint64(0, true));
  // A header holds at least "{}"; it sits inside the file and within the reference parser's limit.
  return head[8] === 0x7b && n >= 2 && n <= SAFETENSORS_MAX_HEADER_SIZE && 8 + n <= size;
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const IDX_NAME = /idx\d-ubyte(\.gz)?$/i;

/** UTF-16 by its byte-order mark, or by ASCII text with every other byte zero. */
export function utf16Kind(b: Uint8Array): 'LE' | 'BE' | null {
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'LE';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'BE';
  const n = Math.min(b.length, 256) & ~1;
  if (n < 8) return null;
  let le = 0;
  let be = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i + 1] === 0 && b[i] >= 0x09 && b[i] < 0x7f) le++;
    if (b[i] === 0 && b[i + 1] >= 0x09 && b[i + 1] < 0x7f) be++;
  }
  return le === n / 2 ? 'LE' : be === n / 2 ? 'BE' : null;
}

/** True when the first 4 KiB hold no NUL byte: text (its UTF-8 is checked, with the offset, when it is parsed). */
export function looksLikeText(b: Uint8Array): boolean {
  return !b.subarray(0, 4096).includes(0);
}

/** The start of a file as a quoted excerpt for messages. */
function excerpt(b: Uint8Array): string {
  const text = new TextDecoder('utf-8').decode(b.subarray(0, 40)).split('\n')[0];
  return JSON.stringify(text.length > 30 ? `${text.slice(0, 30)}…` : text);
}

function hexHead(b: Uint8Array, n = 8): string {
  return Array.from(b.subarray(0, n), (x) => x.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Throws a DataError describing what the file is when it is a known lookalike (in the order the checks
 * are made: weights file, UTF-16, damaged NumPy, IDX-named text or damaged IDX, zip without directory,
 * JSON); returns when it may be read as a CSV/TSV table.
 */
export function refuseLookalike(name: string, b: Uint8Array, hasZipEnd: boolean): void {
  const file = name;
  if (looksLikeSafetensors(b, b.length) || /\.safetensors$/i.test(name)) {
    throw new DataError(
      'is a model weights file (safetensors), not a dataset: open it on its own (drop it alone on the page; ' +
        'classifier-lab inspect FILE, or predict --model FILE)',
      { file },
    );
  }
  const utf16 = utf16Kind(b);
  if (utf16) throw new DataError(`is UTF-16 text (${utf16 === 'LE' ? 'little' : 'big'}-endian): save it as UTF-8 (e.g. "CSV UTF-8") and load it again`, { file, offset: 0 });
  const magicHits = NPY_MAGIC.filter((m, i) => b[i] === m).length;
  const head = new TextDecoder('latin1').decode(b.subarray(0, 256));
  if (/\.npy$/i.test(name) || (magicHits >= 3 && magicHits < 6) || head.includes('NUMPY') || /\{\s*'descr'\s*:/.test(head)) {
    throw new DataError(
      `looks like a NumPy file with a damaged header: a .npy starts with the 6 bytes 93 4e 55 4d 50 59 (\\x93NUMPY), this one with ${hexHead(b, 6)}`,
      { file, offset: 0 },
    );
  }
  const text = looksLikeText(b);
  if (IDX_NAME.test(name)) {
    if (text) throw new DataError(`the name suggests an IDX file, but the content is text (it starts ${excerpt(b)}), not IDX's binary header`, { file, offset: 0 });
    throw new DataError(
      `the name suggests an IDX file, but its header is not one: IDX starts 00 00, a type code (08 09 0b 0c 0d 0e) and 1–8 dimensions; this file starts ${hexHead(b, 4)}`,
      { file, offset: 0 },
    );
  }
  if (hasZipEnd || (b[0] === 0x50 && b[1] === 0x4b) || /\.(zip|npz)$/i.test(name)) {
    if (!hasZipEnd) {
      throw new DataError('looks like a zip file whose central directory is missing (no end-of-central-directory record at its end): truncated, or damaged', { file, offset: b.length });
    }
    throw new DataError(`looks like a zip file whose first local header is damaged (it starts ${hexHead(b, 4)}, not 50 4b 03 04)`, { file, offset: 0 });
  }
  if (text) {
    const first = new TextDecoder('utf-8').decode(b.subarray(0, 64)).trimStart()[0];
    if (first === '{' || first === '[') {
      throw new DataError('holds JSON, not a table: the lab reads CSV/TSV, IDX, .npy/.npz and zips of image folders', { file, offset: 0 });
    }
    return;
  }
  throw new DataError(
    `format not recognised (first bytes ${hexHead(b)}); expected IDX, CSV/TSV, .npy, .npz or a zip of image folders, optionally gzipped`,
    { file, offset: 0 },
  );
}
