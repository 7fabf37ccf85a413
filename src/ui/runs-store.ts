// Every run is kept in the browser: its settings, dataset fingerprint, metric history, per-epoch
// confusion matrices and its last and best weights (export files). Histories are small and always kept;
// checkpoints count against a quota (500 MB by default), and past it the oldest runs' checkpoints are
// dropped — after asking — while their histories stay. Storage goes through a RunsBackend (IndexedDB in
// the page, memory in tests).
import type { DatasetFingerprint } from '../io/manifest';
import type { TrainConfig } from '../model/config';
import type { MetricRecord } from '../model/metrics';
import type { EpochValidation, TestReport } from '../worker/insight-types';

export const DEFAULT_QUOTA = 500 * 1000 * 1000;

export type CheckpointKind = 'last' | 'best';

export interface SavedRun {
  id: string;
  name: string;
  /** ISO time the run was first saved; the quota drops the oldest first. */
  createdAt: string;
  config: TrainConfig;
  datasetName: string;
  fingerprint?: DatasetFingerprint;
  history: MetricRecord[];
  validations: EpochValidation[];
  status: string;
  /** The best epoch, by what, and its value. */
  best?: { epoch: number; by: TrainConfig['bestBy']; value: number };
  /** The test split's one evaluation at the end, where the data has one. */
  test?: TestReport;
  /** Bytes of each checkpoint kept (absent: none, or dropped by the quota). */
  checkpoints: Partial<Record<CheckpointKind, number>>;
  /** Checkpoints the quota dropped (the history stays). */
  dropped?: boolean;
}

export interface RunsBackend {
  list(): Promise<SavedRun[]>;
  put(run: SavedRun): Promise<void>;
  remove(id: string): Promise<void>;
  putFile(id: string, kind: CheckpointKind, bytes: Uint8Array): Promise<void>;
  getFile(id: string, kind: CheckpointKind): Promise<Uint8Array | null>;
  removeFile(id: string, kind: CheckpointKind): Promise<void>;
}

/** Checkpoint bytes a run holds. */
export const checkpointBytes = (r: SavedRun): number => (r.checkpoints.last ?? 0) + (r.checkpoints.best ?? 0);

/** The oldest runs (never `keep`) whose checkpoints must go for `incoming` more bytes to fit under the quota. */
export function planQuota(runs: readonly SavedRun[], incoming: number, quota: number, keep?: string): SavedRun[] {
  let total = runs.filter((r) => r.id !== keep).reduce((a, r) => a + checkpointBytes(r), 0) + incoming;
  const drop: SavedRun[] = [];
  for (const r of [...runs].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))) {
    if (total <= quota) break;
    if (r.id === keep || checkpointBytes(r) === 0) continue;
    drop.push(r);
    total -= checkpointBytes(r);
  }
  return drop;
}

/** What to do when a save passes the quota: the runs whose checkpoints would go, and their bytes. */
export interface QuotaQuestion {
  drop: { id: string; name: string; bytes: number }[];
  incoming: number;
  quota: number;
}

export class RunsStore {
  constructor(
    private readonly backend: RunsBackend,
    public quota = DEFAULT_QUOTA,
  ) {}

  list(): Promise<SavedRun[]> {
    return this.backend.list().then((runs) => runs.sort((a, b) => a.createdAt.localeCompare(b.createdAt)));
  }

  /**
   * Saves (or updates) a run with its checkpoint files. Past the quota, `ask` hears which older runs'
   * checkpoints would go: yes drops them, no saves this run without its checkpoints. Histories always stay.
   */
  async save(run: Omit<SavedRun, 'checkpoints'>, files: Partial<Record<CheckpointKind, Uint8Array>>, ask: (q: QuotaQuestion) => Promise<boolean>): Promise<SavedRun> {
    const runs = await this.backend.list();
    const incoming = (files.last?.length ?? 0) + (files.best?.length ?? 0);
    const drop = planQuota(runs, incoming, this.quota, run.id);
    let keepFiles = true;
    if (drop.length > 0 || incoming > this.quota) {
      const yes = incoming <= this.quota && (await ask({ drop: drop.map((r) => ({ id: r.id, name: r.name, bytes: checkpointBytes(r) })), incoming, quota: this.quota }));
      if (yes) for (const r of drop) await this.dropCheckpoints(r);
      else keepFiles = false;
    }
    const saved: SavedRun = { ...run, checkpoints: {}, ...(keepFiles ? {} : { dropped: true }) };
    for (const kind of ['last', 'best'] as const) {
      const bytes = files[kind];
      if (keepFiles && bytes) {
        await this.backend.putFile(run.id, kind, bytes);
        saved.checkpoints[kind] = bytes.length;
      } else await this.backend.removeFile(run.id, kind);
    }
    await this.backend.put(saved);
    return saved;
  }

  private async dropCheckpoints(r: SavedRun): Promise<void> {
    await this.backend.removeFile(r.id, 'last');
    await this.backend.removeFile(r.id, 'best');
    await this.backend.put({ ...r, checkpoints: {}, dropped: true });
  }

  async rename(id: string, name: string): Promise<void> {
    const r = (await this.backend.list()).find((x) => x.id === id);
    if (!r) throw new Error(`No saved run ${id}`);
    const trimmed = name.trim();
    if (!trimmed) throw new Error('A run needs a name');
    await this.backend.put({ ...r, name: trimmed });
  }

  /** Updates a kept run's metadata (the test report that arrives after the run was saved); unknown ids are ignored. */
  async patch(id: string, patch: Partial<Pick<SavedRun, 'test' | 'status'>>): Promise<void> {
    const r = (await this.backend.list()).find((x) => x.id === id);
    if (r) await this.backend.put({ ...r, ...patch });
  }

  async remove(id: string): Promise<void> {
    await this.backend.removeFile(id, 'last');
    await this.backend.removeFile(id, 'best');
    await this.backend.remove(id);
  }

  file(id: string, kind: CheckpointKind): Promise<Uint8Array | null> {
    return this.backend.getFile(id, kind);
  }

  /** Checkpoint bytes kept in all (histories are small and not counted against the quota). */
  async used(): Promise<number> {
    return (await this.backend.list()).reduce((a, r) => a + checkpointBytes(r), 0);
  }
}

/** A RunsBackend in memory (tests; pages without IndexedDB keep runs for the session). */
export function memoryRunsBackend(): RunsBackend {
  const runs = new Map<string, SavedRun>();
  const files = new Map<string, Uint8Array>();
  return {
    list: async () => [...runs.values()].map((r) => structuredClone(r)),
    put: async (r) => void runs.set(r.id, structuredClone(r)),
    remove: async (id) => void runs.delete(id),
    putFile: async (id, kind, bytes) => void files.set(`${id}:${kind}`, bytes.slice()),
    getFile: async (id, kind) => files.get(`${id}:${kind}`) ?? null,
    removeFile: async (id, kind) => void files.delete(`${id}:${kind}`),
  };
}
