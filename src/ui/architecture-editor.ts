// The architecture under the model form: its layer table, and its spec as JSON text to edit. Presets are
// specs: the text of a zoo model is what the model builds; editing it makes the model `custom` with that
// text. Each edit is checked against the loaded data as it is typed, and a refusal names the layer path
// and the reason ("stages.2.0.conv1: input has 64 channels, the layer expects 32").
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { TrainConfig } from '../model/config';
import { summarize, type ArchitectureSummary } from '../model/summary';
import { architectureText, buildArchitecture } from '../model/zoo';
import './architecture-table';
import { ArchitectureEditEvent } from './events';
import { errorMessage } from './format';
import { sharedStyles } from './shared-styles';

type Checked = { ok: true; summary: ArchitectureSummary } | { ok: false; error: string };

@customElement('architecture-editor')
export class ArchitectureEditor extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      details {
        margin-top: 6px;
      }
      summary {
        cursor: pointer;
        font-size: 12.5px;
      }
      textarea {
        font: 12px/1.4 var(--lab-mono);
        width: 100%;
        min-height: 180px;
        margin-top: 4px;
        padding: 5px 8px;
        border: 1px solid var(--lab-border);
        border-radius: 6px;
        background: var(--lab-surface);
        color: var(--lab-text);
        resize: vertical;
      }
      textarea[aria-invalid='true'] {
        border-color: var(--lab-danger);
      }
      .error {
        color: var(--lab-danger);
        font-size: 11.5px;
      }
      .hint {
        font-size: 11.5px;
      }
    `,
  ];

  /** The settings of the next run (the form's). */
  @property({ attribute: false }) config!: TrainConfig;
  /** The loaded data's feature shape and class count. */
  @property({ attribute: false }) inputShape?: number[];
  @property({ type: Number }) numClasses = 0;
  @property({ type: Boolean }) disabled = false;

  /** Text being typed that does not build yet (shown with its error instead of the config's). */
  @state() private draft: string | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A new model or dataset replaces an unfinished edit.
    if ((changed.has('config') && changed.get('config')?.model !== this.config.model && this.config.model !== 'custom') || changed.has('inputShape')) this.draft = null;
  }

  private check(text: string): Checked {
    if (!this.inputShape || this.numClasses < 2) return { ok: false, error: 'Load a dataset to check the architecture against it.' };
    try {
      return { ok: true, summary: summarize(buildArchitecture({ ...this.config, model: 'custom', arch: text }, this.inputShape, this.numClasses)) };
    } catch (e) {
      return { ok: false, error: errorMessage(e) };
    }
  }

  override render() {
    const text = this.draft ?? architectureText(this.config);
    const checked = this.check(text);
    const table = this.draft === null && checked.ok ? checked.summary : this.committedSummary();
    return html`
      <details data-testid="architecture-layers">
        <summary>Layers${table ? ` — ${table.rows.length} layers, ${table.totalParams.toLocaleString('en-US')} parameters` : ''}</summary>
        <architecture-table .summary=${table}></architecture-table>
      </details>
      <details data-testid="architecture-editor" ?open=${this.config.model === 'custom'}>
        <summary>Architecture as text${this.config.model === 'custom' ? ' (custom)' : ' — editing makes it custom'}</summary>
        <textarea data-testid="architecture-text" spellcheck="false" ?disabled=${this.disabled} aria-invalid=${checked.ok ? 'false' : 'true'}
          aria-describedby="architecture-check" .value=${live(text)} @input=${this._onInput}></textarea>
        ${checked.ok
          ? html`<span class="hint muted" id="architecture-check" data-testid="architecture-ok">Fits the data: ${checked.summary.totalParams.toLocaleString('en-US')} parameters.</span>`
          : html`<span class="error" id="architecture-check" data-testid="architecture-error">${checked.error}</span>`}
        ${this.config.model === 'custom' ? nothing : html`<p class="hint muted">The schema is in the README ("The architecture as text").</p>`}
      </details>
    `;
  }

  /** The table of the config in force (while an edit does not build). */
  private committedSummary(): ArchitectureSummary | undefined {
    const c = this.check(architectureText(this.config));
    return c.ok ? c.summary : undefined;
  }

  private _onInput(e: Event): void {
    const text = (e.target as HTMLTextAreaElement).value;
    const checked = this.check(text);
    this.draft = checked.ok ? null : text;
    this.dispatchEvent(new ArchitectureEditEvent(text, checked.ok ? null : checked.error));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'architecture-editor': ArchitectureEditor;
  }
}
