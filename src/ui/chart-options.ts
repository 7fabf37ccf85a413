// uPlot options for one metric chart: an epoch x axis, one series per split in the theme's colours
// (read from the element's CSS custom properties), values formatted as loss or percent.
import type uPlot from 'uplot';
import type { MetricKey, MetricSplit } from '../model/metrics';
import { formatMetric } from './format';

const FALLBACK = { train: '#4257d6', val: '#e0702b' } as const;

export function chartOptions(el: Element, key: MetricKey, splits: readonly MetricSplit[], width: number, height: number): uPlot.Options {
  const style = getComputedStyle(el);
  const color = (split: MetricSplit) => style.getPropertyValue(split === 'train' ? '--lab-train' : '--lab-val').trim() || FALLBACK[split];
  const fmt = (v: number | null) => (v === null ? '—' : formatMetric(key, v));
  return {
    width,
    height,
    scales: { x: { time: false } },
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    axes: [
      // Train points sit at fractional epochs; validation-only charts get whole-epoch ticks.
      { label: 'epoch', size: 36, labelSize: 16, incrs: splits.includes('train') ? [0.25, 0.5, 1, 2, 5, 10, 20, 50, 100] : [1, 2, 5, 10, 20, 50, 100] },
      { size: 52, values: (_u, vals) => vals.map((v) => (key === 'acc' ? `${(v * 100).toFixed(0)}%` : String(+v.toFixed(3)))) },
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
      })),
    ],
  };
}
