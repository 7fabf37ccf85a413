// Kept runs drawn over each other: one uPlot series per picked run for a chosen metric (validation
// accuracy or loss, train loss), coloured in turn, with a legend naming each run and the settings that
// differ between them.
import { LitElement, css, html, nothing, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import type { MetricKey, MetricSplit } from '../model/metrics';
import { formatMetric } from './format';
import { differingSettings, diffLabel } from './run-diff';
import type { SavedRun } from './runs-store';
import { sharedStyles } from './shared-styles';

const COLOURS = ['#4257d6', '#e0702b', '#1f8a4c', '#c62f3b', '#8a4fd1', '#0f8ea3', '#a86400', '#d14f9a'];
const METRICS: [string, MetricKey, MetricSplit, string][] = [
  ['val-acc', 'acc', 'val', 'Validation accuracy'], ['val-loss', 'loss', 'val', 'Validation loss'], ['train-loss', 'loss', 'train', 'Train loss'],
];

/** Columns aligned on the union of the runs' x values (null where a run has no point). */
export function overlayColumns(runs: readonly SavedRun[], key: MetricKey, split: MetricSplit): (number | null)[][] {
  const per = runs.map((r) => new Map(r.history.filter((h) => h.key === key && h.split === split).map((h) => [h.epoch, h.value])));
  const xs = [...new Set(per.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  return [xs, ...per.map((m) => xs.map((x) => m.get(x) ?? null))];
}

@customElement('runs-overlay')
export class RunsOverlay extends LitElement {
  static override styles = [sharedStyles, unsafeCSS(uplotCss), css`
    .bar { font-size: 12.5px; margin-bottom: 4px; } .bar select { width: auto; }
    ul { list-style: none; margin: 4px 0 0; padding: 0; font-size: 12px; } .swatch { display: inline-block; width: 12px; height: 3px; margin-right: 6px; vertical-align: middle; }
    .u-legend { display: none; }
  `];

  @property({ attribute: false }) runs: readonly SavedRun[] = [];
  @state() private metric = 'val-acc';
  @query('.plot') private plotEl?: HTMLDivElement;
  private plot?: uPlot;

  override render() {
    if (this.runs.length === 0) return html`<p class="muted">Tick runs to draw them here.</p>`;
    const keys = differingSettings(this.runs.map((r) => r.config));
    return html`
      <div class="bar"><label>Metric <select data-testid="overlay-metric" @change=${(e: Event) => (this.metric = (e.target as HTMLSelectElement).value)}>
        ${METRICS.map(([id, , , label]) => html`<option value=${id} ?selected=${id === this.metric}>${label}</option>`)}</select></label></div>
      <div class="plot" data-testid="overlay-chart" role="img" aria-label=${`${this.runs.length} runs overlaid`}></div>
      <ul data-testid="overlay-legend">${this.runs.map((r, i) => html`<li data-testid="overlay-entry"><span class="swatch" style=${`background:${COLOURS[i % COLOURS.length]}`}></span>${r.name}${
        keys.length ? html` <span class="muted">(${diffLabel(r.config, keys)})</span>` : nothing}</li>`)}</ul>
    `;
  }

  /** What the chart holds: [x, one column per run] (read by the browser tests). */
  get plotted(): (number | null)[][] {
    return (this.plot?.data ?? []).map((c) => Array.from(c as ArrayLike<number | null>));
  }

  protected override updated(changed: PropertyValues): void {
    if (!changed.has('runs') && !changed.has('metric')) return;
    this.plot?.destroy();
    this.plot = undefined;
    if (!this.plotEl || this.runs.length === 0) return;
    const [, key, split] = METRICS.find(([id]) => id === this.metric)!;
    const series = this.runs.map((r, i) => ({ label: r.name, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: true, points: { show: split === 'val', size: 5 }, value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatMetric(key, v)) }));
    const opts: uPlot.Options = { width: Math.max(240, this.plotEl.clientWidth), height: 200, scales: { x: { time: false } }, axes: [{ label: 'epoch', incrs: split === 'val' ? [1, 2, 5, 10, 20, 50, 100] : [0.25, 0.5, 1, 2, 5, 10, 20, 50, 100] }, { label: key === 'acc' ? 'accuracy' : 'loss' }], series: [{ label: 'epoch' }, ...series] };
    this.plot = new uPlot(opts, overlayColumns(this.runs, key, split) as uPlot.AlignedData, this.plotEl);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.plot?.destroy();
    this.plot = undefined;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'runs-overlay': RunsOverlay;
  }
}
