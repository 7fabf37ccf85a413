// Typed wrapper of shaders/accuracy.wgsl: the fused validation statistics (correct count, invalid rows,
// confusion matrix, confidence bins, per-row outcomes) added to a counts buffer the host zeroes before
// a validation pass, and the selection of outcome rows (a matrix cell, every mistake) for read-back.
import { packStruct } from './buffers';
import { planKernel, type BindingTable } from './binding-table';
import type { KernelContext } from './context';
import type { Dispatch } from './dispatch';
import { CalibrationBins, emptyCounts, ProbabilityBins, type Outcome, type OutcomeFilter, type ValidationCounts } from '../reference/validation-stats';

export const AccuracyBindings = {
  params: { binding: 0, kind: 'uniform' },
  logits: { binding: 1, kind: 'read' },
  labels: { binding: 2, kind: 'read' },
  counts: { binding: 3, kind: 'rw' },
  outcomes: { binding: 4, kind: 'rw' },
  selection: { binding: 5, kind: 'uniform' },
  selected: { binding: 6, kind: 'rw' },
  correct: { binding: 7, kind: 'rw' },
} as const satisfies BindingTable;

export const WorkgroupSize = 64;
/** u32 words per outcome row: top-1..3, label, p top-1..3, p(label). */
export const OutcomeWords = 8;
export const NoClass = 0xffffffff;
const FixedOne = 2 ** 24;

/** Word offsets of the counts buffer for `classes` classes (the WGSL header's layout). */
export function countsLayout(classes: number) {
  const confusion = 2;
  const calibration = confusion + classes * classes;
  const truth = calibration + 4 * CalibrationBins;
  return { correct: 0, invalid: 1, confusion, calibration, truth, histogram: truth + 2, words: truth + 2 + ProbabilityBins };
}

/** Reads a counts buffer's words into the reference's shape (fixed-point sums back to numbers). */
export function parseCounts(words: Uint32Array, classes: number): ValidationCounts {
  const l = countsLayout(classes);
  const out = emptyCounts(classes);
  const fixed = (at: number) => (words[at] + words[at + 1] * 2 ** 32) / FixedOne;
  out.correct = words[l.correct];
  out.invalid = words[l.invalid];
  out.confusion.set(words.subarray(l.confusion, l.confusion + classes * classes));
  const cal = out.calibration;
  for (let b = 0; b < CalibrationBins; b++) {
    cal.binRows[b] = words[l.calibration + b];
    cal.binCorrect[b] = words[l.calibration + CalibrationBins + b];
    cal.binConfidence[b] = fixed(l.calibration + 2 * CalibrationBins + 2 * b);
  }
  cal.trueProbability = fixed(l.truth);
  for (let b = 0; b < ProbabilityBins; b++) cal.trueHistogram[b] = words[l.histogram + b];
  return out;
}

/** One outcome row (8 words) as the reference's Outcome. */
export function parseOutcome(words: Uint32Array, at = 0): Outcome {
  const f = new Float32Array(words.buffer, words.byteOffset + at * 4, OutcomeWords);
  const top: number[] = [];
  const probs: number[] = [];
  for (let k = 0; k < 3; k++) {
    if (words[at + k] === NoClass) break;
    top.push(words[at + k]);
    probs.push(f[4 + k]);
  }
  return { top, probs, label: words[at + 3], pTrue: top.length ? f[7] : 0 };
}


export class Accuracy {
  constructor(private readonly ctx: KernelContext) {}

  /** Statistics of one batch; with `outcomes`, each row's outcome lands at (step.batch_start + row). */
  plan(s: { rows: number; classes: number; stride: number }, ops: { logits: GPUBufferBinding; labels: GPUBufferBinding; counts: GPUBufferBinding; outcomes?: GPUBufferBinding; stepBuffer: GPUBuffer }, label: string): Promise<Dispatch> {
    return planKernel(this.ctx, {
      shader: 'accuracy', entry: 'accuracy', table: AccuracyBindings, label, family: 'accuracy', constants: { WorkgroupSize },
      params: packStruct([[s.rows, 'u'], [s.classes, 'u'], [s.stride, 'u'], [ops.outcomes ? 1 : 0, 'u']]),
      resources: { logits: ops.logits, labels: ops.labels, counts: ops.counts, outcomes: ops.outcomes ?? this.ctx.dummy },
      stepBuffer: ops.stepBuffer,
      groups: Math.ceil(s.rows / WorkgroupSize), flops: 4 * s.rows * s.classes,
    });
  }

  /**
   * Train accuracy of one training step: rows whose argmax equals the label, added to `correct[step.slot]`
   * (zero a range's slots before it runs). Reads the logits only, so the loss path is unchanged.
   */
  planCorrect(s: { rows: number; classes: number; stride: number }, ops: { logits: GPUBufferBinding; labels: GPUBufferBinding; correct: GPUBufferBinding; stepBuffer: GPUBuffer }, label: string): Promise<Dispatch> {
    return planKernel(this.ctx, {
      shader: 'accuracy', entry: 'count_correct', table: AccuracyBindings, label, family: 'accuracy', constants: { WorkgroupSize },
      params: packStruct([[s.rows, 'u'], [s.classes, 'u'], [s.stride, 'u'], [0, 'u']]),
      resources: { logits: ops.logits, labels: ops.labels, correct: ops.correct },
      stepBuffer: ops.stepBuffer,
      groups: Math.ceil(s.rows / WorkgroupSize), flops: s.rows * s.classes,
    });
  }

  /**
   * Compacts the outcome rows matching the filter in `selection` (see writeSelection) into `selected`:
   * [count, (row, confidence bits)…]. Zero its first word before each launch; planned once, reused.
   */
  planSelect(rows: number, ops: { outcomes: GPUBufferBinding; selection: GPUBuffer; selected: GPUBufferBinding }, label: string): Promise<Dispatch> {
    return planKernel(this.ctx, {
      shader: 'accuracy', entry: 'select_outcomes', table: AccuracyBindings, label, family: 'accuracy', constants: { WorkgroupSize },
      params: new ArrayBuffer(16),
      resources: { outcomes: ops.outcomes, selection: ops.selection, selected: ops.selected },
      groups: Math.ceil(rows / WorkgroupSize), flops: rows,
    });
  }
}

/** Writes the Selection uniform (16 bytes) of a select_outcomes launch. */
export function writeSelection(device: GPUDevice, selection: GPUBuffer, rows: number, filter: OutcomeFilter): void {
  const flags = (filter.trueClass !== undefined ? 1 : 0) | (filter.predClass !== undefined ? 2 : 0) | (filter.wrongOnly ? 4 : 0);
  const pred = filter.predClass === 'invalid' ? NoClass : (filter.predClass ?? 0);
  device.queue.writeBuffer(selection, 0, packStruct([[rows, 'u'], [filter.trueClass ?? 0, 'u'], [pred, 'u'], [flags, 'u']]));
}
