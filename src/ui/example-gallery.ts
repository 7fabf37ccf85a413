// Validation examples with the model's top-3 answers: images for image data, the feature row with its
// column names for tables. Used for a matrix cell and for the most confident mistakes overall.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ExamplePage, ShownExample } from '../worker/insight-types';
import { formatCount } from './format';
import { ExamplePickEvent } from './insight-events';
import { drawTiles, examplePixels } from './pixels';
import { sharedStyles } from './shared-styles';

const COLUMNS_SHOWN = 8;

@customElement('example-gallery')
export class ExampleGallery extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      ul { list-style: none; margin: 6px 0 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(128px, 1fr)); gap: 8px; }
      ul > li { border: 1px solid var(--lab-border); border-radius: 8px; padding: 6px; font-size: 11.5px; min-width: 0; }
      canvas { width: 84px; image-rendering: pixelated; display: block; margin: 0 auto 4px; background: #000; }
      .truth { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      ol { margin: 2px 0 0; padding-left: 1.3em; }
      .wrong { color: var(--lab-danger); }
      .row { font-family: var(--lab-mono); font-size: 10.5px; color: var(--lab-muted); word-break: break-all; }
      li button { margin-top: 4px; padding: 1px 6px; font-size: 11px; font-weight: 500; }
    `,
  ];

  @property({ attribute: false }) page?: ExamplePage;
  @property({ attribute: false }) classNames: readonly string[] = [];
  /** What the list shows ("Sandal predicted as Sneaker"). */
  @property() heading = '';

  override render() {
    const p = this.page;
    if (!p) return nothing;
    const from = p.epoch > 0 ? ` (validation after epoch ${p.epoch})` : '';
    return html`
      <div data-testid="example-count" data-total=${p.total}>${this.heading}: ${formatCount(p.total)} example${p.total === 1 ? '' : 's'}${from}${
        p.shown.length < p.total ? `, the ${p.shown.length} most confident shown` : ''}</div>
      <ul aria-label=${this.heading}>${p.shown.map((e) => this.example(e, p))}</ul>
    `;
  }

  private example(e: ShownExample, p: ExamplePage) {
    const name = (k: number) => this.classNames[k] ?? String(k);
    const image = p.shape.length === 3;
    const cols = p.columns ?? Array.from({ length: e.features.length }, (_, j) => `x${j}`);
    const row = Array.from(e.features.slice(0, COLUMNS_SHOWN), (v, j) => `${cols[j]}=${+v.toPrecision(4)}`).join(', ') + (e.features.length > COLUMNS_SHOWN ? ', …' : '');
    return html`<li data-testid="example" data-index=${e.index} data-label=${e.label} data-pred=${e.top[0] ?? -1}>
      ${image ? html`<canvas data-index=${e.index} role="img" aria-label=${`example ${e.index}, ${name(e.label)}`}></canvas>` : html`<div class="row">${row}</div>`}
      <div class="truth" title=${name(e.label)}>true: ${name(e.label)}</div>
      ${e.top.length === 0 ? html`<div class="wrong">NaN logits</div>` : html`<ol>${e.top.map((c, k) => html`<li class=${c !== e.label && k === 0 ? 'wrong' : ''}>${name(c)} ${(e.probs[k] * 100).toFixed(1)} %</li>`)}</ol>`}
      ${image ? html`<button @click=${() => this.dispatchEvent(new ExamplePickEvent(e.index))}>Inside the model</button>` : nothing}
    </li>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const p = this.page;
    if (!changed.has('page') || !p || p.shape.length !== 3) return;
    const canvases = this.renderRoot.querySelectorAll('canvas');
    p.shown.forEach((e, i) => {
      const px = examplePixels(e.features, p.shape);
      if (canvases[i]) drawTiles(canvases[i], [px.data], px.height, px.width, 1);
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'example-gallery': ExampleGallery;
  }
}
