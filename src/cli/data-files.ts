// `classifier-lab train --data FILE... [--label-column C] [--image-size N|HxW] [--channels grey|rgb]`:
// the user's files through the engine's loader, as the page's drop does; a bad file exits 2 with the
// loader's message (file, row, byte offset).
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { DataError } from '../data/errors';
import type { LabEngine } from '../worker/lab-engine';
import type { DataOptions, DatasetSummary } from '../worker/protocol';
import { InputError } from './input-error';

export const dataUsage = `  classifier-lab train --data FILE... [--test FILE...] [--label-column NAME|INDEX] [--image-size N|HxW] [--channels grey|rgb] [--max-classes N] [train options]
    trains on your files: IDX[.gz] pairs, CSV/TSV, a zip of <class>/<image> folders, X.npy + y.npy or a .npz;
    --test files hold a test split, evaluated once at the end (a "test" JSON line), never used to choose the best epoch;
    more than 1,000 classes needs --max-classes
`;

interface DataValues {
  data?: string[];
  test?: string[];
  'label-column'?: string;
  'image-size'?: string;
  channels?: string;
  'max-classes'?: string;
}

/** The loader options from the flags; a malformed one is an InputError. */
export function dataOptions(values: DataValues): DataOptions & { maxClasses?: number } {
  const o: DataOptions & { maxClasses?: number } = {};
  const max = values['max-classes'];
  if (max !== undefined) {
    if (!/^\d+$/.test(max.trim()) || Number(max) < 2) throw new InputError(`--max-classes: "${max}" is not a whole number of at least 2`);
    o.maxClasses = Number(max);
  }
  const label = values['label-column'];
  if (label !== undefined) o.labelColumn = /^\d+$/.test(label.trim()) ? Number(label) : label;
  const size = values['image-size'];
  if (size !== undefined) {
    const m = /^(\d+)(?:[x×](\d+))?$/i.exec(size.trim());
    if (!m || Number(m[1]) < 1 || Number(m[2] ?? 1) < 1) throw new InputError(`--image-size: "${size}" is not N or HxW (e.g. 28 or 32x48)`);
    o.imageSize = m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])];
  }
  const ch = values.channels;
  if (ch !== undefined) {
    if (ch !== 'grey' && ch !== 'rgb') throw new InputError(`--channels: "${ch}" is not grey or rgb`);
    o.channels = ch;
  }
  return o;
}

/** Opens each path as a File (read lazily, named by its base name, as a dropped file is). */
export async function openDataFiles(paths: string[]): Promise<File[]> {
  return Promise.all(
    paths.map(async (p) => {
      try {
        return new File([await openAsBlob(p)], basename(p));
      } catch (e) {
        throw new InputError(`${p}: ${(e as Error).message}`);
      }
    }),
  );
}

/** Loads `--data` (and any file names after it) into the engine; prints what was understood to stderr. */
export async function loadDataFiles(engine: LabEngine, values: DataValues, more: string[] = []): Promise<DatasetSummary> {
  const options = dataOptions(values);
  const tests = values.test ?? [];
  if (tests.length) options.testFiles = tests.map((p) => basename(p));
  const files = await openDataFiles([...(values.data ?? []), ...more, ...tests]);
  let s: DatasetSummary;
  try {
    s = await engine.loadFiles(files, undefined, options);
  } catch (e) {
    throw e instanceof DataError ? new InputError(e.message) : e;
  }
  process.stderr.write(`data: ${s.format}, features ${s.shape.join('×')}, ${s.classNames.length} classes; ${s.splitNote}\n`);
  for (const w of s.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  return s;
}
