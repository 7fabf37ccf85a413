// The built CLI's `evaluate`: a model exported by `train` measured again on the split it validated on
// gives that run's last epoch exactly (same weights, same split, same backend): accuracy, loss, matrix
// and ECE. With --data the user's files go through train's loaders; files that do not fit the model and
// bad arguments exit 2 with a message, no stack trace.
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli, type CliResult } from '../../tests/helpers/cli';
import { blobsCsv } from '../../tests/e2e/drop-data';
import type { EvaluationReport } from './evaluate-report';

let cli: string;
let remove: () => void;
const dir = mkdtempSync(join(tmpdir(), 'classifier-lab-evaluate-'));
const at = (name: string) => join(dir, name);

/** `rows` table rows of `features` numbers and a class label (k = row mod classes), seeded. */
function csv(rows: number, classes: number, features: number): string {
  let s = 7;
  const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = [[...Array.from({ length: features }, (_, j) => `f${j + 1}`), 'species'].join(',')];
  for (let i = 0; i < rows; i++) lines.push([...Array.from({ length: features }, () => (r() * 4).toFixed(3)), `c${i % classes}`].join(','));
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  ({ cli, remove } = buildCli());
  await writeFile(at('blobs.csv'), blobsCsv(300, 1));
  await writeFile(at('two-classes.csv'), csv(60, 2, 4));
  await writeFile(at('five-features.csv'), csv(60, 3, 5));
});

afterAll(() => {
  remove?.();
  rmSync(dir, { recursive: true, force: true });
});

const jsonLines = (r: CliResult) => r.stdout.trim().split('\n').map((l) => JSON.parse(l));
const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
const trace = (m: number[][]) => sum(m.map((row, i) => row[i]));

/** The report's own consistency: matrix total = examples, trace / examples = accuracy, per-class figures from the matrix. */
function expectConsistent(e: EvaluationReport): void {
  expect(sum(e.confusion.flat())).toBe(e.examples);
  expect(trace(e.confusion) / e.examples).toBe(e.accuracy);
  e.per_class.forEach((k, c) => {
    const col = sum(e.confusion.map((row) => row[c]));
    expect(k.count).toBe(sum(e.confusion[c]));
    expect(k.recall).toBe(e.confusion[c][c] / k.count);
    // JSON writes an empty denominator's NaN as null.
    expect(k.precision).toBe(col ? e.confusion[c][c] / col : null);
    expect(k.accuracy).toBe((e.examples - (col - e.confusion[c][c]) - (k.count - e.confusion[c][c])) / e.examples);
  });
}

describe('classifier-lab evaluate', () => {
  it('gives the train run\'s last epoch exactly on the built-in validation split (WebGPU)', async () => {
    const model = at('softmax.safetensors');
    const t = await runCli(cli, ['train', '--model', 'softmax', '--epochs', '1', '--limit', '1024', '--backend', 'webgpu', '--out', model]);
    expect(t.code, t.stderr).toBe(0);
    const epoch = jsonLines(t).pop();
    const r = await runCli(cli, ['evaluate', model, '--backend', 'webgpu', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r);
    expect(lines).toHaveLength(1);
    const e: EvaluationReport = lines[0];
    expect(e).toMatchObject({ dataset: 'Fashion-MNIST', split: 'validation', examples: 10_000, invalid: 0 });
    expect(e.accuracy).toBe(epoch.val_acc);
    expect(e.loss).toBe(epoch.val_loss);
    expect(e.confusion).toEqual(epoch.confusion);
    expect(e.ece).toBe(epoch.ece);
    expectConsistent(e);
    expect(e.per_class.map((k) => k.class)).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    expect(e.per_class.map((k) => k.count)).toEqual(Array(10).fill(1000));
  });

  it('--data: the files\' validation split through train\'s loaders, as JSON and as tables (WebAssembly)', async () => {
    const model = at('blobs.safetensors');
    const t = await runCli(cli, ['train', '--data', at('blobs.csv'), '--model', 'softmax', '--epochs', '2', '--backend', 'wasm', '--out', model]);
    expect(t.code, t.stderr).toBe(0);
    const epoch = jsonLines(t).pop();
    const r = await runCli(cli, ['evaluate', model, '--data', at('blobs.csv'), '--backend', 'wasm', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const e: EvaluationReport = jsonLines(r)[0];
    expect(e).toMatchObject({ dataset: 'blobs', split: 'validation', examples: 30, invalid: 0 });
    expect(e.split_note).toMatch(/stratified 90\/10 train\/validation split of the 300 examples/);
    expect(e.accuracy).toBe(epoch.val_acc);
    expect(e.loss).toBe(epoch.val_loss);
    expect(e.confusion).toEqual(epoch.confusion);
    expect(e.ece).toBe(epoch.ece);
    expectConsistent(e);
    expect(e.per_class.map((k) => k.class)).toEqual(['setosa', 'versicolor', 'virginica']);

    // The same figures as text: the header, a matrix row per true class, a per-class row per class.
    const text = await runCli(cli, ['evaluate', model, '--data', at('blobs.csv'), '--backend', 'wasm']);
    expect(text.code, text.stderr).toBe(0);
    const out = text.stdout.split('\n');
    expect(out[0]).toBe(`${model} on blobs, validation split: 30 examples (${e.split_note})`);
    expect(out[1]).toMatch(new RegExp(`^accuracy ${e.accuracy.toFixed(4)}  loss ${e.loss.toFixed(4)}  ECE ${e.ece.toFixed(4)} `));
    e.per_class.forEach((k, c) => {
      const cells = (line: string | undefined) => line?.trim().split(/\s+/).slice(2);
      expect(cells(out.find((l) => l.startsWith(`${c} ${k.class} `)))).toEqual(e.confusion[c].map(String));
      const metrics = out.filter((l) => l.startsWith(`${c} ${k.class} `))[1];
      expect(cells(metrics)).toEqual([String(k.count), ...[k.precision, k.recall, k.accuracy].map((v) => (v === null ? '–' : v.toFixed(4)))]);
    });
  });

  it('refuses files that do not fit the model, naming what differs (exit 2)', async () => {
    // The blobs model of the test above: 3 classes of 4 features.
    const model = at('blobs.safetensors');
    const classes = await runCli(cli, ['evaluate', model, '--data', at('two-classes.csv'), '--json']);
    expect(classes.code).toBe(2);
    expect(classes.stderr).toContain('The model has 3 classes (setosa, versicolor, virginica), but the dataset has 2 (c0, c1)');
    const shape = await runCli(cli, ['evaluate', model, '--data', at('five-features.csv'), '--json']);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toContain('the model takes 4 inputs, the dataset five-features has 5');
    const noData = await runCli(cli, ['evaluate', model]);
    expect(noData.code).toBe(2);
    expect(noData.stderr).toContain('trained on blobs, which is not a built-in dataset (fashion-mnist, mnist): give its files with --data');
    for (const r of [classes, shape, noData]) expect(r.stdout).toBe('');
  });

  it('bad arguments give the usage and exit 2, without a stack trace', async () => {
    const cases: [string[], string][] = [
      [['evaluate'], 'evaluate needs a model file'],
      [['evaluate', 'a.safetensors', 'b.safetensors'], 'evaluate takes one model file, not 2'],
      [['evaluate', 'a.safetensors', '--bogus'], "Unknown option '--bogus'"],
      [['evaluate', 'a.safetensors', '--backend', 'gpu'], '--backend: "gpu" is not one of auto, webgpu, wasm, reference'],
      [['evaluate', at('missing.safetensors')], 'missing.safetensors: ENOENT'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(cli, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const usage = await runCli(cli, ['evaluate']);
    expect(usage.stderr).toContain('classifier-lab evaluate MODEL.safetensors [--data FILE...');
  });
});
