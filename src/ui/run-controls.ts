// Train / Stop / Continue / Train N more epochs / Export, each enabled by what the run's status allows;
// presses go up as RunCommandEvents. A button that cannot act now is aria-disabled, not disabled, so a
// keyboard user's focus never drops to the page: it moves to Stop when a run starts and back to Train
// when it ends.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
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
        align-items: center;
      }
      .spacer {
        flex: 1;
      }
      .more {
        display: flex;
        gap: 6px;
        align-items: center;
      }
      .more input {
        width: 4.5em;
      }
      .note {
        margin: 8px 0 0;
        font-size: 12px;
      }
    `,
  ];

  /** Which commands the current state allows. */
  @property({ attribute: false }) actions: RunActions = { train: false, stop: false, continue: false, more: false, export: false };
  /** Shows "Exporting…" on the export button while the file is made. */
  @property({ type: Boolean }) exporting = false;
  /** A line under the buttons (e.g. that Continue keeps the run's own settings). */
  @property() note = '';
  /** The "more epochs" field's starting value (the form's epochs). */
  @property({ type: Number }) moreEpochs = 5;

  @state() private more = '';

  override render() {
    const a = this.actions;
    const n = this.moreCount();
    return html`
      <div class="row" role="toolbar" aria-label="Run">
        ${this.button('train', 'Train', a.train, 'primary')}
        ${this.button('stop', 'Stop', a.stop)}
        ${a.more
          ? html`<span class="more">
              ${this.button('more', `Train ${n ?? 'N'} more epoch${n === 1 ? '' : 's'}`, n !== undefined)}
              <input aria-label="More epochs" data-testid="more-epochs" inputmode="numeric" .value=${this.more || String(this.moreEpochs)} @input=${this._onMore} />
            </span>`
          : this.button('continue', 'Continue', a.continue)}
        <span class="spacer"></span>
        ${this.button('export', this.exporting ? 'Exporting…' : 'Export', a.export)}
        ${this.button('export-best', 'Export best epoch', a.export)}
      </div>
      ${this.note ? html`<p class="note muted">${this.note}</p>` : nothing}
    `;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('actions')) return;
    // Focus on a button that can no longer act follows the run: to Stop once it starts, to Train once it ends.
    const focused = this.shadowRoot?.activeElement;
    if (!(focused instanceof HTMLButtonElement) || focused.getAttribute('aria-disabled') !== 'true') return;
    const target = this.actions.stop ? 'stop' : this.actions.train ? 'train' : undefined;
    if (target) this.renderRoot.querySelector<HTMLButtonElement>(`[data-testid=${target}-button]`)?.focus();
  }

  private moreCount(): number | undefined {
    const text = (this.more || String(this.moreEpochs)).trim();
    return /^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 10000 ? Number(text) : undefined;
  }

  private button(command: RunCommand, label: string, enabled: boolean, cls = '') {
    return html`<button
      class=${cls}
      data-testid=${`${command}-button`}
      aria-disabled=${enabled ? 'false' : 'true'}
      @click=${() => enabled && this._onCommand(command)}
      title=${command === 'export' ? 'Download the weights as a .safetensors file' : command === 'export-best' ? 'Download the weights of the best epoch (lowest validation loss or highest accuracy, as the form says)' : command === 'more' ? 'Continue the finished run with its own settings for more epochs' : ''}
    >
      ${label}
    </button>`;
  }

  private _onMore(e: Event): void {
    this.more = (e.target as HTMLInputElement).value;
  }

  private _onCommand(command: RunCommand): void {
    this.dispatchEvent(new RunCommandEvent(command, command === 'more' ? (this.moreCount() ?? 0) : 0));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-controls': RunControls;
  }
}
