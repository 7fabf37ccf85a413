// The run's one status line: nothing yet (press Train), starting (compiling kernels, tuning), the
// engine's word during training (diverging, a lost device), stopped (Continue resumes), done (final
// figures), diverged (the step, and a lower learning rate), or an error. Never two at once.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { EpochSummary, RunStatus } from '../model/metrics';
import type { StartupProgress } from '../worker/protocol';
import { formatDuration, formatMetric } from './format';
import { sharedStyles } from './shared-styles';

@customElement('run-status')
export class RunStatusLine extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .status {
        padding: 7px 10px;
        border-radius: 7px;
        border-left: 4px solid var(--lab-muted);
        background: var(--lab-bg);
      }
      .done {
        border-color: var(--lab-ok);
      }
      .stopped,
      .stopping {
        border-color: var(--lab-warn);
      }
      .diverged,
      .error {
        border-color: var(--lab-danger);
      }
      .training {
        border-color: var(--lab-accent);
      }
    `,
  ];

  @property() status: RunStatus = 'idle';
  /** The engine's message for this status, if it sent one. */
  @property() message?: string;
  /** The engine's summary of the last finished epoch, for the figures of a finished run. */
  @property({ attribute: false }) lastEpoch?: EpochSummary;
  /** What a starting run is doing before its first step. */
  @property({ attribute: false }) startup?: StartupProgress;

  override render() {
    const text = this.text();
    if (!text) return nothing;
    const phase = this.status === 'training' && this.startup ? this.startup.phase : '';
    return html`<div class="status ${this.status}" data-testid="run-status" data-status=${this.status} data-phase=${phase} role="status">${text}</div>`;
  }

  private text(): string | undefined {
    switch (this.status) {
      case 'idle':
        return 'No run yet. Press Train to start.';
      case 'training':
        // Start-up first (it ends with the first step); then the engine's word, if any.
        return this.startup ? `Starting: ${this.startup.message}` : this.message;
      case 'stopping':
        return 'Stopping after the current step…';
      case 'stopped':
        return this.message ?? 'Stopped. Continue resumes from here; Export saves the weights so far.';
      case 'done': {
        const e = this.lastEpoch;
        const figures = e
          ? ` After epoch ${e.epoch}: validation accuracy ${formatMetric('acc', e.val_acc)}, validation loss ${formatMetric('loss', e.val_loss)}, train loss ${formatMetric('loss', e.train_loss)} (epoch took ${formatDuration(e.seconds)}).`
          : '';
        return this.message ?? `Done.${figures}`;
      }
      case 'diverged':
        return this.message ?? 'Training diverged (the loss is no longer finite). Try a lower learning rate.';
      case 'error':
        return `Training stopped on an error${this.message ? `: ${this.message}` : '.'}`;
      default:
        return this.status satisfies never;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-status': RunStatusLine;
  }
}
