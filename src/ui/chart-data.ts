// What a metric chart draws, as plain numbers: the columns [x, ...one per split] from the run's records,
// the train curve's exponential moving average (TensorBoard's debiased EMA; the raw points stay), the
// min/max decimation that keeps a redraw of 10⁵ points cheap (per pixel column, each series' first,
// lowest, highest and last point survive, so the drawn envelope is the same), and the CSV and table rows.
import type { MetricKey, MetricRecord, MetricSplit } from '../model/metrics';
import { formatMetric } from './format';

export type Column = (number | null)[];

/** A chart's rows: one per x (epoch), with the step and one value per split (null where it has none). */
export interface ChartRow {
  epoch: number;
  step: number;
  values: (number | null)[];
}

/** Decimation starts above this many rows per pixel column. */
export const RowsPerBucket = 4;

/** The records of `key` grouped by x in increasing order; a train and a validation point at one x share a row (a later record at the same x and split replaces the earlier). */
export function chartRows(records: readonly MetricRecord[], key: MetricKey, splits: readonly MetricSplit[]): ChartRow[] {
  const byX = new Map<number, ChartRow>();
  for (const r of records) {
    const s = splits.indexOf(r.split);
    if (r.key !== key || s < 0) continue;
    let row = byX.get(r.epoch);
    if (!row) byX.set(r.epoch, (row = { epoch: r.epoch, step: r.step, values: splits.map(() => null) }));
    row.values[s] = r.value;
  }
  return [...byX.values()].sort((a, b) => a.epoch - b.epoch);
}

/** Column headers of a chart's CSV: `train_loss`, `validation_accuracy`. */
export function seriesName(key: MetricKey, split: MetricSplit): string {
  return `${split === 'val' ? 'validation' : 'train'}_${key === 'acc' ? 'accuracy' : 'loss'}`;
}

/** Every point of the chart as CSV (raw values, full precision, accuracy as a fraction; an empty cell where a split has no point). */
export function chartCsv(records: readonly MetricRecord[], key: MetricKey, splits: readonly MetricSplit[]): string {
  const lines = [['epoch', 'step', ...splits.map((s) => seriesName(key, s))].join(',')];
  for (const r of chartRows(records, key, splits)) lines.push([r.epoch, r.step, ...r.values.map((v) => (v === null ? '' : String(v)))].join(','));
  return `${lines.join('\n')}\n`;
}

// s_0 = 0, s_n = w·s_{n−1} + (1 − w)·v_n, shown as s_n / (1 − wⁿ) (debiased, so the curve starts at v_1)
/** EMA of the finite points of `ys` with weight w in [0, 1); nulls stay null, a non-finite value is shown as is and skipped. */
export function emaSmooth(ys: readonly (number | null)[], w: number): Column {
  const out: Column = new Array(ys.length);
  let s = 0;
  let n = 0;
  for (let i = 0; i < ys.length; i++) {
    const v = ys[i];
    if (v === null || !Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    s = w * s + (1 - w) * v;
    n++;
    out[i] = w === 0 ? v : s / (1 - w ** n);
  }
  return out;
}

/**
 * Rows kept by min/max decimation: the x range cut into `buckets` equal slices (x sorted, increasing);
 * in each slice, for every y column, the rows of its first, lowest, highest and last non-null value
 * (the first of equal values). Every row when there are at most RowsPerBucket × buckets.
 */
export function decimateRows(cols: readonly (readonly (number | null)[])[], buckets: number): Uint32Array {
  const xs = cols[0] as readonly number[];
  const n = xs.length;
  if (n <= RowsPerBucket * buckets) return Uint32Array.from({ length: n }, (_, i) => i);
  // Slice b holds rows [ends[b − 1], ends[b]) (x sorted: one walk finds every boundary).
  const ends = new Uint32Array(buckets);
  const x0 = xs[0];
  const scale = xs[n - 1] > x0 ? buckets / (xs[n - 1] - x0) : 0;
  for (let i = 0, b = 0; b < buckets; b++) {
    while (i < n && Math.min(buckets - 1, Math.floor((xs[i] - x0) * scale)) <= b) i++;
    ends[b] = i;
  }
  const keep = new Uint8Array(n);
  for (let c = 1; c < cols.length; c++) {
    const ys = cols[c];
    for (let b = 0, from = 0; b < buckets; from = ends[b++]) {
      let first = -1;
      let last = -1;
      let lo = 0;
      let hi = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let i = from; i < ends[b]; i++) {
        const v = ys[i];
        if (v === null || v !== v) continue; // null or NaN
        if (first < 0) first = lo = hi = i;
        last = i;
        if (v < min) (min = v), (lo = i);
        if (v > max) (max = v), (hi = i);
      }
      if (first >= 0) keep[first] = keep[last] = keep[lo] = keep[hi] = 1;
    }
  }
  let kept = 0;
  for (let i = 0; i < n; i++) kept += keep[i];
  const rows = new Uint32Array(kept);
  for (let i = 0, k = 0; i < n; i++) if (keep[i]) rows[k++] = i;
  return rows;
}

/** The given rows of every column. */
export function takeRows(cols: readonly (readonly (number | null)[])[], rows: Uint32Array): Column[] {
  return cols.map((c) => {
    const out: Column = new Array(rows.length);
    for (let k = 0; k < rows.length; k++) out[k] = c[rows[k]];
    return out;
  });
}

export interface ViewOptions {
  /** Column index of the train series, or −1; its EMA is appended as the last column when `smoothing` > 0. */
  trainColumn: number;
  /** EMA weight in [0, 1); 0 is off. */
  smoothing: number;
  /** Log-scale y: values ≤ 0 have no place on it and are left out (null). */
  log: boolean;
  /** Pixel columns of the plot (decimation slices). */
  buckets: number;
  /** Off: every row is drawn (the benchmark's comparison). */
  decimate?: boolean;
}

/** The columns uPlot draws: [x, ...splits] plus the smoothed train column where smoothing is on, decimated. */
export function chartView(cols: readonly Column[], o: ViewOptions): Column[] {
  let view: Column[] = [...cols];
  if (o.smoothing > 0 && o.trainColumn > 0) view.push(emaSmooth(cols[o.trainColumn], o.smoothing));
  if (o.log) view = view.map((c, i) => (i === 0 || c.every((v) => v === null || v > 0) ? c : c.map((v) => (v === null || v > 0 ? v : null))));
  if (o.decimate === false || cols[0].length <= RowsPerBucket * o.buckets) return view;
  return takeRows(view, decimateRows(view, o.buckets));
}

/** Rows a chart's table lists at most; past it, the min/max-decimated rows (the CSV has every point). */
export const MaxTableRows = 500;

export interface ChartTable {
  head: string[];
  /** Formatted cells, one array per row ('—' where a split has no point). */
  rows: string[][];
  /** Rows the chart has (more than `rows.length` when decimated). */
  total: number;
}

/** The chart's numbers as a table: epoch, step, one column per split (and the smoothed train curve when smoothing is on). */
export function chartTable(records: readonly MetricRecord[], key: MetricKey, splits: readonly MetricSplit[], smoothing: number, maxRows = MaxTableRows): ChartTable {
  const all = chartRows(records, key, splits);
  const t = splits.indexOf('train');
  const smoothed = smoothing > 0 && t >= 0 ? emaSmooth(all.map((r) => r.values[t]), smoothing) : null;
  const cols: Column[] = [all.map((r) => r.epoch), ...splits.map((_, s) => all.map((r) => r.values[s])), ...(smoothed ? [smoothed] : [])];
  const buckets = Math.max(1, Math.floor(maxRows / (RowsPerBucket * (cols.length - 1))));
  const pick = all.length > maxRows ? decimateRows(cols, buckets) : Uint32Array.from(all, (_, i) => i);
  const label = (s: MetricSplit) => (s === 'val' ? 'validation' : 'train');
  const cell = (v: number | null) => (v === null ? '—' : formatMetric(key, v));
  const head = ['epoch', 'step'];
  splits.forEach((s) => head.push(label(s), ...(smoothed && s === 'train' ? ['train (smoothed)'] : [])));
  const rows = Array.from(pick, (i) => {
    const r = all[i];
    const out = [String(Number(r.epoch.toFixed(3))), String(r.step)];
    splits.forEach((s, k) => out.push(cell(r.values[k]), ...(smoothed && s === 'train' ? [cell(smoothed[i])] : [])));
    return out;
  });
  return { head, rows, total: all.length };
}
