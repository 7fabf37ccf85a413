// The runs kept in this browser: a list (overlay tick, name to rename, best epoch, test result, delete,
// export best or last), the storage they use against the quota, the quota's question when a save
// passes it, and the overlay chart of the ticked runs.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { downloadBytes } from './download';
import { formatMetric } from './format';
import type { RunsSession, RunsView } from './runs-session';
import type { CheckpointKind, SavedRun } from './runs-store';
import { sharedStyles } from './shared-styles';
import './runs-overlay';

const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

@customElement('runs-panel')
export class RunsPanel extends LitElement {
  static override styles = [sharedStyles, css`
    table { width: 100%; border-collapse: collapse; font-size: 12.5px; } td, th { padding: 3px 6px; text-align: left; vertical-align: middle; }
    thead th { color: var(--lab-muted); font-weight: 500; border-bottom: 1px solid var(--lab-border); }
    td input[type='checkbox'] { width: auto; } td input.name { min-width: 10em; }
    td button { padding: 2px 7px; font-size: 12px; font-weight: 500; }
    .storage { font-size: 12px; margin: 6px 0; } .question { border: 1px solid var(--lab-warn-border); background: var(--lab-warn-soft); color: var(--lab-warn-text); border-radius: 8px; padding: 8px 10px; margin: 8px 0; font-size: 12.5px; }
    .scroll { overflow-x: auto; } .error { color: var(--lab-danger); font-size: 12.5px; } runs-overlay { margin-top: 10px; }
  `];

  @property({ attribute: false }) runs?: RunsSession;
  @state() private view?: RunsView;
  private unsubscribe?: () => void;

  override connectedCallback(): void {
    super.connectedCallback();
    this.listen();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('runs') && this.isConnected) this.listen();
  }

  private listen(): void {
    this.unsubscribe?.();
    this.view = this.runs?.state;
    this.unsubscribe = this.runs?.subscribe((v) => (this.view = v));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
  }

  override render() {
    const v = this.view;
    if (!this.runs || !v) return nothing;
    const overlaid = v.runs.filter((r) => v.overlay.includes(r.id));
    return html`<section class="card" aria-labelledby="runs-title" data-testid="runs-panel">
      <h2 id="runs-title">Runs</h2>
      <div class="storage muted" data-testid="runs-storage">${v.runs.length} run${v.runs.length === 1 ? '' : 's'} kept${v.persistent ? ' in this browser' : ' for this session (no IndexedDB)'} · checkpoints ${mb(v.used)} of ${mb(v.quota)}</div>
      ${v.question ? html`<div class="question" role="alert" data-testid="quota-question">Keeping this run's weights (${mb(v.question.incoming)}) passes the ${mb(v.question.quota)} quota.
        Drop the checkpoints of ${v.question.drop.map((d) => `${d.name} (${mb(d.bytes)})`).join(', ')}? Their histories stay.
        <button data-testid="quota-yes" @click=${() => this.runs!.reply(true)}>Drop them</button> <button data-testid="quota-no" @click=${() => this.runs!.reply(false)}>Keep this run without weights</button></div>` : nothing}
      ${v.error ? html`<p class="error">${v.error}</p>` : nothing}
      ${v.runs.length === 0 ? html`<p class="muted">Each run is kept here when it stops or finishes.</p>` : html`<div class="scroll"><table>
        <thead><tr><th>Overlay</th><th>Name</th><th>Data</th><th>Best epoch</th><th>Test</th><th>Weights</th><th></th></tr></thead>
        <tbody>${v.runs.map((r) => this.row(r, v.overlay.includes(r.id)))}</tbody></table></div>`}
      <runs-overlay .runs=${overlaid}></runs-overlay>
    </section>`;
  }

  private row(r: SavedRun, on: boolean) {
    const best = r.best ? `${r.best.epoch} (${r.best.by === 'val-acc' ? formatMetric('acc', r.best.value) : `loss ${formatMetric('loss', r.best.value)}`})` : '–';
    return html`<tr data-testid="run-row" data-id=${r.id}>
      <td><input type="checkbox" data-testid="run-overlay" aria-label=${`Overlay ${r.name}`} .checked=${on} @change=${(e: Event) => this.runs!.toggleOverlay(r.id, (e.target as HTMLInputElement).checked)} /></td>
      <td><input class="name" data-testid="run-name" aria-label="Run name" .value=${r.name} @change=${(e: Event) => void this.runs!.rename(r.id, (e.target as HTMLInputElement).value)} /></td>
      <td>${r.datasetName}</td><td>${best}</td>
      <td data-testid="run-test">${r.test ? formatMetric('acc', r.test.acc) : '–'}</td>
      <td>${r.dropped ? html`<span class="muted" title="Dropped for the storage quota; the history is kept">dropped</span>` : html`
        ${r.checkpoints.best ? html`<button data-testid="run-export-best" @click=${() => void this.download(r, 'best')}>Best</button>` : nothing}
        ${r.checkpoints.last ? html`<button data-testid="run-export-last" @click=${() => void this.download(r, 'last')}>Last</button>` : nothing}`}</td>
      <td><button data-testid="run-delete" aria-label=${`Delete ${r.name}`} @click=${() => void this.runs!.remove(r.id)}>Delete</button></td>
    </tr>`;
  }

  private async download(r: SavedRun, kind: CheckpointKind): Promise<void> {
    const f = await this.runs!.file(r, kind);
    if (f) downloadBytes(f.bytes, f.filename);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'runs-panel': RunsPanel;
  }
}
