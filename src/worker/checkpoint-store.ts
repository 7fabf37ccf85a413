// The browser's checkpoint store: one file in the origin-private file system (OPFS), written by the
// engine worker at every epoch end and on Stop. createWritable() writes a swap file and swaps it in on
// close(), so a tab closed mid-write keeps the previous checkpoint whole.
import type { CheckpointStore } from './lab-engine';

const FILE = 'current-run.safetensors';

const isNotFound = (e: unknown) => e instanceof DOMException && e.name === 'NotFoundError';

/** The OPFS store, or undefined where this context has no OPFS. */
export function opfsCheckpointStore(storage: StorageManager | undefined): CheckpointStore | undefined {
  if (!storage || typeof storage.getDirectory !== 'function') return undefined;
  const dir = () => storage.getDirectory();
  return {
    async save(bytes) {
      const handle = await (await dir()).getFileHandle(FILE, { create: true });
      const writable = await handle.createWritable();
      try {
        await writable.write(bytes as Uint8Array<ArrayBuffer>);
        await writable.close();
      } catch (e) {
        await writable.abort().catch(() => undefined);
        throw e;
      }
    },
    async load() {
      try {
        const file = await (await (await dir()).getFileHandle(FILE)).getFile();
        return new Uint8Array(await file.arrayBuffer());
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    },
    async clear() {
      try {
        await (await dir()).removeEntry(FILE);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    },
  };
}
