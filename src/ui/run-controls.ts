// Train / Stop / Continue / Export, each enabled by what the run's status allows; presses go up as
// RunCommandEvents.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { RunCommandEvent, type RunCommand } from './events';
import { sharedStyles } from './shared-styles';
import type { RunActions } from './training-store';

@customElement('run-controls')
export class RunControls extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
      }
      .spacer {
        flex: 1;
      }
      .note {
        margin: 8px 0 0;
        font-size: 12px;
      }
    `,
  ];

  /** Which commands the current state allows. */
  @property({ attribute: false }) actions: RunActions = { train: false, stop: false, continue: false, export: false };
  /** Shows "Exporting…" on the export button while the file is made. */
  @property({ type: Boolean }) exporting = false;
  /** A line under the buttons (e.g. that Continue keeps the run's own settings). */
  @property() note = '';

  override render() {
    const a = this.actions;
    return html`
      <div class="row" role="toolbar" aria-label="Run">
        ${this.button('train', 'Train', a.train, 'primary')}
        ${this.button('stop', 'Stop', a.stop)}
        ${this.button('continue', 'Continue', a.continue)}
        <span class="spacer"></span>
        ${this.button('export', this.exporting ? 'Exporting…' : 'Export', a.export)}
      </div>
      ${this.note ? html`<p class="note muted">${this.note}</p>` : nothing}
    `;
  }

  private button(command: RunCommand, label: string, enabled: boolean, cls = '') {
    return html`<button
      class=${cls}
      data-testid=${`${command}-button`}
      ?disabled=${!enabled}
      @click=${() => this._onCommand(command)}
      title=${command === 'export' ? 'Download the weights as a .safetensors file' : ''}
    >
      ${label}
    </button>`;
  }

  private _onCommand(command: RunCommand): void {
    this.dispatchEvent(new RunCommandEvent(command));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-controls': RunControls;
  }
}
