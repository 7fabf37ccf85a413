// The page's RunsBackend: IndexedDB database `classifier-lab-runs` with two object stores, `runs`
// (metadata, histories, confusion matrices; key id) and `files` (checkpoint bytes; key "id:kind").
import type { CheckpointKind, RunsBackend, SavedRun } from './runs-store';

const DB = 'classifier-lab-runs';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((ok, fail) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error ?? new Error('IndexedDB request failed'));
  });
}

/** The IndexedDB backend, or undefined where this context has none. */
export async function indexedDbRunsBackend(idb: IDBFactory | undefined = globalThis.indexedDB): Promise<RunsBackend | undefined> {
  if (!idb) return undefined;
  const open = idb.open(DB, 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('runs', { keyPath: 'id' });
    open.result.createObjectStore('files');
  };
  const db = await request(open);
  const store = (name: 'runs' | 'files', mode: IDBTransactionMode) => db.transaction(name, mode).objectStore(name);
  const key = (id: string, kind: CheckpointKind) => `${id}:${kind}`;
  return {
    list: () => request(store('runs', 'readonly').getAll() as IDBRequest<SavedRun[]>),
    put: async (run) => void (await request(store('runs', 'readwrite').put(run))),
    remove: async (id) => void (await request(store('runs', 'readwrite').delete(id))),
    putFile: async (id, kind, bytes) => void (await request(store('files', 'readwrite').put(bytes, key(id, kind)))),
    getFile: async (id, kind) => ((await request(store('files', 'readonly').get(key(id, kind)))) as Uint8Array | undefined) ?? null,
    removeFile: async (id, kind) => void (await request(store('files', 'readwrite').delete(key(id, kind)))),
  };
}
