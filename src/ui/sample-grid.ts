// A grid of sample images from the dataset, drawn once onto one canvas at native resolution and
// scaled up with crisp pixels. Images arrive as (H, W, C) bytes with C = 1 (grey) or 3 (RGB).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { SampleGrid as Samples } from '../worker/protocol';
import { sharedStyles } from './shared-styles';

@customElement('sample-grid')
export class SampleGrid extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      canvas {
        display: block;
        width: 100%;
        height: auto;
        image-rendering: pixelated;
        border-radius: 6px;
        background: var(--lab-surface);
      }
    `,
  ];

  @property({ attribute: false }) samples?: Samples;
  @property({ attribute: false }) classNames: readonly string[] = [];
  /** Images per row. */
  @property({ type: Number }) columns = 10;

  @query('canvas') private canvas?: HTMLCanvasElement;

  override render() {
    const s = this.samples;
    if (!s || s.count === 0) return nothing;
    const labels = s.labels.map((l) => this.classNames[l] ?? String(l)).join(', ');
    return html`<canvas data-testid="sample-grid" role="img" aria-label=${`${s.count} sample images: ${labels}`}></canvas>`;
  }

  protected override updated(): void {
    const s = this.samples;
    if (!s || !this.canvas) return;
    const cols = Math.min(this.columns, s.count);
    const rows = Math.ceil(s.count / cols);
    const gap = 1;
    const width = cols * (s.width + gap) - gap;
    const height = rows * (s.height + gap) - gap;
    this.canvas.width = width;
    this.canvas.height = height;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const image = ctx.createImageData(width, height);
    const { pixels, channels: c } = s;
    const per = s.width * s.height * c;
    for (let n = 0; n < s.count; n++) {
      const ox = (n % cols) * (s.width + gap);
      const oy = Math.floor(n / cols) * (s.height + gap);
      for (let y = 0; y < s.height; y++) {
        for (let x = 0; x < s.width; x++) {
          const src = n * per + (y * s.width + x) * c;
          const dst = ((oy + y) * width + ox + x) * 4;
          image.data[dst] = pixels[src];
          image.data[dst + 1] = pixels[src + (c >= 3 ? 1 : 0)];
          image.data[dst + 2] = pixels[src + (c >= 3 ? 2 : 0)];
          image.data[dst + 3] = 255;
        }
      }
    }
    ctx.putImageData(image, 0, 0);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sample-grid': SampleGrid;
  }
}
