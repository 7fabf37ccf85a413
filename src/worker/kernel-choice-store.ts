// The browser's cache of autotuned matmul choices: one JSON file in the origin-private file system,
// keyed by adapter (src/gpu/autotune.ts), so the start-up autotune runs once per adapter and browser.
import type { ChoiceStore, ChoiceTable } from '../gpu/autotune';

const FILE = 'matmul-choices.json';

/** The OPFS store, or undefined where this context has no OPFS (the engine then keeps choices in memory). */
export function opfsChoiceStore(storage: StorageManager | undefined): ChoiceStore | undefined {
  if (!storage || typeof storage.getDirectory !== 'function') return undefined;
  const dir = () => storage.getDirectory();
  return {
    async load() {
      try {
        const file = await (await (await dir()).getFileHandle(FILE)).getFile();
        const parsed: unknown = JSON.parse(await file.text());
        return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ChoiceTable) : {};
      } catch {
        return {};
      }
    },
    async save(table) {
      const writable = await (await (await dir()).getFileHandle(FILE, { create: true })).createWritable();
      await writable.write(JSON.stringify(table));
      await writable.close();
    },
  };
}
