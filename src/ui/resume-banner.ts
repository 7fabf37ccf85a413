// "Resume run": offered when the page opens and this browser holds a saved checkpoint (written at every
// epoch end and on Stop), until a new run starts. Resume rebuilds the run with its curves and continues.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RunSummary } from '../worker/protocol';
import { RunFileEvent, type RunFileAction } from './run-file-events';
import { sharedStyles } from './shared-styles';

@customElement('resume-banner')
export class ResumeBanner extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .banner {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 10px;
        padding: 9px 12px;
        border-radius: 8px;
        border: 1px solid #c5cdf5;
        background: var(--lab-accent-soft);
      }
      .text {
        flex: 1;
        min-width: 16em;
      }
    `,
  ];

  /** The saved run; nothing renders without one. */
  @property({ attribute: false }) saved?: RunSummary;
  /** Disables the buttons while the run is being rebuilt. */
  @property({ type: Boolean }) busy = false;

  override render() {
    const s = this.saved;
    if (!s) return nothing;
    const when = new Date(s.createdAt).toLocaleString();
    return html`
      <div class="banner" role="region" aria-label="Saved run" data-testid="resume-banner">
        <span class="text">
          A run was saved in this browser: <strong data-testid="saved-run">${s.description}</strong>
          <span class="muted">(${s.historyLength} points, ${when})</span>
        </span>
        <button class="primary" data-testid="resume-button" ?disabled=${this.busy} @click=${() => this._on('resume-saved')}>
          ${this.busy ? 'Resuming…' : 'Resume run'}
        </button>
        <button data-testid="discard-saved-button" ?disabled=${this.busy} @click=${() => this._on('discard-saved')}>Discard</button>
      </div>
    `;
  }

  private _on(action: RunFileAction): void {
    this.dispatchEvent(new RunFileEvent(action));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'resume-banner': ResumeBanner;
  }
}
