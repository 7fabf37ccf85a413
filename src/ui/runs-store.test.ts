// The runs kept in the browser: the quota drops the oldest runs' checkpoints (after asking) and never
// their histories; refusing keeps the new run without checkpoints; rename and delete; what sets runs apart.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../model/config';
import { differingSettings, diffLabel } from './run-diff';
import { memoryRunsBackend, planQuota, RunsStore, type SavedRun } from './runs-store';

const run = (id: string, createdAt: string, last = 0, best = 0): SavedRun => ({
  id, name: id, createdAt, config: defaultConfig, datasetName: 'Fashion-MNIST', history: [{ step: 1, epoch: 1, key: 'loss', split: 'val', value: 0.5 }],
  validations: [], status: 'done', checkpoints: { ...(last && { last }), ...(best && { best }) },
});
const bytes = (n: number) => new Uint8Array(n).fill(7);

describe('the quota plan', () => {
  it('drops the oldest checkpoints first until the new bytes fit, never the run being saved', () => {
    const runs = [run('c', '2026-01-03', 30, 10), run('a', '2026-01-01', 20, 20), run('b', '2026-01-02', 25, 0), run('empty', '2025-12-31')];
    expect(planQuota(runs, 10, 200).map((r) => r.id)).toEqual([]);
    // 105 kept + 40 new = 145 > 100: a (40, the oldest) goes → 105, then b (25) → 80.
    expect(planQuota(runs, 40, 100).map((r) => r.id)).toEqual(['a', 'b']);
    // Saving over a (its 40 bytes are replaced, not counted): 65 + 40 = 105, b goes → 80.
    expect(planQuota(runs, 40, 100, 'a').map((r) => r.id)).toEqual(['b']);
  });
});

describe('RunsStore', () => {
  it('asks before dropping: yes drops the oldest checkpoints and keeps every history', async () => {
    const store = new RunsStore(memoryRunsBackend(), 100);
    const never = async () => {
      throw new Error('should not ask');
    };
    await store.save(run('r1', '2026-01-01'), { last: bytes(40), best: bytes(20) }, never);
    await store.save(run('r2', '2026-01-02'), { last: bytes(30) }, never);
    expect(await store.used()).toBe(90);
    const asked: string[][] = [];
    await store.save(run('r3', '2026-01-03'), { last: bytes(30), best: bytes(10) }, async (q) => (asked.push(q.drop.map((d) => d.id)), true));
    expect(asked).toEqual([['r1']]);
    const runs = await store.list();
    expect(runs.map((r) => [r.id, r.checkpoints, r.dropped ?? false])).toEqual([
      ['r1', {}, true],
      ['r2', { last: 30 }, false],
      ['r3', { last: 30, best: 10 }, false],
    ]);
    expect(runs[0].history).toHaveLength(1);
    expect(await store.file('r1', 'last')).toBeNull();
    expect((await store.file('r3', 'best'))!.length).toBe(10);
    expect(await store.used()).toBe(70);
  });

  it('no keeps the older checkpoints and saves the new run without its own', async () => {
    const store = new RunsStore(memoryRunsBackend(), 50);
    await store.save(run('old', '2026-01-01'), { last: bytes(40) }, async () => true);
    const r = await store.save(run('new', '2026-01-02'), { last: bytes(30) }, async () => false);
    expect(r).toMatchObject({ checkpoints: {}, dropped: true });
    expect((await store.file('old', 'last'))!.length).toBe(40);
    // A file larger than the whole quota is never kept, and nothing older is dropped for it.
    const huge = await store.save(run('huge', '2026-01-03'), { last: bytes(60) }, async () => true);
    expect(huge.checkpoints).toEqual({});
    expect((await store.file('old', 'last'))!.length).toBe(40);
  });

  it('renames, refuses an empty name, deletes a run and its files; saving again updates in place', async () => {
    const store = new RunsStore(memoryRunsBackend());
    await store.save(run('x', '2026-01-01'), { last: bytes(5) }, async () => true);
    await store.rename('x', '  lr 0.01  ');
    expect((await store.list())[0].name).toBe('lr 0.01');
    await expect(store.rename('x', ' ')).rejects.toThrow('needs a name');
    await store.save({ ...run('x', '2026-01-01'), name: 'lr 0.01', status: 'stopped' }, { last: bytes(8) }, async () => true);
    expect((await store.list()).map((r) => [r.name, r.status, r.checkpoints.last])).toEqual([['lr 0.01', 'stopped', 8]]);
    await store.remove('x');
    expect(await store.list()).toEqual([]);
    expect(await store.file('x', 'last')).toBeNull();
  });
});

describe('the settings that tell runs apart', () => {
  it('lists only what differs, by URL name', () => {
    const a = { ...defaultConfig, lr: 0.1 };
    const b = { ...defaultConfig, lr: 0.01, optimizer: 'adam' as const };
    const keys = differingSettings([a, b]);
    expect(keys).toEqual(['lr', 'optimizer']);
    expect(diffLabel(b, keys)).toBe('lr=0.01, optimizer=adam');
    expect(differingSettings([a])).toEqual([]);
  });
});
