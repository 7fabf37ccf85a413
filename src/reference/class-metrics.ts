// What a confusion matrix (row = true class, column = predicted) says per class, and its largest
// off-diagonal cells. Empty denominators give NaN (shown as "–"), never 0.

export interface ClassMetrics {
  /** Examples of the class (row sum). */
  support: number;
  /** TP / (TP + FP): of the examples predicted as the class, the share that are. */
  precision: number;
  /** TP / (TP + FN): of the class's examples, the share found (tfjs-vis' per-class accuracy). */
  recall: number;
  /** (TP + TN) / N: one-vs-rest accuracy of "is it this class?". */
  accuracy: number;
}

export function classMetrics(m: ArrayLike<number>, classes: number): ClassMetrics[] {
  let n = 0;
  const rows = new Array<number>(classes).fill(0);
  const cols = new Array<number>(classes).fill(0);
  for (let t = 0; t < classes; t++) {
    for (let p = 0; p < classes; p++) {
      const v = m[t * classes + p];
      rows[t] += v;
      cols[p] += v;
      n += v;
    }
  }
  return rows.map((support, k) => {
    const tp = m[k * classes + k];
    const fp = cols[k] - tp;
    const fn = support - tp;
    return { support, precision: cols[k] ? tp / cols[k] : NaN, recall: support ? tp / support : NaN, accuracy: n ? (n - fp - fn) / n : NaN };
  });
}

/** Each row divided by its sum (the share of the true class predicted as each column); empty rows stay 0. */
export function rowNormalised(m: ArrayLike<number>, classes: number): Float64Array {
  const out = new Float64Array(classes * classes);
  for (let t = 0; t < classes; t++) {
    let s = 0;
    for (let p = 0; p < classes; p++) s += m[t * classes + p];
    if (s > 0) for (let p = 0; p < classes; p++) out[t * classes + p] = m[t * classes + p] / s;
  }
  return out;
}

export interface ConfusedPair {
  trueClass: number;
  predClass: number;
  count: number;
  /** count / the true class's examples. */
  share: number;
}

/** The `limit` largest off-diagonal cells, largest first (row-major order on ties). */
export function mostConfused(m: ArrayLike<number>, classes: number, limit = 10): ConfusedPair[] {
  const norm = rowNormalised(m, classes);
  const pairs: ConfusedPair[] = [];
  for (let t = 0; t < classes; t++) {
    for (let p = 0; p < classes; p++) {
      const count = m[t * classes + p];
      if (t !== p && count > 0) pairs.push({ trueClass: t, predClass: p, count, share: norm[t * classes + p] });
    }
  }
  return pairs.sort((a, b) => b.count - a.count || a.trueClass * classes + a.predClass - (b.trueClass * classes + b.predClass)).slice(0, limit);
}
