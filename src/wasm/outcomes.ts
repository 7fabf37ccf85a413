// Reads the validation outcome records the outcome op writes (src/wasm/wat/outcome.wat) as the CPU
// reference's Outcome objects, so the counts, the confusion matrix, the calibration bins and the
// "mistakes" views are computed from them exactly as from the reference's.
import type { Outcome } from '../reference/validation-stats';
import { outcomeBytes } from './abi';

const none = 0xffffffff;

/** Records [0, rows) at byte `at`: top classes (absent ones dropped), label, probabilities. */
export function readOutcomes(memory: ArrayBufferLike, at: number, rows: number): Outcome[] {
  const words = new Uint32Array(memory, at, (rows * outcomeBytes) / 4);
  const floats = new Float64Array(memory, at, (rows * outcomeBytes) / 8);
  const out: Outcome[] = new Array(rows);
  const w = outcomeBytes / 4;
  const f = outcomeBytes / 8;
  for (let i = 0; i < rows; i++) {
    const top: number[] = [];
    const probs: number[] = [];
    for (let k = 0; k < 3; k++) {
      const c = words[i * w + k];
      if (c === none) continue;
      top.push(c);
      probs.push(floats[i * f + 2 + k]);
    }
    out[i] = { top, probs, label: words[i * w + 3], pTrue: floats[i * f + 5] };
  }
  return out;
}
