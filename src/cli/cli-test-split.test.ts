// The built CLI with a test split: `train --data FILE --test FILE` prints the per-epoch lines (with the
// validation confusion matrix and ECE), then one "test" line with the test split's loss, accuracy and
// confusion matrix (a row per true class), evaluated once at the end on real WebGPU (Dawn).
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from '../../tests/helpers/cli';
import { blobsCsv } from '../../tests/e2e/drop-data';

let cli: string;
let remove: () => void;
const dir = mkdtempSync(join(tmpdir(), 'classifier-lab-test-split-'));
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  ({ cli, remove } = buildCli());
  await writeFile(at('blobs.csv'), blobsCsv(300, 1));
  await writeFile(at('blobs-test.csv'), blobsCsv(60, 2));
});

afterAll(() => {
  remove?.();
  rmSync(dir, { recursive: true, force: true });
});

describe('classifier-lab train --test', () => {
  it('evaluates the test files once at the end and prints them apart', async () => {
    const r = await runCli(cli, ['train', '--data', at('blobs.csv'), '--test', at('blobs-test.csv'), '--model', 'softmax', '--epochs', '2', '--backend', 'webgpu']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.slice(0, 2).map((l) => l.epoch)).toEqual([1, 2]);
    // Each epoch line carries its validation confusion matrix (a row per true class) and ECE.
    for (const l of lines.slice(0, 2)) {
      const diag = l.confusion.reduce((a: number, row: number[], i: number) => a + row[i], 0);
      const n = l.confusion.flat().reduce((a: number, b: number) => a + b, 0);
      expect(n).toBe(30);
      expect(diag / n).toBe(l.val_acc);
      expect(l.ece).toBeGreaterThanOrEqual(0);
      expect(l.ece).toBeLessThanOrEqual(1);
    }
    const test = lines[2].test;
    expect(lines).toHaveLength(3);
    expect(test).toMatchObject({ epoch: 2, count: 60, invalid: 0 });
    expect(test.confusion).toHaveLength(3);
    const trace = test.confusion.reduce((a: number, row: number[], i: number) => a + row[i], 0);
    expect(test.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(60);
    expect(trace / 60).toBe(test.acc);
  });
});
