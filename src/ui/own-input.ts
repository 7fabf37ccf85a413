// Your own input: draw on a canvas (or drop / paste an image) for image data, fill in a row for tables;
// the probabilities follow as you draw. Predictions run in the engine worker on a CPU copy of the
// latest weights, one at a time: while one is out, the newest input waits and goes next.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Prediction } from '../worker/insight-types';
import { errorMessage } from './format';
import type { InsightApi } from './insight-panel';
import { imageToFeatures } from './input-preprocess';
import { drawTiles, examplePixels } from './pixels';
import { sharedStyles } from './shared-styles';
import { ownInputStyles } from './own-input-styles';

const SIZE = 280;

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
  @state() private mnistStyle = true;
  /** Predictions answered so far (the browser test reads the rate from it). */
  @state() private updates = 0;
  @query('canvas.pad') private pad?: HTMLCanvasElement;
  @query('canvas.seen') private seen?: HTMLCanvasElement;
  private row: number[] = [];
  private pending: Uint8Array | Float32Array | null = null;
  private inFlight = false;
  private last?: { x: number; y: number };

  override render() {
    if (!this.ready) return html`<p class="muted">Train a model (or open one) to try your own input; it works during training too.</p>`;
    const image = this.shape.length === 3;
    return html`
      <div class="layout">
        ${image ? this.drawing() : this.form()}
        <div class="result" data-testid="own-probs" data-updates=${this.updates} data-top=${this.top()} aria-live="polite">
          ${this.error ? html`<p class="error">${this.error}</p>` : nothing}
          ${this.prediction ? this.bars(this.prediction) : html`<p class="muted">${image ? 'Draw a digit or object, or drop / paste an image.' : 'Fill in the values.'}</p>`}
        </div>
      </div>
    `;
  }

  private drawing() {
    const mnist = this.shape[0] === 1 && this.shape[1] === 28 && this.shape[2] === 28;
    return html`<div>
      <canvas class="pad" data-testid="draw-pad" width=${SIZE} height=${SIZE} aria-label="Drawing pad: draw with the mouse, a pen or a finger; drop or paste an image"
        @pointerdown=${this._onDown} @pointermove=${this._onMove} @pointerup=${this._onUp} @pointerleave=${this._onUp}
        @dragover=${(e: DragEvent) => e.preventDefault()} @drop=${this._onDrop} @paste=${this._onPaste} tabindex="0"></canvas>
      <div class="tools">
        <button @click=${this.clear} data-testid="draw-clear">Clear</button>
        ${mnist ? html`<label><input type="checkbox" .checked=${this.mnistStyle} @change=${(e: Event) => ((this.mnistStyle = (e.target as HTMLInputElement).checked), this.send())} /> MNIST-style centring</label>` : nothing}
        <span class="muted">What the model sees:</span><canvas class="seen" data-testid="draw-seen"></canvas>
      </div>
    </div>`;
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

  private ctx(): CanvasRenderingContext2D | null {
    return this.pad?.getContext('2d', { willReadFrequently: true }) ?? null;
  }

  private clear = (): void => {
    const ctx = this.ctx();
    if (!ctx) return;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, SIZE, SIZE);
    this.prediction = undefined;
  };

  private point(e: PointerEvent) {
    const r = this.pad!.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * SIZE) / r.width, y: ((e.clientY - r.top) * SIZE) / r.height };
  }

  private _onDown = (e: PointerEvent): void => {
    this.pad?.setPointerCapture?.(e.pointerId);
    this.last = this.point(e);
    this._onMove(e);
  };

  private _onMove = (e: PointerEvent): void => {
    if (!this.last || !e.buttons) return;
    const ctx = this.ctx();
    if (!ctx) return;
    const p = this.point(e);
    Object.assign(ctx, { strokeStyle: '#fff', lineWidth: 20, lineCap: 'round', lineJoin: 'round' });
    ctx.beginPath();
    ctx.moveTo(this.last.x, this.last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    this.last = p;
    this.send();
  };

  private _onUp = (): void => {
    this.last = undefined;
  };

  private _onDrop = (e: DragEvent): void => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) void this.drawImage(file);
  };

  private _onPaste = (e: ClipboardEvent): void => {
    const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
    if (file) void this.drawImage(file);
  };

  /** Fits a dropped or pasted image into the pad (the browser decodes it) and predicts. */
  private async drawImage(file: Blob): Promise<void> {
    const ctx = this.ctx();
    if (!ctx) return;
    try {
      const bitmap = await createImageBitmap(file);
      const k = Math.min(SIZE / bitmap.width, SIZE / bitmap.height);
      this.clear();
      ctx.drawImage(bitmap, (SIZE - bitmap.width * k) / 2, (SIZE - bitmap.height * k) / 2, bitmap.width * k, bitmap.height * k);
      bitmap.close();
      this.send();
    } catch (err) {
      this.error = `The image could not be read: ${errorMessage(err)}`;
    }
  }

  private _onRowInput = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const v = Number(input.value);
    if (input.value.trim() === '' || !Number.isFinite(v)) return;
    this.row[Number(input.dataset.col)] = v;
    this.request(Float32Array.from(this.row));
  };

  /** The pad as the data's features: shown small beside the pad, then sent. */
  private send(): void {
    const ctx = this.ctx();
    if (!ctx) return;
    const x = imageToFeatures(ctx.getImageData(0, 0, SIZE, SIZE).data, SIZE, SIZE, this.shape, this.mnistStyle);
    const px = examplePixels(x, this.shape);
    if (this.seen) drawTiles(this.seen, [px.data], px.height, px.width, 1);
    this.request(x);
  }

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
      } catch (e) {
        this.error = errorMessage(e);
        // A run being set up has no weights yet: the same input is tried again shortly.
        if (!this.pending) setTimeout(() => this.pending === null && !this.inFlight && this.request(x), 1000);
      }
    }
    this.inFlight = false;
  }

  protected override firstUpdated(): void {
    this.clear();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'own-input': OwnInput;
  }
}
