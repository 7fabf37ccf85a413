// Per-class precision, recall and one-vs-rest accuracy beside the matrix, and the most confused pairs
// (largest off-diagonal cells) as buttons that list their examples.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { classMetrics, mostConfused } from '../reference/class-metrics';
import { formatCount } from './format';
import { CellPickEvent } from './insight-events';
import { sharedStyles } from './shared-styles';

const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}` : '–');

@customElement('class-report')
export class ClassReport extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      table { border-collapse: collapse; font-size: 12px; width: 100%; }
      th, td { padding: 2px 6px; text-align: right; font-variant-numeric: tabular-nums; }
      th:first-child, td:first-child { text-align: left; max-width: 10em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      thead th { color: var(--lab-muted); font-weight: 500; border-bottom: 1px solid var(--lab-border); }
      .scroll { max-height: 360px; overflow: auto; }
      h3 { font-size: 12.5px; margin: 12px 0 4px; font-weight: 600; }
      ol { margin: 0; padding-left: 1.4em; font-size: 12.5px; }
      li button { padding: 1px 6px; font-weight: 500; font-size: 12px; }
    `,
  ];

  @property({ attribute: false }) matrix?: Uint32Array;
  @property({ attribute: false }) classNames: readonly string[] = [];

  override render() {
    const m = this.matrix;
    const c = this.classNames.length;
    if (!m || m.length !== c * c) return nothing;
    const rows = classMetrics(m, c);
    const pairs = mostConfused(m, c, 8);
    return html`
      <div class="scroll">
        <table data-testid="class-metrics" aria-label="Per-class precision, recall and accuracy (%)">
          <thead>
            <tr><th>Class</th><th title="Of the examples predicted as the class, the share that are">Precision</th>
              <th title="Of the class's examples, the share recognised">Recall</th>
              <th title="One-vs-rest accuracy of 'is it this class?'">Accuracy</th><th title="Validation examples of the class">n</th></tr>
          </thead>
          <tbody>
            ${rows.map((r, k) => html`<tr data-testid="class-metric-row"><td title=${this.classNames[k]}>${this.classNames[k]}</td>
              <td>${pct(r.precision)}</td><td>${pct(r.recall)}</td><td>${pct(r.accuracy)}</td><td>${formatCount(r.support)}</td></tr>`)}
          </tbody>
        </table>
      </div>
      <h3>Most confused</h3>
      ${pairs.length === 0
        ? html`<p class="muted">No mistakes.</p>`
        : html`<ol data-testid="confused-pairs">
            ${pairs.map((p) => html`<li>
              <button data-testid="confused-pair" @click=${() => this.dispatchEvent(new CellPickEvent(p.trueClass, p.predClass))}>
                ${this.classNames[p.trueClass]} → ${this.classNames[p.predClass]}</button>
              <span class="muted num">${formatCount(p.count)} (${(p.share * 100).toFixed(1)} %)</span></li>`)}
          </ol>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'class-report': ClassReport;
  }
}
