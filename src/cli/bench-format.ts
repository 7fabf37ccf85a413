// Text tables of the CLI benchmark: one row per model (speed, accuracy, structural figures) and, per
// model, the profiled training step kernel by kernel.
import type { PerfReport } from '../worker/protocol';

export interface ModelFigures {
  examplesPerSecond: number;
  epochSeconds: number;
  valAcc: number;
  report: PerfReport | null;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Rows of cells as an aligned, pipe-separated table (first row: the header). */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: readonly string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

const fixed = (v: number | null | undefined, digits: number) => (v === null || v === undefined ? '–' : v.toFixed(digits));

export function benchTable(figures: Record<string, ModelFigures>): string {
  const rows = [['model', 'examples/s', 'epoch s', 'val acc', 'GPU ms/step', 'dispatches/step', 'submits/epoch', 'mapAsync/epoch', 'MB up/epoch']];
  for (const [model, f] of Object.entries(figures)) {
    const r = f.report;
    rows.push([
      model, f.examplesPerSecond.toFixed(0), f.epochSeconds.toFixed(2), f.valAcc.toFixed(4), fixed(r?.stepMs, 2),
      r ? String(r.dispatchesPerStep) : '–', r?.epoch ? String(r.epoch.submits) : '–', r?.epoch ? String(r.epoch.mapAsyncs) : '–',
      r?.epoch ? (r.epoch.bytesUploaded / 1e6).toFixed(3) : '–',
    ]);
  }
  return table(rows);
}

/** The profiled step of one model: every dispatch with its GPU time, GFLOP/s and variant. */
export function kernelTable(model: string, r: PerfReport): string {
  const rows = [[`${model} step (batch ${r.batchSize})`, 'family', 'variant', 'GPU ms', 'GFLOP/s']];
  for (const k of r.kernels) rows.push([k.label, k.family, k.variant ?? '', k.ms.toFixed(3), k.gflops.toFixed(2)]);
  rows.push(['total', '', '', fixed(r.stepMs, 3), '']);
  return table(rows);
}
