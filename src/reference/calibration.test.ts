// Calibration and per-class figures against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { expectedCalibrationError, meanTrueProbability, reliability } from './calibration';
import { classMetrics, mostConfused, rowNormalised } from './class-metrics';
import { addOutcome, emptyCounts, validationCounts } from './validation-stats';

describe('calibration (15 bins)', () => {
  it('ECE of four rows: (2/4)·|0.5 − 0.95| + (1/4)·|1 − 0.5| + (1/4)·|0 − 0.42| = 0.455', () => {
    const counts = emptyCounts(3);
    const row = (pred: number, conf: number, label: number) => addOutcome(counts, { top: [pred], probs: [conf], label, pTrue: pred === label ? conf : 0.1 }, 3);
    row(0, 0.95, 0); // bin 14, right
    row(1, 0.95, 0); // bin 14, wrong
    row(2, 0.5, 2); // bin 7, right
    row(0, 0.42, 1); // bin 6, wrong
    const bins = reliability(counts.calibration);
    expect(bins[14]).toMatchObject({ rows: 2, accuracy: 0.5 });
    expect(bins[14].confidence).toBeCloseTo(0.95, 12);
    expect(bins[7]).toMatchObject({ rows: 1, accuracy: 1, confidence: 0.5 });
    expect(bins[6]).toMatchObject({ rows: 1, accuracy: 0, confidence: 0.42 });
    expect(bins[0].rows).toBe(0);
    expect(Number.isNaN(bins[0].accuracy)).toBe(true);
    expect(bins[6].lo).toBeCloseTo(6 / 15, 15);
    expect(expectedCalibrationError(counts.calibration)).toBeCloseTo(0.455, 12);
    expect(meanTrueProbability(counts.calibration)).toBeCloseTo((0.95 + 0.1 + 0.5 + 0.1) / 4, 12);
  });

  it('from logits: softmax(0, ln 3) = (0.25, 0.75) right, softmax(ln 9, 0) = (0.9, 0.1) wrong → ECE 0.575, mean p(true) 0.425', () => {
    const logits = [0, Math.log(3), Math.log(9), 0];
    const c = validationCounts(logits, [1, 1], 2, 2);
    expect(c.correct).toBe(1);
    expect(Array.from(c.confusion)).toEqual([0, 0, 1, 1]);
    expect(expectedCalibrationError(c.calibration)).toBeCloseTo(0.5 * 0.25 + 0.5 * 0.9, 12);
    expect(meanTrueProbability(c.calibration)).toBeCloseTo(0.425, 12);
    expect(c.calibration.trueHistogram.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('a perfectly calibrated split has ECE 0; invalid rows are in no bin', () => {
    const c = emptyCounts(2);
    for (let i = 0; i < 10; i++) addOutcome(c, { top: [0, 1], probs: [0.6, 0.4], label: i < 6 ? 0 : 1, pTrue: i < 6 ? 0.6 : 0.4 }, 2);
    addOutcome(c, { top: [], probs: [], label: 0, pTrue: 0 }, 2);
    expect(c.invalid).toBe(1);
    expect(expectedCalibrationError(c.calibration)).toBeCloseTo(0, 12);
    expect(meanTrueProbability(c.calibration)).toBeCloseTo(0.52, 12);
    expect(Number.isNaN(expectedCalibrationError(emptyCounts(2).calibration))).toBe(true);
  });
});

describe('per-class figures', () => {
  // rows: true class; columns: predicted. N = 16.
  const m = [5, 1, 0, 2, 3, 1, 0, 0, 4];

  it('precision, recall and one-vs-rest accuracy', () => {
    const [a, b, c] = classMetrics(m, 3);
    expect(a).toEqual({ support: 6, precision: 5 / 7, recall: 5 / 6, accuracy: 13 / 16 });
    expect(b).toEqual({ support: 6, precision: 3 / 4, recall: 1 / 2, accuracy: 12 / 16 });
    expect(c).toEqual({ support: 4, precision: 4 / 5, recall: 1, accuracy: 15 / 16 });
    const empty = classMetrics([1, 0, 0, 0], 2)[1];
    expect(Number.isNaN(empty.precision) && Number.isNaN(empty.recall)).toBe(true);
  });

  it('row-normalised view and the most confused pairs', () => {
    expect(Array.from(rowNormalised(m, 3)).slice(3, 6)).toEqual([2 / 6, 3 / 6, 1 / 6]);
    expect(mostConfused(m, 3)).toEqual([
      { trueClass: 1, predClass: 0, count: 2, share: 2 / 6 },
      { trueClass: 0, predClass: 1, count: 1, share: 1 / 6 },
      { trueClass: 1, predClass: 2, count: 1, share: 1 / 6 },
    ]);
    expect(mostConfused(m, 3, 1)).toHaveLength(1);
  });
});
