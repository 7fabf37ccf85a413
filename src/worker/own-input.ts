// The user's own input (a drawing, an image, a table row) through the model on the CPU: the reference
// forward on a copy of the latest weights, so that the GPU queue of a running training is never
// interrupted. While training, the copy is refreshed at most once a second (a read-back that waits
// only for the steps already queued); idle, whenever the weights moved.
import type { RunFile } from '../io/checkpoint';
import { labLogits } from '../io/lab-forward';
import type { Prediction } from './insight-types';

/** How old the copy may get while the run trains. */
export const REFRESH_MS = 1000;

export class WeightsCopy {
  private copy: { file: RunFile; at: number; step: number } | null = null;
  private pending: Promise<RunFile> | null = null;

  /** `read` snapshots the run (weights + manifest); `step` is its global step now. */
  constructor(private readonly read: () => Promise<RunFile>) {}

  async get(step: number, training: boolean): Promise<RunFile> {
    const c = this.copy;
    const fresh = c && (training ? performance.now() - c.at < REFRESH_MS : c.step === step);
    if (c && fresh) return c.file;
    // One read-back at a time; calls meanwhile share it (or use the older copy while training).
    if (!this.pending) {
      this.pending = this.read().then((file) => {
        this.copy = { file, at: performance.now(), step };
        return file;
      });
      this.pending.finally(() => (this.pending = null)).catch(() => undefined);
    }
    return c && training ? c.file : this.pending;
  }
}

/** Softmax of each row of (rows, classes) logits, max-shifted. */
export function softmaxRows(logits: ArrayLike<number>, rows: number, classes: number): Float32Array {
  const p = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < classes; j++) m = Math.max(m, logits[r * classes + j]);
    let s = 0;
    for (let j = 0; j < classes; j++) s += Math.exp(logits[r * classes + j] - m);
    for (let j = 0; j < classes; j++) p[r * classes + j] = Math.exp(logits[r * classes + j] - m) / s;
  }
  return p;
}

/** Probabilities of raw features x (rows × the data's feature size) under a run file's weights. */
export function predictWith(file: RunFile, x: ArrayLike<number>, rows: number): Prediction {
  const t0 = performance.now();
  const m = file.manifest;
  const logits = labLogits(m, file.params, x, rows);
  const probs = softmaxRows(logits, rows, m.architecture.numClasses);
  const p = m.position;
  const weights = p && p.step > 0 ? `epoch ${p.epoch + 1}, step ${p.step}` : `epoch ${m.epochsDone}`;
  return { probs, weights, ms: performance.now() - t0 };
}
