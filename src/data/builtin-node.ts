// Node's way to read the built-in datasets (the CLI and tests): files under a data root on disk.
// Kept apart from builtin.ts so the browser bundle never sees node:fs.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import type { ReadFile } from './builtin';

/** public/data/ of this checkout, found from this source file's location. */
export function defaultDataRoot(): string {
  return resolve(fileURLToPath(new URL('.', import.meta.url)), '../../public/data');
}

export function readFromDir(root: string = defaultDataRoot()): ReadFile {
  return async (relPath) => {
    const b = await readFile(join(root, relPath));
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  };
}
