// The CLI's checkpoint store: one file, replaced atomically (write a temporary file beside it, then
// rename), so a run killed while saving leaves the previous checkpoint whole.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { CheckpointStore } from '../worker/lab-engine';

export function fileCheckpointStore(path: string): CheckpointStore {
  const temporary = `${path}.${process.pid}.tmp`;
  return {
    async save(bytes) {
      await writeFile(temporary, bytes);
      await rename(temporary, path);
    },
    async load() {
      try {
        return new Uint8Array(await readFile(path));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
    async clear() {
      await rm(path, { force: true });
    },
  };
}
