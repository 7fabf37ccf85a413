// "What the model learned": the confusion matrix of any finished epoch with per-class figures and the
// examples of a picked cell, the most confident mistakes, confidence and calibration, the user's own
// input and the inside of the model, as tabs under the progress board.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { EngineApi } from '../worker/protocol';
import type { EpochValidation, ExamplePage, ExampleQuery, TestReport } from '../worker/insight-types';
import { errorMessage } from './format';
import { CellPickEvent, ExamplePickEvent } from './insight-events';
import { sharedStyles } from './shared-styles';
import './calibration-view';
import './class-report';
import './confusion-matrix';
import './example-gallery';
import './model-inside';
import './own-input';

export type InsightApi = Pick<EngineApi, 'examples' | 'predict' | 'inside'>;
type Tab = 'matrix' | 'mistakes' | 'confidence' | 'input' | 'inside';
const TABS: [Tab, string][] = [['matrix', 'Confusion'], ['mistakes', 'Mistakes'], ['confidence', 'Confidence'], ['input', 'Your input'], ['inside', 'Inside']];
const SHOWN = 24;

@customElement('insight-panel')
export class InsightPanel extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      [role='tablist'] { display: flex; flex-wrap: wrap; gap: 4px; margin-bottom: 10px; }
      [role='tab'] { padding: 4px 10px; font-weight: 500; }
      [role='tab'][aria-selected='true'] { background: var(--lab-accent-soft); border-color: var(--lab-accent-border); }
      .bar { display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: center; font-size: 12.5px; margin-bottom: 8px; }
      .bar input[type='range'] { width: 160px; }
      .bar label { display: inline-flex; gap: 6px; align-items: center; }
      .bar input[type='checkbox'] { width: auto; }
      .matrix { display: grid; grid-template-columns: minmax(0, 1.4fr) minmax(270px, 1fr); gap: 16px; align-items: start; }
      @media (max-width: 1100px) { .matrix { grid-template-columns: minmax(0, 1fr); } }
      example-gallery { margin-top: 12px; }
      .error { color: var(--lab-danger); }
      .test { font-size: 12.5px; margin: 0 0 10px; padding: 6px 10px; border-radius: 8px; background: var(--lab-accent-soft); }
    `,
  ];

  @property({ attribute: false }) validations: readonly EpochValidation[] = [];
  /** The test split's one evaluation at the end of the run, where the data has one. */
  @property({ attribute: false }) testReport?: TestReport;
  @property({ attribute: false }) classNames: readonly string[] = [];
  /** The loaded data's per-example shape and (tables) column names. */
  @property({ attribute: false }) shape: readonly number[] = [];
  @property({ attribute: false }) columns?: readonly string[];
  /** The engine's insight calls; absent, the panel only draws what it was given. */
  @property({ attribute: false }) api?: InsightApi;
  /** A model exists (trained or opened): own input and the inside can be asked for. */
  @property({ type: Boolean }) hasModel = false;

  @state() private tab: Tab = 'matrix';
  /** The epoch picked on the slider (0: follow the latest). */
  @state() private picked = 0;
  @state() private normalised = false;
  @state() private cell?: { page: ExamplePage; heading: string };
  @state() private mistakes?: ExamplePage;
  @state() private insideExample = 0;
  @state() private error = '';

  constructor() {
    super();
    this.addEventListener(CellPickEvent.eventName, (e) => void this.showCell(e.trueClass, e.predClass));
    this.addEventListener(ExamplePickEvent.eventName, (e) => {
      this.insideExample = e.index;
      this.tab = 'inside';
    });
  }

  override render() {
    const v = this.current();
    return html`
      <section class="card" aria-labelledby="insight-title" data-testid="insight-panel">
        <h2 id="insight-title">What the model learned</h2>
        <div role="tablist">
          ${TABS.map(([t, label]) => html`<button role="tab" data-testid=${`tab-${t}`} aria-selected=${this.tab === t ? 'true' : 'false'} @click=${() => this.open(t)}>${label}</button>`)}
        </div>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        ${this.testReport ? html`<p class="test" data-testid="test-report" data-acc=${this.testReport.acc}>Test split (${this.testReport.count.toLocaleString('en-US')} examples, once after epoch ${this.testReport.epoch}):
          accuracy <strong>${(this.testReport.acc * 100).toFixed(2)} %</strong>, loss ${this.testReport.loss.toFixed(4)}. Reported apart; never used to choose the best epoch.</p>` : nothing}
        ${this.tab === 'matrix' || this.tab === 'confidence' ? this.epochBar(v) : nothing}
        ${this.body(v)}
      </section>
    `;
  }

  private body(v: EpochValidation | undefined) {
    const none = html`<p class="muted" data-testid="insight-empty">The confusion matrix and calibration appear after the first epoch.</p>`;
    switch (this.tab) {
      case 'matrix':
        return v
          ? html`<div class="matrix">
                <confusion-matrix .matrix=${v.confusion} .classNames=${this.classNames} ?normalised=${this.normalised} .invalid=${v.invalid}></confusion-matrix>
                <class-report .matrix=${v.confusion} .classNames=${this.classNames}></class-report>
              </div>
              ${this.cell ? html`<example-gallery data-testid="cell-examples" .page=${this.cell.page} .heading=${this.cell.heading} .classNames=${this.classNames}></example-gallery>` : nothing}`
          : none;
      case 'mistakes':
        return this.mistakes ? html`<example-gallery data-testid="mistakes" .page=${this.mistakes} heading="Most confident mistakes" .classNames=${this.classNames}></example-gallery>` : v ? html`<p class="muted">Loading…</p>` : none;
      case 'confidence':
        return v ? html`<calibration-view .validations=${this.validations} .epoch=${v.epoch}></calibration-view>` : none;
      case 'input':
        return html`<own-input .api=${this.api} ?ready=${this.hasModel} .classNames=${this.classNames} .shape=${this.shape} .columns=${this.columns}></own-input>`;
      case 'inside':
        return html`<model-inside .api=${this.api} ?ready=${this.hasModel} .example=${this.insideExample} .classNames=${this.classNames}></model-inside>`;
      default:
        return this.tab satisfies never;
    }
  }

  private epochBar(v: EpochValidation | undefined) {
    const n = this.validations.length;
    if (!v || n === 0) return nothing;
    const first = this.validations[0].epoch;
    return html`<div class="bar">
      <label>Epoch <input type="range" data-testid="epoch-slider" min=${first} max=${this.validations[n - 1].epoch} .value=${String(v.epoch)} ?disabled=${n < 2}
        @input=${(e: Event) => this.pick(Number((e.target as HTMLInputElement).value))} /> <span class="num" data-testid="epoch-shown">${v.epoch}</span></label>
      <span class="num muted">accuracy ${(v.acc * 100).toFixed(2)} % · loss ${v.loss.toFixed(4)}</span>
      ${this.tab === 'matrix' ? html`<label><input type="checkbox" data-testid="normalise" .checked=${this.normalised} @change=${(e: Event) => (this.normalised = (e.target as HTMLInputElement).checked)} /> Row-normalised</label>` : nothing}
    </div>`;
  }

  /** The slider at its end follows new epochs; anywhere else it holds its epoch. */
  private pick(epoch: number): void {
    this.picked = epoch === this.validations.at(-1)?.epoch ? 0 : epoch;
  }

  /** The picked epoch, or the latest while the slider sits at the end. */
  private current(): EpochValidation | undefined {
    return this.validations.find((e) => e.epoch === this.picked) ?? this.validations.at(-1);
  }

  private open(tab: Tab): void {
    this.tab = tab;
    if (tab === 'mistakes') void this.load({ wrongOnly: true, limit: SHOWN }).then((p) => p && (this.mistakes = p));
  }

  private async showCell(t: number, p: number): Promise<void> {
    const page = await this.load({ trueClass: t, predClass: p, limit: SHOWN });
    const name = (k: number) => this.classNames[k] ?? String(k);
    if (page) this.cell = { page, heading: t === p ? `${name(t)} recognised` : `${name(t)} predicted as ${name(p)}` };
  }

  private async load(q: ExampleQuery): Promise<ExamplePage | undefined> {
    if (!this.api) return undefined;
    try {
      this.error = '';
      return await this.api.examples(q);
    } catch (e) {
      this.error = errorMessage(e);
      return undefined;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'insight-panel': InsightPanel;
  }
}
