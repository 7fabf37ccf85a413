// The run saved in this browser (a checkpoint written every epoch end, every 30 s and on Stop), offered
// for what can be done with it now: "Resume run" on the data it trained on; "Load Fashion-MNIST and
// resume" when it trained on another built-in dataset; for a finished run, "Open it" (then Train N more
// epochs); on data the page cannot load by itself, only what to load.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { StoredRun } from '../worker/protocol';
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
        border: 1px solid var(--lab-accent-border);
        background: var(--lab-accent-soft);
      }
      .text {
        flex: 1;
        min-width: 16em;
      }
    `,
  ];

  /** The saved run; nothing renders without one. */
  @property({ attribute: false }) saved?: StoredRun;
  /** Disables the buttons while the run is being rebuilt. */
  @property({ type: Boolean }) busy = false;
  /** The dataset loaded now. */
  @property() loaded = '';

  override render() {
    const s = this.saved;
    if (!s) return nothing;
    const when = new Date(s.createdAt).toLocaleString();
    const here = s.differences.length === 0;
    const verb = s.finished ? 'open' : 'resume';
    const action = here ? (s.finished ? 'Open the finished run' : 'Resume run') : s.builtin ? `Load ${s.datasetName} and ${verb}` : '';
    return html`
      <div class="banner" role="region" aria-label="Saved run" data-testid="resume-banner" data-can=${action ? verb : 'no'}>
        <span class="text">
          A run was saved in this browser: <strong data-testid="saved-run">${s.description}</strong>
          <span class="muted">(${s.historyLength} points, ${when})</span>
          ${here ? nothing : html`<br /><span data-testid="saved-elsewhere">It trained on ${s.datasetName}, not on ${this.loaded || 'the data loaded now'} (${s.differences.join(', ')})${s.builtin ? '' : `: load that data to ${verb} it`}.</span>`}
          ${s.finished ? html`<br /><span class="muted">It has trained all its ${s.config.epochs} epochs; open it to evaluate, export or train more.</span>` : nothing}
        </span>
        ${action
          ? html`<button class="primary" data-testid="resume-button" ?disabled=${this.busy} @click=${() => this._on('resume-saved')}>
              ${this.busy ? 'Resuming…' : action}
            </button>`
          : nothing}
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
