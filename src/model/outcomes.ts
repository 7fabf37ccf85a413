// Per-example outcomes of the last validation pass (top-3 classes and probabilities, p of the label),
// kept where the backend computed them: on the GPU for GpuBackend (read back a cell at a time), in an
// array for the CPU reference. The lab's "mistakes" views list a matrix cell's rows through this.
import { byConfidence, matchesOutcome, type Outcome, type OutcomeFilter } from '../reference/validation-stats';

export interface SelectedRow {
  /** Row of the validation split. */
  index: number;
  /** p of the predicted class. */
  confidence: number;
}

export interface ValidationOutcomes {
  /** Rows of the last validation that match, most confident first; `expected` (from the matrix) sizes the read-back. */
  select(filter: OutcomeFilter, expected: number): Promise<SelectedRow[]>;
  /** The outcomes of a few rows (the examples shown). */
  rows(indices: readonly number[]): Promise<Outcome[]>;
  /** Validation passes so far: 0 means nothing to select from yet. */
  readonly passes: number;
}

/** Outcomes held in memory (the CPU reference backend). */
export class ArrayOutcomes implements ValidationOutcomes {
  private all: Outcome[] = [];
  passes = 0;

  /** Replaces the kept outcomes with a finished pass's. */
  set(outcomes: Outcome[]): void {
    this.all = outcomes;
    this.passes++;
  }

  async select(filter: OutcomeFilter): Promise<SelectedRow[]> {
    const rows: SelectedRow[] = [];
    this.all.forEach((o, index) => {
      if (matchesOutcome(o, filter)) rows.push({ index, confidence: o.probs[0] ?? 0 });
    });
    return byConfidence(rows);
  }

  async rows(indices: readonly number[]): Promise<Outcome[]> {
    return indices.map((i) => {
      const o = this.all[i];
      if (!o) throw new Error(`no outcome for validation row ${i}`);
      return o;
    });
  }
}
