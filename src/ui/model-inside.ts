// Inside the model, ConvNetJS style: the first dense layer on image input as one weight image per unit,
// and for each conv layer its filters (first input channel, blue < 0 < red) and the activation maps of
// one validation example, computed in the worker on a copy of the latest weights.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ModelInside } from '../worker/insight-types';
import { errorMessage } from './format';
import type { InsightApi } from './insight-panel';
import { absMax, divergingPixels, drawTiles, examplePixels, greyPixels } from './pixels';
import { sharedStyles } from './shared-styles';

@customElement('model-inside')
export class ModelInsideView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .bar { display: flex; gap: 8px; align-items: center; font-size: 12.5px; margin-bottom: 8px; }
      .bar input { width: 7em; }
      h3 { font-size: 12.5px; margin: 12px 0 4px; font-weight: 600; }
      canvas { image-rendering: pixelated; max-width: 100%; background: var(--lab-border); }
      canvas.example { width: 84px; background: #000; }
      .error { color: var(--lab-danger); }
    `,
  ];

  @property({ attribute: false }) api?: InsightApi;
  @property({ type: Boolean }) ready = false;
  /** The validation example whose activations are shown. */
  @property({ type: Number }) example = 0;
  @property({ attribute: false }) classNames: readonly string[] = [];
  @state() private inside?: ModelInside;
  @state() private error = '';

  override render() {
    if (!this.ready) return html`<p class="muted">Train a model (or open one) to look inside it.</p>`;
    const v = this.inside;
    return html`
      <div class="bar">
        <label>Validation example <input type="number" min="0" data-testid="inside-example" .value=${String(this.example)}
          @change=${(e: Event) => (this.example = Math.max(0, Math.floor(Number((e.target as HTMLInputElement).value)) || 0))} /></label>
        <button @click=${() => void this.load()}>Refresh</button>
        ${v ? html`<canvas class="example" data-part="example"></canvas><span>${this.classNames[v.example.label] ?? ''}</span>` : nothing}
      </div>
      ${this.error ? html`<p class="error">${this.error}</p>` : nothing}
      ${v?.dense ? html`<h3>${v.dense.path}: weights of its ${v.dense.units} units as images</h3><canvas data-part="dense" data-testid="dense-tiles" style="width:min(100%, ${Math.min(v.dense.units, 16) * 3 * (v.dense.tileShape[2] + 1)}px)"></canvas>` : nothing}
      ${v?.convs.map((c, i) => html`<h3>${c.path}: ${c.shape[0]} filters ${c.shape[2]}×${c.shape[3]} (input channel 0) and their activation maps</h3>
        <div><canvas data-part=${`filters-${i}`} data-testid="conv-filters" style="width:${Math.min(c.shape[0], 16) * (c.shape[3] + 1) * 7}px"></canvas></div>
        <div><canvas data-part=${`maps-${i}`} data-testid="activation-maps" style="width:${Math.min(c.activationShape[0], 8) * (c.activationShape[2] + 1) * Math.max(2, Math.round(84 / c.activationShape[2]))}px"></canvas></div>`)}
      ${v && !v.dense && v.convs.length === 0 ? html`<p class="muted">This model has no conv layer and no dense layer on the image's pixels to show.</p>` : nothing}
    `;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('example') || changed.has('ready')) && this.ready) void this.load();
  }

  private async load(): Promise<void> {
    if (!this.api) return;
    try {
      this.inside = await this.api.inside(this.example);
      this.error = '';
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  protected override updated(): void {
    const v = this.inside;
    if (!v) return;
    const canvas = (part: string) => this.renderRoot.querySelector<HTMLCanvasElement>(`canvas[data-part="${part}"]`);
    const ex = examplePixels(v.example.features, v.example.shape);
    const exCanvas = canvas('example');
    if (exCanvas) drawTiles(exCanvas, [ex.data], ex.height, ex.width, 1);
    const d = v.dense;
    const denseCanvas = canvas('dense');
    if (d && denseCanvas) {
      // Channel 0 of each unit's (C, H, W) weights, on one symmetric scale for the layer.
      const [c, h, w] = d.tileShape;
      const scale = absMax(d.weights);
      const tiles = Array.from({ length: d.units }, (_, u) => divergingPixels(d.weights, u * c * h * w, h, w, scale));
      drawTiles(denseCanvas, tiles, h, w, Math.min(d.units, 16));
    }
    v.convs.forEach((c, i) => {
      const [out, inC, kh, kw] = c.shape;
      const scale = absMax(c.weights);
      const filters = canvas(`filters-${i}`);
      if (filters) drawTiles(filters, Array.from({ length: out }, (_, o) => divergingPixels(c.weights, o * inC * kh * kw, kh, kw, scale)), kh, kw, Math.min(out, 16));
      const [ch, h, w] = c.activationShape;
      const maps = canvas(`maps-${i}`);
      if (maps) drawTiles(maps, Array.from({ length: ch }, (_, k) => greyPixels(c.activation, k * h * w, h, w)), h, w, Math.min(ch, 8));
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'model-inside': ModelInsideView;
  }
}
