// Under each chart: its data as a CSV download (every point, raw) and, behind a toggle, its numbers as a
// table a screen reader can walk (epoch, step, one column per curve; decimated past 500 rows, which the
// caption says). Both read the run's records; the chart's drawing is not involved.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { MetricKey, MetricRecord, MetricSplit } from '../model/metrics';
import { chartCsv, chartTable } from './chart-data';
import { downloadBytes } from './download';
import { formatCount } from './format';
import { sharedStyles } from './shared-styles';

@customElement('chart-tools')
export class ChartTools extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .bar {
        display: flex;
        gap: 6px;
        justify-content: flex-end;
        margin-top: 2px;
      }
      .bar button {
        padding: 2px 8px;
        font-weight: 500;
        font-size: 12px;
      }
      .scroll {
        max-height: 260px;
        overflow: auto;
        margin-top: 6px;
      }
      table {
        border-collapse: collapse;
        font-size: 12px;
        width: 100%;
      }
      caption {
        text-align: left;
        font-size: 12px;
        color: var(--lab-muted);
        padding-bottom: 2px;
      }
      th,
      td {
        padding: 1px 6px;
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      thead th {
        color: var(--lab-muted);
        font-weight: 500;
        border-bottom: 1px solid var(--lab-border);
        position: sticky;
        top: 0;
        background: var(--lab-surface);
      }
    `,
  ];

  @property() key: MetricKey = 'loss';
  @property({ attribute: false }) splits: readonly MetricSplit[] = ['train', 'val'];
  @property({ attribute: false }) records: readonly MetricRecord[] = [];
  /** How many records exist: a change re-renders an open table. */
  @property({ type: Number }) count = 0;
  /** EMA weight of the train curve (0: off): the table adds the smoothed column the chart draws. */
  @property({ type: Number }) smoothing = 0;
  /** Start of the CSV's file name ("fashion-mnist-mlp"): `<name>-loss.csv`. */
  @property() name = '';

  @state() private open = false;

  private get heading(): string {
    return this.key === 'acc' ? 'Accuracy' : 'Loss';
  }

  override render() {
    const none = !this.records.some((r) => r.key === this.key && this.splits.includes(r.split));
    return html`
      <div class="bar">
        <button type="button" data-testid="chart-csv" ?disabled=${none} @click=${this.download} aria-label=${`Download the ${this.heading.toLowerCase()} chart's data as CSV`}>CSV</button>
        <button type="button" data-testid="chart-table-toggle" aria-expanded=${this.open ? 'true' : 'false'} aria-controls="table" @click=${() => (this.open = !this.open)}>
          ${this.open ? 'Hide table' : 'Table'}
        </button>
      </div>
      ${this.open ? this.table() : nothing}
    `;
  }

  private table() {
    const t = chartTable(this.records, this.key, this.splits, this.smoothing);
    const note = t.rows.length < t.total ? ` (${formatCount(t.rows.length)} of ${formatCount(t.total)} points: the lowest and highest of each stretch; the CSV has every point)` : '';
    return html`
      <div class="scroll" id="table" tabindex="0">
        <table data-testid="chart-table">
          <caption>${this.heading} by epoch${note}</caption>
          <thead><tr>${t.head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
          <tbody>${t.rows.map((r) => html`<tr>${r.map((c, i) => (i === 0 ? html`<th scope="row">${c}</th>` : html`<td>${c}</td>`))}</tr>`)}</tbody>
        </table>
      </div>
    `;
  }

  private download(): void {
    const csv = chartCsv(this.records, this.key, this.splits);
    const file = `${this.name ? `${this.name}-` : ''}${this.key === 'acc' ? 'accuracy' : 'loss'}.csv`;
    downloadBytes(new TextEncoder().encode(csv), file, 'text/csv');
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chart-tools': ChartTools;
  }
}
