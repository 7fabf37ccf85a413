// The runs kept in this browser, on the page's side: each run is saved when it stops or finishes (its
// settings, history, per-epoch confusion matrices, last and best weights), listed, renamed, deleted,
// exported, and picked for the overlay chart. A save past the quota waits for the user's answer.
import type { EngineApi } from '../worker/protocol';
import { errorMessage } from './format';
import { DEFAULT_QUOTA, memoryRunsBackend, RunsStore, type CheckpointKind, type QuotaQuestion, type RunsBackend, type SavedRun } from './runs-store';
import type { LabState, TrainingStore } from './training-store';

export interface RunsView {
  runs: SavedRun[];
  /** Runs drawn on the overlay chart. */
  overlay: string[];
  /** Checkpoint bytes kept, and the quota. */
  used: number;
  quota: number;
  /** A save past the quota waiting for yes (drop the oldest checkpoints) or no (keep this run without its own). */
  question?: QuotaQuestion;
  /** Whether runs survive a reload (IndexedDB), or live only for this session. */
  persistent: boolean;
  error?: string;
}

const ENDS = new Set(['done', 'stopped', 'diverged']);

export class RunsSession {
  private view: RunsView = { runs: [], overlay: [], used: 0, quota: DEFAULT_QUOTA, persistent: false };
  private readonly listeners = new Set<(v: RunsView) => void>();
  private store?: RunsStore;
  private answer?: (yes: boolean) => void;
  private current?: { id: string; records: unknown; createdAt: string; name: string };
  private lastStatus = '';
  private lastTest?: unknown;
  /** Saves and updates, one after another (a test report may arrive while its run is being saved). */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    lab: TrainingStore,
    private readonly api: Pick<EngineApi, 'keepRun'>,
    backend: Promise<RunsBackend | undefined>,
  ) {
    void backend.then(async (b) => {
      this.store = new RunsStore(b ?? memoryRunsBackend());
      this.set({ persistent: b !== undefined });
      await this.refresh();
    });
    lab.subscribe((s) => this.follow(s));
  }

  get state(): RunsView {
    return this.view;
  }

  subscribe(fn: (v: RunsView) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<RunsView>): void {
    this.view = { ...this.view, ...patch };
    for (const fn of this.listeners) fn(this.view);
  }

  private async refresh(): Promise<void> {
    if (!this.store) return;
    const runs = await this.store.list();
    this.set({ runs, used: await this.store.used(), quota: this.store.quota, overlay: this.view.overlay.filter((id) => runs.some((r) => r.id === id)) });
  }

  /** A fresh run (a new records array) gets a new entry; a stop or the end saves it. */
  private follow(s: LabState): void {
    if (s.status === 'training' && this.lastStatus !== 'training' && this.current?.records !== s.records) {
      const createdAt = new Date().toISOString();
      const name = `${s.runConfig?.model ?? 'run'} · ${createdAt.slice(0, 16).replace('T', ' ')}`;
      this.current = { id: `run-${createdAt}-${Math.random().toString(36).slice(2, 8)}`, records: s.records, createdAt, name };
    }
    const ended = ENDS.has(s.status) && !ENDS.has(this.lastStatus) && this.lastStatus !== '';
    this.lastStatus = s.status;
    if (ended && this.current && s.runConfig) this.queue = this.queue.then(() => this.save(s));
    if (s.testReport && s.testReport !== this.lastTest && this.current) {
      const id = this.current.id;
      const test = s.testReport;
      this.lastTest = test;
      this.queue = this.queue.then(() => this.act(() => this.store!.patch(id, { test })));
    }
  }

  private async save(s: LabState): Promise<void> {
    const cur = this.current;
    if (!this.store || !cur || !s.runConfig) return;
    try {
      const kept = await this.api.keepRun();
      const existing = this.view.runs.find((r) => r.id === cur.id);
      await this.store.save(
        {
          id: cur.id, name: existing?.name ?? cur.name, createdAt: cur.createdAt, config: s.runConfig, datasetName: s.runDataset?.name ?? '',
          fingerprint: kept.fingerprint, history: [...s.records], validations: [...s.validations], status: s.status,
          ...(kept.best && { best: { epoch: kept.best.epoch, by: kept.best.by, value: kept.best.value } }), ...((kept.test ?? s.testReport) && { test: kept.test ?? s.testReport }),
        },
        { last: kept.last.bytes, best: kept.best?.bytes },
        (q) => new Promise<boolean>((ok) => ((this.answer = ok), this.set({ question: q }))),
      );
      this.set({ question: undefined, error: undefined });
      await this.refresh();
    } catch (e) {
      this.set({ error: `The run could not be kept: ${errorMessage(e)}` });
    }
  }

  /** The user's answer to the quota question. */
  reply(yes: boolean): void {
    this.answer?.(yes);
    this.answer = undefined;
    this.set({ question: undefined });
  }

  toggleOverlay(id: string, on: boolean): void {
    const rest = this.view.overlay.filter((x) => x !== id);
    this.set({ overlay: on ? [...rest, id] : rest });
  }

  async rename(id: string, name: string): Promise<void> {
    await this.act(() => this.store!.rename(id, name));
  }

  async remove(id: string): Promise<void> {
    await this.act(() => this.store!.remove(id));
  }

  /** A kept checkpoint's bytes and a file name for the download. */
  async file(r: SavedRun, kind: CheckpointKind): Promise<{ bytes: Uint8Array; filename: string } | null> {
    const bytes = await this.store?.file(r.id, kind);
    const slug = r.name.replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '') || 'run';
    return bytes ? { bytes, filename: `${slug}-${kind === 'best' ? `best-epoch${r.best?.epoch ?? ''}` : 'last'}.safetensors` } : null;
  }

  private async act(f: () => Promise<void>): Promise<void> {
    try {
      await f();
      this.set({ error: undefined });
    } catch (e) {
      this.set({ error: errorMessage(e) });
    }
    await this.refresh();
  }
}
