// Your own input: the drawing pad (image data) or a row form (tables) beside the class probabilities,
// which follow as you draw. Predictions run in the engine worker on a CPU copy of the latest weights,
// one at a time: while one is out, the newest input waits and goes next.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Prediction } from '../worker/insight-types';
import { errorMessage } from './format';
import { FeaturesEvent } from './insight-events';
import type { InsightApi } from './insight-panel';
import { ownInputStyles } from './own-input-styles';
import { sharedStyles } from './shared-styles';
import './draw-pad';

@customElement('own-input')
export class OwnInput extends LitElement {
  static override styles = [sharedStyles, ownInputStyles];

  @property({ attribute: false }) api?: InsightApi;
  @property({ type: Boolean }) ready = false;
  @property({ attribute: false }) classNames: readonly string[] = [];
  @property({ attribute: false }) shape: readonly number[] = [];
  @property({ attribute: false }) columns?: readonly string[];

  @state() private prediction?: Prediction;
  @state() private error = '';
  /** Predictions answered so far (the browser test reads the rate from it). */
  @state() private updates = 0;
  private row: number[] = [];
  private pending: Uint8Array | Float32Array | null = null;
  private inFlight = false;
  private retries = 0;

  constructor() {
    super();
    this.addEventListener(FeaturesEvent.eventName, (e) => this.request(e.features));
  }

  override render() {
    if (!this.ready) return html`<p class="muted">Train a model (or open one) to try your own input; it works during training too.</p>`;
    const image = this.shape.length === 3;
    return html`
      <div class="layout">
        ${image ? html`<draw-pad .shape=${this.shape}></draw-pad>` : this.form()}
        <div class="result" data-testid="own-probs" data-updates=${this.updates} data-top=${this.top()} aria-live="polite">
          ${this.error ? html`<p class="error">${this.error}</p>` : nothing}
          ${this.prediction ? this.bars(this.prediction) : html`<p class="muted">${image ? 'Draw a digit or object, or drop / paste an image.' : 'Fill in the values.'}</p>`}
        </div>
      </div>
    `;
  }

  private form() {
    const d = this.shape[0] ?? 0;
    if (this.row.length !== d) this.row = new Array<number>(d).fill(0);
    return html`<form class="row" data-testid="row-form" @input=${this._onRowInput} @submit=${(e: Event) => e.preventDefault()}>
      ${this.row.map((v, j) => html`<label>${this.columns?.[j] ?? `x${j}`}<input type="number" step="any" data-col=${j} .value=${String(v)} /></label>`)}
    </form>`;
  }

  private bars(p: Prediction) {
    const probs = Array.from(p.probs.subarray(0, this.classNames.length));
    const best = probs.indexOf(Math.max(...probs));
    return html`<ol class="bars">${probs.map((v, k) => html`<li class=${k === best ? 'best' : ''}><span class="name">${this.classNames[k]}</span>
        <span class="track"><span class="fill" style=${`width:${(v * 100).toFixed(1)}%`}></span></span><span class="num">${(v * 100).toFixed(1)} %</span></li>`)}</ol>
      <p class="muted small">Weights of ${p.weights} · CPU forward ${p.ms.toFixed(1)} ms</p>`;
  }

  private top(): string {
    const p = this.prediction?.probs;
    if (!p) return '';
    let best = 0;
    for (let k = 1; k < this.classNames.length; k++) if (p[k] > p[best]) best = k;
    return this.classNames[best] ?? '';
  }

  private _onRowInput = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const v = Number(input.value);
    if (input.value.trim() === '' || !Number.isFinite(v)) return;
    this.row[Number(input.dataset.col)] = v;
    this.request(Float32Array.from(this.row));
  };

  private request(x: Uint8Array | Float32Array): void {
    this.pending = x;
    if (!this.inFlight) void this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.api) return;
    this.inFlight = true;
    while (this.pending) {
      const x = this.pending;
      this.pending = null;
      try {
        this.prediction = await this.api.predict(x, 1);
        this.updates++;
        this.error = '';
        this.retries = 0;
      } catch (e) {
        this.error = errorMessage(e);
        // A run being set up has no weights yet: the same input is tried again shortly (for up to 30 s).
        if (!this.pending && this.retries++ < 30) setTimeout(() => this.pending === null && !this.inFlight && this.request(x), 1000);
      }
    }
    this.inFlight = false;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'own-input': OwnInput;
  }
}
