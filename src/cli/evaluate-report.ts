// What `classifier-lab evaluate` prints: the engine's evaluation of a model on a validation split as one
// JSON-ready object (confusion as a row per true class, as `train` prints it per epoch) or as text tables.
// Per-class figures and ECE come from src/reference (class-metrics.ts, calibration.ts); empty
// denominators stay NaN, which JSON writes as null and the table as "–".
import { expectedCalibrationError, meanTrueProbability } from '../reference/calibration';
import { classMetrics } from '../reference/class-metrics';
import type { EpochValidation } from '../worker/insight-types';

export interface EvaluationReport {
  model: string;
  dataset: string;
  /** Which split was evaluated ("validation") and how it was made (the loader's split note). */
  split: 'validation';
  split_note: string;
  examples: number;
  accuracy: number;
  loss: number;
  /** (classes × classes) counts, a row per true class, a column per predicted class; its trace / examples is the accuracy. */
  confusion: number[][];
  /** NaN-logit rows: wrong, and in no cell of `confusion`. */
  invalid: number;
  /** Expected calibration error over 15 equal-width confidence bins (valid rows). */
  ece: number;
  mean_true_probability: number;
  per_class: { class: string; precision: number; recall: number; accuracy: number; count: number }[];
}

export interface ReportInput {
  model: string;
  dataset: string;
  splitNote: string;
  classNames: readonly string[];
  loss: number;
  acc: number;
  count: number;
  validation: EpochValidation;
}

export function evaluationReport(r: ReportInput): EvaluationReport {
  const c = r.classNames.length;
  const m = r.validation.confusion;
  if (m.length !== c * c) throw new Error(`the confusion matrix has ${m.length} cells, not ${c}×${c}`);
  return {
    model: r.model,
    dataset: r.dataset,
    split: 'validation',
    split_note: r.splitNote,
    examples: r.count,
    accuracy: r.acc,
    loss: r.loss,
    confusion: Array.from({ length: c }, (_, t) => Array.from(m.subarray(t * c, (t + 1) * c))),
    invalid: r.validation.invalid,
    ece: expectedCalibrationError(r.validation.calibration),
    mean_true_probability: meanTrueProbability(r.validation.calibration),
    per_class: classMetrics(m, c).map((k, i) => ({ class: r.classNames[i], precision: k.precision, recall: k.recall, accuracy: k.accuracy, count: k.support })),
  };
}

const fixed = (v: number, digits = 4) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

/** The report as text: a header, the confusion matrix (rows: true class by index and name), per-class figures. */
export function evaluationTable(r: EvaluationReport): string {
  const c = r.per_class.length;
  const label = (i: number) => `${i} ${r.per_class[i].class}`;
  const labelWidth = Math.max('true \\ predicted'.length, ...r.per_class.map((_, i) => label(i).length));
  const cellWidth = Math.max(String(c - 1).length, ...r.confusion.flat().map((v) => String(v).length)) + 2;
  const lines = [
    `${r.model} on ${r.dataset}, ${r.split} split: ${r.examples.toLocaleString('en-US')} examples (${r.split_note})`,
    `accuracy ${fixed(r.accuracy)}  loss ${fixed(r.loss)}  ECE ${fixed(r.ece)}  mean p(true class) ${fixed(r.mean_true_probability)}  invalid (NaN) rows ${r.invalid}`,
    '',
    'confusion matrix (a row per true class, a column per predicted class)',
    `${'true \\ predicted'.padEnd(labelWidth)}${r.confusion.map((_, p) => String(p).padStart(cellWidth)).join('')}`,
    ...r.confusion.map((row, t) => `${label(t).padEnd(labelWidth)}${row.map((v) => String(v).padStart(cellWidth)).join('')}`),
    '',
    `${'class'.padEnd(labelWidth)}${['count', 'precision', 'recall', 'accuracy'].map((h) => h.padStart(11)).join('')}`,
    ...r.per_class.map((k, i) => `${label(i).padEnd(labelWidth)}${[String(k.count), fixed(k.precision), fixed(k.recall), fixed(k.accuracy)].map((v) => v.padStart(11)).join('')}`),
  ];
  return `${lines.join('\n')}\n`;
}
