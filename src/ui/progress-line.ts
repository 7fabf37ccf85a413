// One line of where the run is: epoch e/E, step s/S, examples per second and time left.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Progress } from '../model/metrics';
import { formatCount, formatDuration } from './format';
import { sharedStyles } from './shared-styles';

@customElement('progress-line')
export class ProgressLine extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        font-variant-numeric: tabular-nums;
      }
      .line {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 18px;
        align-items: baseline;
      }
      b {
        font-weight: 600;
      }
      .bar {
        height: 4px;
        margin-top: 6px;
        border-radius: 2px;
        background: var(--lab-accent-soft);
        overflow: hidden;
      }
      .bar > div {
        height: 100%;
        background: var(--lab-accent);
        transition: width 0.2s linear;
      }
    `,
  ];

  /** The latest progress report of the run, if any. */
  @property({ attribute: false }) progress?: Progress;
  /** Whether the run is going (time left only makes sense then). */
  @property({ type: Boolean }) running = false;

  override render() {
    const p = this.progress;
    // Before the first step there is nothing to count; the status line says what is happening.
    if (!p) return nothing;
    const done = (p.epoch - 1 + p.step / Math.max(1, p.stepsPerEpoch)) / Math.max(1, p.epochs);
    return html`
      <div class="line">
        <span data-testid="progress-epoch" data-epoch=${p.epoch} data-step=${p.step}>Epoch <b>${p.epoch}</b>/${p.epochs}</span>
        <span>Step <b>${p.step}</b>/${p.stepsPerEpoch}</span>
        <span><b>${formatCount(p.examplesPerSecond)}</b> examples/s</span>
        ${this.running ? html`<span><b>${formatDuration(p.secondsLeft)}</b> left</span>` : nothing}
      </div>
      <div class="bar" aria-hidden="true"><div style=${`width:${(Math.min(1, done) * 100).toFixed(1)}%`}></div></div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'progress-line': ProgressLine;
  }
}
