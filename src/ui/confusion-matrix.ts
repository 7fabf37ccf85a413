// The confusion matrix as a heat map: rows are true classes, columns predicted ones, class names on both
// axes; counts or row-normalised shares; a cell's button lists its examples. Past 30 classes the numbers
// go into the cells' titles and the grid scrolls (readable up to 100 classes).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { rowNormalised } from '../reference/class-metrics';
import { formatCount } from './format';
import { CellPickEvent } from './insight-events';
import { sharedStyles } from './shared-styles';

const NUMBERS_UP_TO = 30;

@customElement('confusion-matrix')
export class ConfusionMatrix extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .scroll { overflow: auto; max-height: 560px; }
      table { border-collapse: separate; border-spacing: 1px; font-size: 11.5px; }
      th { font-weight: 500; color: var(--lab-muted); white-space: nowrap; max-width: 9em; overflow: hidden; text-overflow: ellipsis; }
      thead th { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; padding: 2px 0; height: 7.5em; }
      tbody th { text-align: right; padding-right: 6px; }
      td { padding: 0; }
      td button { width: 100%; min-width: 2.6em; height: 2.1em; padding: 0 2px; border: 0; border-radius: 3px; font-size: 11px; font-weight: 500; font-variant-numeric: tabular-nums; }
      table.dense td button { min-width: 11px; height: 11px; font-size: 0; }
      td.diag button { outline: 1px solid var(--lab-ok); outline-offset: -1px; }
      td button[aria-pressed='true'] { outline: 2px solid var(--lab-text); outline-offset: -2px; }
      .axis { font-size: 12px; color: var(--lab-muted); }
      .invalid { color: var(--lab-danger); font-size: 12.5px; margin-top: 6px; }
    `,
  ];

  /** (classes × classes) counts, row = true class. */
  @property({ attribute: false }) matrix?: Uint32Array;
  @property({ attribute: false }) classNames: readonly string[] = [];
  /** Show each row divided by its sum instead of counts. */
  @property({ type: Boolean }) normalised = false;
  /** NaN rows (in no cell). */
  @property({ type: Number }) invalid = 0;
  @state() private picked?: [number, number];

  override render() {
    const m = this.matrix;
    const c = this.classNames.length;
    if (!m || m.length !== c * c) return nothing;
    const share = rowNormalised(m, c);
    let max = 1;
    for (let i = 0; i < m.length; i++) if (i % (c + 1) !== 0) max = Math.max(max, m[i]);
    const dense = c > NUMBERS_UP_TO;
    const name = (k: number) => this.classNames[k] ?? String(k);
    return html`
      <div class="axis">Rows: true class · columns: predicted class</div>
      <div class="scroll">
        <table class=${dense ? 'dense' : ''} data-testid="confusion-matrix" aria-label="Confusion matrix">
          <thead><tr><th></th>${this.classNames.map((n) => html`<th scope="col" title=${n}>${n}</th>`)}</tr></thead>
          <tbody>
            ${Array.from({ length: c }, (_, t) => html`<tr>
              <th scope="row" title=${name(t)}>${name(t)}</th>
              ${Array.from({ length: c }, (_, p) => {
                const n = m[t * c + p];
                const v = share[t * c + p];
                const text = this.normalised ? (n ? `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%` : '') : n ? formatCount(n) : '';
                // Diagonal cells by their row share (green), others by count against the largest mistake (red).
                const bg = t === p ? `rgba(31,138,76,${(0.12 + 0.6 * v).toFixed(3)})` : n ? `rgba(198,47,59,${(0.1 + 0.75 * (this.normalised ? v : n / max)).toFixed(3)})` : 'transparent';
                const label = `${name(t)} predicted as ${name(p)}: ${formatCount(n)} (${(v * 100).toFixed(1)} % of ${name(t)})`;
                const pressed = this.picked?.[0] === t && this.picked?.[1] === p;
                return html`<td class=${t === p ? 'diag' : ''}><button data-testid="cell" data-true=${t} data-pred=${p} data-count=${n} title=${label} aria-label=${label}
                  aria-pressed=${pressed ? 'true' : 'false'} style=${`background:${bg}`} ?disabled=${n === 0} @click=${() => this._onPick(t, p)}>${dense ? '' : text}</button></td>`;
              })}
            </tr>`)}
          </tbody>
        </table>
      </div>
      ${this.invalid > 0 ? html`<div class="invalid" data-testid="invalid-count">${formatCount(this.invalid)} examples had NaN logits: counted as wrong, in no cell.</div>` : nothing}
    `;
  }

  private _onPick(t: number, p: number): void {
    this.picked = [t, p];
    this.dispatchEvent(new CellPickEvent(t, p));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confusion-matrix': ConfusionMatrix;
  }
}
