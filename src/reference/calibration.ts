// Calibration from the validation statistics' confidence bins: the reliability diagram, the expected
// calibration error (ECE, Guo et al. 2017, 15 equal-width bins), and the mean probability of the true
// class. Invalid (NaN) rows are in no bin, so every figure is over the valid rows.
import { CalibrationBins, type CalibrationCounts } from './validation-stats';

export interface ReliabilityBin {
  /** Confidence range [lo, hi) of the bin (the last includes 1). */
  lo: number;
  hi: number;
  rows: number;
  /** Mean confidence and accuracy of the bin's rows (NaN for an empty bin). */
  confidence: number;
  accuracy: number;
}

export function reliability(c: CalibrationCounts): ReliabilityBin[] {
  return c.binRows.map((rows, b) => ({
    lo: b / CalibrationBins,
    hi: (b + 1) / CalibrationBins,
    rows,
    confidence: rows ? c.binConfidence[b] / rows : NaN,
    accuracy: rows ? c.binCorrect[b] / rows : NaN,
  }));
}

/** Valid rows counted in the bins. */
export const validRows = (c: CalibrationCounts): number => c.binRows.reduce((a, b) => a + b, 0);

// ECE = Σ_b (n_b / N) · |acc_b − conf_b|  over non-empty bins, N = valid rows
export function expectedCalibrationError(c: CalibrationCounts): number {
  const n = validRows(c);
  if (n === 0) return NaN;
  let e = 0;
  for (let b = 0; b < c.binRows.length; b++) {
    if (c.binRows[b] > 0) e += Math.abs(c.binCorrect[b] - c.binConfidence[b]) / n;
  }
  return e;
}

/** Mean p(true class) over the valid rows: the confidence cross-entropy rewards, as a probability. */
export function meanTrueProbability(c: CalibrationCounts): number {
  const n = validRows(c);
  return n ? c.trueProbability / n : NaN;
}
