// The drop zone's options as typed text → DataOptions: label column by name or 0-based index, image
// size as N or H×W, channels. Empty means "let the loader decide"; a bad value says what is needed.
import type { DataOptions } from '../worker/protocol';

export interface RawDataOptions {
  labelColumn: string;
  imageSize: string;
  channels: '' | 'grey' | 'rgb';
  /** Names of the files that hold a test split, comma-separated (`*` wildcards). */
  testFiles: string;
}

export const emptyDataOptions: RawDataOptions = { labelColumn: '', imageSize: '', channels: '', testFiles: '' };

/** The largest side the form accepts (the loader's pixel budget still applies). */
export const MAX_IMAGE_SIDE = 1024;

export type ParsedDataOptions = { ok: true; options: DataOptions } | { ok: false; errors: Partial<Record<keyof RawDataOptions, string>> };

export function parseDataOptions(raw: RawDataOptions): ParsedDataOptions {
  const options: DataOptions = {};
  const errors: Partial<Record<keyof RawDataOptions, string>> = {};
  const label = raw.labelColumn.trim();
  if (label !== '') options.labelColumn = /^\d+$/.test(label) ? Number(label) : label;
  const size = raw.imageSize.trim();
  if (size !== '') {
    const m = /^(\d+)(?:\s*[x×]\s*(\d+))?$/i.exec(size);
    const sides = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [];
    if (sides.length === 2 && sides.every((s) => s >= 1 && s <= MAX_IMAGE_SIDE)) {
      options.imageSize = m![2] === undefined ? sides[0] : [sides[0], sides[1]];
    } else {
      errors.imageSize = `a side like 28, or height×width like 32×48 (1 to ${MAX_IMAGE_SIDE})`;
    }
  }
  if (raw.channels) options.channels = raw.channels;
  const tests = raw.testFiles.split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (tests.length) options.testFiles = tests;
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, options };
}
