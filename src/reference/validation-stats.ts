// CPU reference of the fused validation statistics (shaders/accuracy.wgsl): correct count, `invalid`
// (NaN) rows, the confusion matrix, confidence bins and each row's top-3 outcome. The GPU kernel and the
// Wasm backend are held to it; the CPU backend uses it as is.

/** Reliability-diagram bins over the confidence (the probability of the argmax). */
export const CalibrationBins = 15;
/** Histogram bins over the probability of the true class. */
export const ProbabilityBins = 20;
/** Top classes an outcome keeps. */
export const TopK = 3;

export interface CalibrationCounts {
  /** Per confidence bin b ([b/15, (b+1)/15), the last also 1): valid rows, correct ones, Σ confidence. */
  binRows: number[];
  binCorrect: number[];
  binConfidence: number[];
  /** Σ p(true class) over valid rows, and the histogram of p(true class). */
  trueProbability: number;
  trueHistogram: number[];
}

export interface ValidationCounts {
  /** Valid rows whose argmax equals the label (= the trace of `confusion`). */
  correct: number;
  /** Rows holding a NaN: wrong, and in no cell or bin. */
  invalid: number;
  /** (classes × classes), row = true class, column = predicted class. */
  confusion: Uint32Array;
  calibration: CalibrationCounts;
}

/** One row's outcome: up to three classes by falling logit (first index on ties) and their probabilities. */
export interface Outcome {
  /** Empty for an invalid (NaN) row. */
  top: number[];
  probs: number[];
  label: number;
  /** p(label); 0 for an invalid row. */
  pTrue: number;
}

export function emptyCounts(classes: number): ValidationCounts {
  return {
    correct: 0,
    invalid: 0,
    confusion: new Uint32Array(classes * classes),
    calibration: {
      binRows: new Array<number>(CalibrationBins).fill(0),
      binCorrect: new Array<number>(CalibrationBins).fill(0),
      binConfidence: new Array<number>(CalibrationBins).fill(0),
      trueProbability: 0,
      trueHistogram: new Array<number>(ProbabilityBins).fill(0),
    },
  };
}

export const binOf = (p: number, bins: number): number => Math.min(bins - 1, Math.floor(p * bins));

// d_j = z_j − max z, 0 where z_j is the max (a +Inf logit gets probability 1), clamped at −88
const shifted = (z: number, m: number): number => (z === m ? 0 : Math.max(z - m, -88));

// logits: (b, c) row i → its outcome; p_j = e^(d_j) / Σ_k e^(d_k)
export function rowOutcome(logits: ArrayLike<number>, i: number, c: number, label: number): Outcome {
  const top: number[] = [0];
  const val: number[] = [logits[i * c]];
  let nan = Number.isNaN(val[0]);
  for (let j = 1; j < c; j++) {
    const v = logits[i * c + j];
    if (Number.isNaN(v)) nan = true;
    // Strict > while scanning upwards: on a tie the earlier index stays ahead.
    const at = val.findIndex((u) => v > u);
    if (at >= 0) {
      top.splice(at, 0, j);
      val.splice(at, 0, v);
    } else if (top.length < TopK) {
      top.push(j);
      val.push(v);
    }
    top.length = Math.min(top.length, TopK);
    val.length = top.length;
  }
  if (nan) return { top: [], probs: [], label, pTrue: 0 };
  const m = val[0];
  let s = 0;
  for (let j = 0; j < c; j++) s += Math.exp(shifted(logits[i * c + j], m));
  return { top, probs: val.map((v) => Math.exp(shifted(v, m)) / s), label, pTrue: Math.exp(shifted(logits[i * c + label], m)) / s };
}

/** Adds one row's outcome to the counts. */
export function addOutcome(counts: ValidationCounts, o: Outcome, classes: number): void {
  if (o.top.length === 0) {
    counts.invalid++;
    return;
  }
  const pred = o.top[0];
  const right = pred === o.label;
  if (right) counts.correct++;
  counts.confusion[o.label * classes + pred]++;
  const cal = counts.calibration;
  const b = binOf(o.probs[0], CalibrationBins);
  cal.binRows[b]++;
  if (right) cal.binCorrect[b]++;
  cal.binConfidence[b] += o.probs[0];
  cal.trueProbability += o.pTrue;
  cal.trueHistogram[binOf(o.pTrue, ProbabilityBins)]++;
}

/** logits: (b, c), labels: (b,) → the statistics, added to `into` when given; `outcomes` gets every row's. */
export function validationCounts(logits: ArrayLike<number>, labels: ArrayLike<number>, b: number, c: number, into = emptyCounts(c), outcomes?: Outcome[]): ValidationCounts {
  for (let i = 0; i < b; i++) {
    const o = rowOutcome(logits, i, c, labels[i]);
    addOutcome(into, o, c);
    outcomes?.push(o);
  }
  return into;
}

/** Which outcome rows to list: a cell of the matrix (true and/or predicted class), the invalid rows, or every mistake. */
export interface OutcomeFilter {
  trueClass?: number;
  predClass?: number | 'invalid';
  /** Valid rows whose top-1 class is not the label. */
  wrongOnly?: boolean;
}

export function matchesOutcome(o: Outcome, f: OutcomeFilter): boolean {
  const pred = o.top.length ? o.top[0] : 'invalid';
  if (f.trueClass !== undefined && o.label !== f.trueClass) return false;
  if (f.predClass !== undefined && pred !== f.predClass) return false;
  return !f.wrongOnly || (pred !== 'invalid' && pred !== o.label);
}

/** Selected rows, most confident first (index order on equal confidence, so any backend lists the same). */
export function byConfidence(rows: { index: number; confidence: number }[]): { index: number; confidence: number }[] {
  return rows.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
}
