// A drawing pad for the user's own image input: draw with a mouse, pen or finger, or drop / paste an
// image; every change goes up as the data's raw features (MNIST-style for 28×28 grey data, see
// input-preprocess.ts), shown small beside the pad as what the model sees.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { errorMessage } from './format';
import { imageToFeatures } from './input-preprocess';
import { FeaturesEvent } from './insight-events';
import { ownInputStyles } from './own-input-styles';
import { drawTiles, examplePixels } from './pixels';
import { sharedStyles } from './shared-styles';

const SIZE = 280;

@customElement('draw-pad')
export class DrawPad extends LitElement {
  static override styles = [sharedStyles, ownInputStyles];

  /** The data's per-example shape [C, H, W]. */
  @property({ attribute: false }) shape: readonly number[] = [];
  @state() private mnistStyle = true;
  @state() private error = '';
  @query('canvas.pad') private pad?: HTMLCanvasElement;
  @query('canvas.seen') private seen?: HTMLCanvasElement;
  private last?: { x: number; y: number };

  override render() {
    const mnist = this.shape[0] === 1 && this.shape[1] === 28 && this.shape[2] === 28;
    return html`
      <canvas class="pad" data-testid="draw-pad" width=${SIZE} height=${SIZE} tabindex="0" aria-label="Drawing pad: draw with the mouse, a pen or a finger; drop or paste an image"
        @pointerdown=${this._onDown} @pointermove=${this._onMove} @pointerup=${this._onUp} @pointerleave=${this._onUp}
        @dragover=${(e: DragEvent) => e.preventDefault()} @drop=${this._onDrop} @paste=${this._onPaste}></canvas>
      <div class="tools">
        <button @click=${this.clear} data-testid="draw-clear">Clear</button>
        ${mnist ? html`<label><input type="checkbox" .checked=${this.mnistStyle} @change=${(e: Event) => ((this.mnistStyle = (e.target as HTMLInputElement).checked), this.send())} /> MNIST-style centring</label>` : nothing}
        <span class="muted">What the model sees:</span><canvas class="seen" data-testid="draw-seen"></canvas>
      </div>
      ${this.error ? html`<p class="error">${this.error}</p>` : nothing}
    `;
  }

  protected override firstUpdated(): void {
    this.clear();
  }

  private ctx(): CanvasRenderingContext2D | null {
    return this.pad?.getContext('2d', { willReadFrequently: true }) ?? null;
  }

  private clear = (): void => {
    const ctx = this.ctx();
    if (!ctx) return;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, SIZE, SIZE);
    if (this.seen) drawTiles(this.seen, [], 1, 1, 1);
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
    const ctx = this.ctx();
    if (!this.last || !e.buttons || !ctx) return;
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

  /** Fits a dropped or pasted image into the pad (the browser decodes it). */
  private async drawImage(file: Blob): Promise<void> {
    const ctx = this.ctx();
    if (!ctx) return;
    try {
      const bitmap = await createImageBitmap(file);
      const k = Math.min(SIZE / bitmap.width, SIZE / bitmap.height);
      this.clear();
      ctx.drawImage(bitmap, (SIZE - bitmap.width * k) / 2, (SIZE - bitmap.height * k) / 2, bitmap.width * k, bitmap.height * k);
      bitmap.close();
      this.error = '';
      this.send();
    } catch (err) {
      this.error = `The image could not be read: ${errorMessage(err)}`;
    }
  }

  /** The pad as the data's features: drawn small, then sent up. */
  private send(): void {
    const ctx = this.ctx();
    if (!ctx) return;
    const x = imageToFeatures(ctx.getImageData(0, 0, SIZE, SIZE).data, SIZE, SIZE, this.shape, this.mnistStyle);
    const px = examplePixels(x, this.shape);
    if (this.seen) drawTiles(this.seen, [px.data], px.height, px.width, 1);
    this.dispatchEvent(new FeaturesEvent(x));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'draw-pad': DrawPad;
  }
}
