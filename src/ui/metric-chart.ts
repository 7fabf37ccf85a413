// One uPlot chart of one metric over epochs: columnar [x, train, val] arrays that grow as records arrive,
// redrawn at most once per animation frame, sized by a ResizeObserver, destroyed on disconnect, rebuilt
// when the colour scheme changes. Accuracy sits on 0–100 % unless `zoom` is set. What uPlot gets is a view
// of the columns (chart-data.ts): the train curve's EMA added when smoothing, min/max decimated to the
// plot's width, so 10⁵ points redraw as a few thousand; the raw columns stay for the table and CSV.
import { LitElement, css, html, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import type { MetricKey, MetricRecord, MetricSplit } from '../model/metrics';
import { chartOptions } from './chart-options';
import { chartView } from './chart-data';
import { sharedStyles } from './shared-styles';

type Column = (number | null)[];

@customElement('metric-chart')
export class MetricChart extends LitElement {
  static override styles = [
    sharedStyles,
    unsafeCSS(uplotCss),
    css`
      .plot {
        min-height: 120px;
      }
      .uplot {
        font-family: var(--lab-font);
      }
      .u-legend {
        font-size: 12px;
      }
      .u-legend .u-series:first-child {
        display: none;
      }
      .u-legend th {
        font-weight: 500;
      }
    `,
  ];

  /** The metric this chart plots. */
  @property() key: MetricKey = 'loss';
  /** The splits drawn, one series each (fixed once the chart is drawn). */
  @property({ attribute: false }) splits: MetricSplit[] = ['train', 'val'];
  /** The run's metric history, appended in place; a new array starts a new chart. */
  @property({ attribute: false }) records: readonly MetricRecord[] = [];
  /** How many records exist: a change tells the chart to append the new ones. */
  @property({ type: Number }) count = 0;
  /** Height of the plotting area in CSS pixels. */
  @property({ type: Number }) height = 190;
  /** Accuracy: fit the axis to the data instead of 0–100 %. */
  @property({ type: Boolean }) zoom = false;
  /** EMA weight of the train curve in [0, 1); 0 is off. The raw points stay drawn, faded. */
  @property({ type: Number }) smoothing = 0;
  /** Log-scale y axis (losses). */
  @property({ type: Boolean }) log = false;
  /** Min/max decimation to the plot's width (off only to measure what it saves). */
  @property({ attribute: false }) decimate = true;

  @query('.plot') private plotEl!: HTMLDivElement;
  private plot?: uPlot;
  private columns: Column[] = [[]];
  private source?: readonly MetricRecord[];
  private consumed = 0;
  private frame = 0;
  private resizer?: ResizeObserver;
  private readonly ticks: string[][] = [];
  private drawnAxis = '';
  private drawnLook = '';
  /** Rows uPlot got at the last redraw, how long that redraw took (view + setData + draw, synchronous) and the view's share. */
  lastRedraw = { rows: 0, ms: 0, viewMs: 0 };
  private readonly scheme = matchMedia('(prefers-color-scheme: dark)');

  /** What uPlot holds now: [x, ...one column per split] (read by the end-to-end tests). */
  get plotted(): Column[] {
    return (this.plot?.data ?? []).map((c) => Array.from(c as ArrayLike<number | null>));
  }

  /** The axes' colour as drawn (the theme's muted text colour; read by the end-to-end tests). */
  get axisColor(): string {
    return this.drawnAxis;
  }

  /** The y axis as drawn: its title, tick labels and range (read by the end-to-end tests). */
  get yAxis(): { title: string; ticks: string[]; min: number; max: number } | null {
    const p = this.plot;
    if (!p) return null;
    return { title: String(p.axes[1].label ?? ''), ticks: [...(this.ticks[1] ?? [])], min: p.scales.y.min ?? NaN, max: p.scales.y.max ?? NaN };
  }

  override render() {
    return html`<div class="plot" role="img" aria-label=${`${this.key === 'acc' ? 'Accuracy' : 'Loss'} by epoch`}></div>`;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('records') && this.records !== this.source) {
      this.source = this.records;
      this.consumed = 0;
      this.columns = [[], ...this.splits.map(() => [])];
    }
    for (; this.consumed < this.records.length; this.consumed++) {
      const r = this.records[this.consumed];
      const s = this.splits.indexOf(r.split);
      if (r.key === this.key && s >= 0) this.insert(r.epoch, s + 1, r.value);
    }
  }

  protected override firstUpdated(): void {
    this.createPlot();
  }

  private createPlot(): void {
    const hooks = { zoomed: () => this.zoom, ticks: (axis: number, labels: string[]) => (this.ticks[axis] = labels) };
    const look = this.look;
    const options = chartOptions(this, this.key, this.splits, Math.max(200, this.plotEl.clientWidth), this.height, hooks, look);
    this.drawnAxis = String(options.axes?.[1]?.stroke ?? '');
    this.drawnLook = JSON.stringify(look);
    this.plot = new uPlot(options, this.view(Math.max(200, this.plotEl.clientWidth)) as uPlot.AlignedData, this.plotEl);
    this.resizer = new ResizeObserver(([entry]) => {
      const width = Math.floor(entry.contentRect.width);
      if (this.plot && width > 0 && width !== this.plot.width) {
        this.plot.setSize({ width, height: this.height });
        this.redraw(); // decimated to the new width
      }
    });
    this.resizer.observe(this.plotEl);
  }

  private rebuild = (): void => {
    this.resizer?.disconnect();
    this.plot?.destroy();
    if (this.plotEl) this.createPlot();
  };

  /** Series set and scale kind: a change rebuilds the plot. */
  private get look() {
    return { log: this.log, smoothed: this.smoothing > 0 && this.splits.includes('train') };
  }

  private view(width: number) {
    return chartView(this.columns, { trainColumn: this.splits.indexOf('train') + 1, smoothing: this.smoothing, log: this.log, buckets: Math.max(1, Math.round(width)), decimate: this.decimate });
  }

  /** Gives uPlot the current view and draws it now; returns the milliseconds it took. */
  redraw(): number {
    const plot = this.plot;
    if (!plot) return 0;
    const start = performance.now();
    const view = this.view(plot.width);
    const viewMs = performance.now() - start;
    plot.batch(() => plot.setData(view as uPlot.AlignedData));
    this.lastRedraw = { rows: view[0].length, ms: performance.now() - start, viewMs };
    return this.lastRedraw.ms;
  }

  protected override updated(): void {
    if (this.plot && JSON.stringify(this.look) !== this.drawnLook) this.rebuild();
    if (this.plot && this.frame === 0) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.redraw();
      });
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.scheme.removeEventListener('change', this.rebuild);
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.resizer?.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.scheme.addEventListener('change', this.rebuild);
    // A reconnected element builds a new plot from the columns it kept.
    if (this.hasUpdated && !this.plot) this.createPlot();
  }

  /** Puts value at x in column `col`, keeping x sorted; a train and a val point at the same x share a row. */
  private insert(x: number, col: number, value: number): void {
    const xs = this.columns[0];
    let i = xs.length;
    while (i > 0 && (xs[i - 1] as number) > x) i--;
    if (i > 0 && xs[i - 1] === x) {
      this.columns[col][i - 1] = value;
      return;
    }
    this.columns.forEach((c, k) => c.splice(i, 0, k === 0 ? x : k === col ? value : null));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'metric-chart': MetricChart;
  }
}
