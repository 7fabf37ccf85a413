// Shared by the PyTorch export tests: small Fashion-MNIST datasets, a CPU-reference engine that trains
// on them (the lab's real trainer, checkpoints and manifests), and project directories on disk.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuiltin } from '../../data/builtin';
import { readFromDir } from '../../data/builtin-node';
import type { Dataset } from '../../data/dataset';
import type { TrainConfig } from '../../model/config';
import type { EpochSummary } from '../../model/metrics';
import { LabEngine } from '../../worker/lab-engine';
import { nodePlatform } from '../../cli/node-platform';
import { npzBytes } from './npz';

let fashion: Promise<Dataset> | undefined;

/** The first `train` training and `val` validation examples of the built-in Fashion-MNIST (28×28 bytes). */
export async function fashionSubset(train: number, val: number): Promise<Dataset> {
  fashion ??= loadBuiltin('fashion-mnist', readFromDir());
  const d = await fashion;
  const size = 28 * 28;
  return {
    ...d,
    name: `fashion-mnist-${train}-${val}`,
    train: { x: d.train.x.slice(0, train * size), y: d.train.y.slice(0, train), count: train },
    val: { x: d.val.x.slice(0, val * size), y: d.val.y.slice(0, val), count: val },
  };
}

/** A dataset as the lab's own .npz input (x_train, y_train, x_test, y_test): what `--data` reads back as the same dataset. */
export function labInputNpz(d: Dataset): Uint8Array {
  const shape = d.shape;
  const labels = (y: Uint32Array) => Uint8Array.from(y);
  return npzBytes({
    x_train: { data: d.train.x as Uint8Array, shape: [d.train.count, ...shape] },
    y_train: { data: labels(d.train.y), shape: [d.train.count] },
    x_test: { data: d.val.x as Uint8Array, shape: [d.val.count, ...shape] },
    y_test: { data: labels(d.val.y), shape: [d.val.count] },
  });
}

/** An engine on the CPU reference with `dataset` loaded (its loadFiles hands it out). */
export async function cpuEngine(dataset: Dataset): Promise<LabEngine> {
  const engine = new LabEngine({
    ...nodePlatform(),
    loadFiles: async () => dataset,
    acquireGpu: async () => ({ ok: false, failure: { kind: 'no-adapter', message: 'PyTorch export test: CPU reference' } }),
  });
  await engine.init().catch(() => undefined);
  await engine.loadFiles([]);
  return engine;
}

/** Trains (or continues) a run; `stopWhen` presses Stop after a step range. Returns the epoch summaries. */
export async function trainLab(engine: LabEngine, config: TrainConfig, resume: boolean, stopWhen?: (steps: number) => boolean): Promise<EpochSummary[]> {
  const epochs: EpochSummary[] = [];
  let points = 0;
  await engine.train(config, {
    metric: (r) => {
      if (r.split === 'train' && stopWhen?.(++points)) void engine.stop();
    },
    progress: () => {},
    status: (s, m) => {
      if (s === 'error' || s === 'diverged') throw new Error(m);
    },
    epoch: (e) => void epochs.push(e),
  }, resume);
  return epochs;
}

/** A fresh temporary directory (removed by the returned function). */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a project's files into `dir`. */
export function writeFiles(dir: string, files: ReadonlyMap<string, Uint8Array>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
}

/** The raw (unnormalised) float32 features of the first `rows` validation examples. */
export function rawVal(d: Dataset, rows: number): Float32Array {
  const size = d.shape.reduce((a, b) => a * b, 1);
  return Float32Array.from(d.val.x.subarray(0, rows * size));
}

/** |a − b| ≤ atol + rtol·|b| everywhere: the largest difference and the first index outside. */
export function compare(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): { maxDiff: number; firstOutside: number } {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let maxDiff = 0;
  let firstOutside = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= atol + rtol * Math.abs(b[i])) && firstOutside < 0) firstOutside = i;
    maxDiff = Number.isNaN(d) ? Infinity : Math.max(maxDiff, d);
  }
  return { maxDiff, firstOutside };
}
