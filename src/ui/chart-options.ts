// uPlot options for one metric chart: an epoch x axis, a titled y axis whose range and tick labels come
// from chart-scale.ts, one series per split in the theme's colours (read from the element's CSS custom
// properties, so dark mode applies), values formatted as loss or percent.
import type uPlot from 'uplot';
import type { MetricKey, MetricSplit } from '../model/metrics';
import { axisRange, axisWidth, tickLabels } from './chart-scale';
import { logRange, logTickLabels } from './chart-log';
import { formatMetric } from './format';

const FALLBACK = { train: '#4257d6', val: '#e0702b', muted: '#5f6878', grid: '#e1e4ea' } as const;

export interface ChartHooks {
  /** Whether the accuracy axis zooms to the data (else 0–100 %). */
  zoomed(): boolean;
  /** Hears each axis's tick labels as drawn (the tests read them). */
  ticks(axis: number, labels: string[]): void;
}

/** How the data are shown: a log-scale y axis; the train curve smoothed (its EMA drawn as an extra last series over the faded raw points). */
export interface ChartLook {
  log?: boolean;
  smoothed?: boolean;
}

export function chartOptions(el: Element, key: MetricKey, splits: readonly MetricSplit[], width: number, height: number, hooks: ChartHooks, look: ChartLook = {}): uPlot.Options {
  const style = getComputedStyle(el);
  const css = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const color = (split: MetricSplit) => css(split === 'train' ? '--lab-train' : '--lab-val', FALLBACK[split]);
  const muted = css('--lab-muted', FALLBACK.muted);
  const grid = { stroke: css('--lab-border', FALLBACK.grid), width: 1 };
  const fmt = (v: number | null) => (v === null ? '—' : formatMetric(key, v));
  return {
    width,
    height,
    scales: {
      x: { time: false },
      y: look.log ? { distr: 3, log: 10, range: (_u, min, max) => logRange(min, max) } : { range: (_u, min, max) => axisRange(key, min, max, hooks.zoomed()) },
    },
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    axes: [
      // Train points sit at fractional epochs; validation-only charts get whole-epoch ticks.
      {
        label: 'epoch', size: 36, labelSize: 16, stroke: muted, grid, ticks: grid,
        incrs: splits.includes('train') ? [0.25, 0.5, 1, 2, 5, 10, 20, 50, 100] : [1, 2, 5, 10, 20, 50, 100],
      },
      {
        label: key === 'acc' ? 'accuracy' : 'loss', labelSize: 18, stroke: muted, grid, ticks: grid, space: 24,
        values: (_u, splits, axis, _space, incr) => {
          const labels = look.log ? logTickLabels(splits) : tickLabels(key, splits, incr);
          hooks.ticks(axis, labels);
          return labels;
        },
        size: (_u, values) => axisWidth(values ?? []),
      },
    ],
    series: [
      { label: 'epoch', value: (_u, v) => (v === null ? '—' : v.toFixed(2)) },
      ...splits.map((split) => ({
        label: split === 'train' ? 'train' : 'validation',
        stroke: color(split),
        width: 2,
        spanGaps: true,
        points: { show: split === 'val', size: 6, fill: color(split) },
        value: (_u: uPlot, v: number | null) => fmt(v),
        ...(look.smoothed && split === 'train' && { label: 'train (raw)', alpha: 0.3, width: 1 }),
      })),
      ...(look.smoothed && splits.includes('train')
        ? [{ label: 'train (smoothed)', stroke: color('train'), width: 2, spanGaps: true, points: { show: false }, value: (_u: uPlot, v: number | null) => fmt(v) }]
        : []),
    ],
  };
}
