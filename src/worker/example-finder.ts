// The validation examples behind a cell of the confusion matrix (or every mistake): the backend selects
// the matching rows where it keeps the last pass's outcomes (on the GPU only their (row, confidence)
// pairs come back), the most confident `limit` are shown with their top-3 and the raw features.
import { featureSize, type Split } from '../data/dataset';
import type { Backend } from '../model/backend';
import type { ExamplePage, ExampleQuery } from './insight-types';
import type { ValidationLog } from './validation-log';

export interface ExampleSource {
  backend: Backend;
  log: ValidationLog;
  val: Split;
  shape: number[];
  columns?: string[];
  /** The run is training: a pass is not started just to have outcomes. */
  busy: boolean;
}

/** Upper bound of the matching rows, from the last pass's matrix (the split's size where it has none). */
function expectedRows(s: ExampleSource, q: ExampleQuery): number {
  const r = s.log.last;
  const m = r?.confusion;
  if (!r || !m) return s.val.count;
  const c = Math.round(Math.sqrt(m.length));
  if (q.predClass === 'invalid') return r.invalid ?? s.val.count;
  if (q.wrongOnly && q.trueClass === undefined && q.predClass === undefined) return r.count - r.correct - (r.invalid ?? 0);
  let n = 0;
  for (let t = 0; t < c; t++) {
    if (q.trueClass !== undefined && t !== q.trueClass) continue;
    for (let p = 0; p < c; p++) {
      if (q.predClass !== undefined && p !== q.predClass) continue;
      if (q.wrongOnly && p === t) continue;
      n += m[t * c + p];
    }
  }
  return n;
}

export async function findExamples(s: ExampleSource, q: ExampleQuery): Promise<ExamplePage> {
  const outcomes = s.backend.outcomes;
  if (!outcomes) throw new Error(`This backend (${s.backend.description}) does not keep per-example outcomes; train on WebGPU or the CPU reference to list examples`);
  if (outcomes.passes === 0) {
    if (s.busy) return { total: 0, shown: [], epoch: 0, shape: s.shape, columns: s.columns };
    s.log.last = await s.backend.validate();
    s.log.lastEpoch = 0;
  }
  const filter = { trueClass: q.trueClass, predClass: q.predClass, wrongOnly: q.wrongOnly };
  const rows = await outcomes.select(filter, expectedRows(s, q));
  const shown = rows.slice(0, Math.max(0, q.limit));
  const found = await outcomes.rows(shown.map((r) => r.index));
  const d = featureSize(s.shape);
  return {
    total: rows.length,
    epoch: s.log.lastEpoch,
    shape: s.shape,
    columns: s.columns,
    shown: shown.map((r, k) => ({ index: r.index, ...found[k], features: s.val.x.slice(r.index * d, (r.index + 1) * d) })),
  };
}
