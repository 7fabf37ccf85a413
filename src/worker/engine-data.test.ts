// User files through the engine (the path the worker and the CLI take) on real WebGPU: File objects in,
// a summary out with the chosen label column and the loader's warnings; a bad file is refused with its
// location and the dataset, the weights and the run stay; no load while training; no Continue on new data.
import { afterAll, describe, expect, it } from 'vitest';
import { testGpu } from '../../tests/helpers/gpu';
import { nodePlatform } from '../cli/node-platform';
import { enc, png, zip } from '../data/fixtures/make';
import { defaultConfig } from '../model/config';
import type { MetricRecord } from '../model/metrics';
import { throttleProgress } from './file-loader';
import { LabEngine } from './lab-engine';
import type { LoadProgress } from './protocol';

const engine = new LabEngine({ ...nodePlatform(), acquireGpu: async () => ({ ok: true, gpu: await testGpu() }) });
afterAll(() => engine.destroy());

/** 200 rows: two features, then the class name, then a noise column; the class follows f1 + f2. */
function csv(rows = 200): string {
  const lines = ['f1,f2,kind,noise'];
  for (let i = 0; i < rows; i++) {
    const a = ((i * 37) % 100) / 10;
    const b = ((i * 53) % 100) / 10;
    lines.push(`${a},${b},${a + b > 10 ? 'big' : 'small'},${i % 7}`);
  }
  return lines.join('\n') + '\n';
}

const file = (bytes: Uint8Array | string, name: string) => new File([(typeof bytes === 'string' ? enc(bytes) : bytes) as Uint8Array<ArrayBuffer>], name);
const quiet = { metric: () => {}, progress: () => {}, status: () => {}, epoch: () => {} };

describe('LabEngine.loadFiles', () => {
  it('loads a CSV with the label column picked by name, reporting progress', async () => {
    await engine.init();
    const seen: LoadProgress[] = [];
    const s = await engine.loadFiles([file(csv(), 'blobs.csv')], (p) => seen.push(p), { labelColumn: 'kind' });
    expect([s.name, s.format, s.shape, s.classNames, s.counts]).toEqual(['blobs', 'csv', [3], ['big', 'small'], { train: 180, val: 20 }]);
    expect(seen[0]).toEqual({ file: 'blobs.csv', bytesDone: 0, bytesTotal: csv().length });
    expect(seen.every((p) => p.file === 'blobs.csv' && p.bytesDone <= p.bytesTotal)).toBe(true);
  });

  it('refuses a bad file with its location and keeps the dataset, the weights and the run', async () => {
    await engine.loadFiles([file(csv(), 'blobs.csv')], undefined, { labelColumn: 2 });
    const before = engine.currentDataset;
    await engine.train({ ...defaultConfig, model: 'softmax', epochs: 1, batchSize: 32 }, quiet, false);
    const params = await engine.readParams();
    const bad = 'f1,f2,kind\n1,2,a\n3,12px,b\n';
    await expect(engine.loadFiles([file(bad, 'bad.csv')])).rejects.toThrow('bad.csv, row 3: column "f2" (2): "12px" is not a number');
    await expect(engine.loadFiles([file(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2]), 'broken.csv.gz')])).rejects.toThrow(/^broken\.csv\.gz/);
    expect(engine.currentDataset).toBe(before);
    const after = await engine.readParams();
    for (const [name, t] of params) expect(after.get(name), name).toEqual(t);
    expect((await engine.exportWeights()).filename).toBe('blobs-softmax.safetensors');
  });

  it('refuses to load while training, and Continue on a newly loaded dataset', async () => {
    await engine.loadFiles([file(csv(), 'blobs.csv')], undefined, { labelColumn: 'kind' });
    let stopped: Promise<void> | undefined;
    let refused: unknown;
    const events = {
      ...quiet,
      metric: (r: MetricRecord) => {
        if (stopped || r.split !== 'train') return;
        stopped = engine.loadFiles([file(csv(), 'other.csv')]).catch((e) => {
          refused = e;
        }).then(() => engine.stop());
      },
    };
    await engine.train({ ...defaultConfig, model: 'softmax', epochs: 50, batchSize: 16 }, events, false);
    await stopped;
    expect(String(refused)).toContain('Stop training before loading another dataset');
    expect(engine.currentDataset?.name).toBe('blobs');

    await engine.loadFiles([file(csv(100), 'other.csv')], undefined, { labelColumn: 'kind' });
    await expect(engine.train({ ...defaultConfig, model: 'softmax', epochs: 50, batchSize: 16 }, quiet, true)).rejects.toThrow(
      'The stopped run trained on blobs, not on the dataset loaded now: press Train to start over on it',
    );
  });

  it('stops a run whose Stop came while it was being set up, before any step', async () => {
    await engine.loadFiles([file(csv(), 'blobs.csv')], undefined, { labelColumn: 'kind' });
    const statuses: string[] = [];
    const epochs: number[] = [];
    // Statuses without a message: where the run trains ('Training on …') is said, but no trainer ever started.
    const run = engine.train({ ...defaultConfig, model: 'softmax', epochs: 50, batchSize: 16 }, { ...quiet, status: (s, m) => !m && statuses.push(s), epoch: (e) => epochs.push(e.epoch) }, false);
    await engine.stop();
    await run;
    expect([statuses, epochs]).toEqual([['stopped'], []]);
  });

  it('passes image size and channels through, and carries the warnings into the summary', async () => {
    const files: Record<string, Uint8Array> = { 'notes.txt': enc('not an image') };
    for (let i = 0; i < 6; i++) {
      files[`dark/${i}.png`] = png(12, 12, 1, () => 20 + i);
      files[`light/${i}.png`] = png(12, 12, 3, (_x, _y, c) => 200 + c * 10);
    }
    files['light/broken.png'] = png(12, 12, 1, () => 9).slice(0, 40);
    const s = await engine.loadFiles([file(zip(files), 'shades.zip')], undefined, { imageSize: 6, channels: 'rgb' });
    expect([s.format, s.shape, s.classNames, s.counts.train + s.counts.val]).toEqual(['image-zip', [3, 6, 6], ['dark', 'light'], 12]);
    expect(s.samples?.channels).toBe(3);
    expect(s.warnings?.join('\n')).toMatch(/broken\.png/);
    expect(s.warnings?.join('\n')).toMatch(/notes\.txt/);
  });
});

describe('throttleProgress', () => {
  it('passes each file’s first and last report and at most one per interval in between', () => {
    let t = 0;
    const out: number[] = [];
    const p = throttleProgress((x) => out.push(x.bytesDone), 100, () => t);
    for (let done = 0; done <= 1000; done += 10, t += 7) p({ file: 'a', bytesDone: done, bytesTotal: 1000 });
    p({ file: 'b', bytesDone: 0, bytesTotal: 5 });
    expect(out[0]).toBe(0);
    expect(out.at(-2)).toBe(1000);
    expect(out.at(-1)).toBe(0);
    // 101 reports over 700 ms of fake time: the first, one per 100 ms, and the last.
    expect(out.length).toBeLessThanOrEqual(10);
    expect(out.length).toBeGreaterThanOrEqual(7);
  });
});
