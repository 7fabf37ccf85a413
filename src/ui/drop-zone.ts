// Where data comes in: the built-in picker, a file picker, and a drop target that covers the whole page.
// Files go up as a DatasetFilesEvent (the worker parses them); a safetensors file, told by its first bytes,
// goes up as an ImportWeightsEvent instead. Shows the load's progress and the loader options.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { builtinDatasets } from '../data/builtin';
import { SAFETENSORS_SNIFF_BYTES, looksLikeSafetensors } from '../io/safetensors-sniff';
import { BuiltinDatasetEvent, DatasetFilesEvent, ImportWeightsEvent } from './data-events';
import { dropZoneStyles } from './drop-zone-styles';
import { emptyDataOptions, parseDataOptions, type RawDataOptions } from './data-options';
import { dataOptionFields } from './data-options-view';
import { sharedStyles } from './shared-styles';
import type { DataLoad } from './training-store';

const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;

async function isWeightsFile(f: File): Promise<boolean> {
  return looksLikeSafetensors(new Uint8Array(await f.slice(0, SAFETENSORS_SNIFF_BYTES).arrayBuffer()), f.size);
}

@customElement('drop-zone')
export class DropZone extends LitElement {
  static override styles = [sharedStyles, dropZoneStyles];

  /** The built-in dataset loaded now, or '' when the user's files are. */
  @property() builtin = '';
  /** The load in progress, if any. */
  @property({ attribute: false }) loading?: DataLoad;
  /** Why no dataset can be loaded now ('' when one can), e.g. a run is going. */
  @property() blocked = '';

  @state() private dragging = false;
  @state() private raw: RawDataOptions = emptyDataOptions;
  @state() private note = '';
  @state() private lastFiles: readonly File[] = [];
  @query('input[type=file]') private picker?: HTMLInputElement;
  private dragTimer?: ReturnType<typeof setTimeout>;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('dragover', this._onDragOver);
    window.addEventListener('drop', this._onDrop);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('dragover', this._onDragOver);
    window.removeEventListener('drop', this._onDrop);
    clearTimeout(this.dragTimer);
    super.disconnectedCallback();
  }

  override render() {
    const off = Boolean(this.blocked || this.loading);
    const parsed = parseDataOptions(this.raw);
    const errors = parsed.ok ? {} : parsed.errors;
    return html`
      <div class="row">
        <select data-testid="builtin-select" aria-label="Built-in dataset" .value=${live(this.builtin)} ?disabled=${off} @change=${this._onBuiltin}>
          ${builtinDatasets.map((b) => html`<option value=${b.name} title=${b.description} ?selected=${b.name === this.builtin}>${b.title}</option>`)}
          ${this.builtin ? nothing : html`<option value="" selected disabled>Your files</option>`}
        </select>
        <button data-testid="open-files" ?disabled=${off} @click=${() => this.picker?.click()}>Open files…</button>
        <input type="file" multiple hidden data-testid="file-input" @change=${this._onPicked} />
      </div>
      <p class="hint muted">or drop them anywhere on the page: IDX[.gz] pairs, CSV/TSV, a zip of class folders, .npy/.npz</p>
      <details data-testid="data-options">
        <summary>Options</summary>
        ${dataOptionFields(this.raw, errors, this._onOption)}
        ${this.lastFiles.length
          ? html`<button data-testid="reload-files" ?disabled=${off || !parsed.ok} @click=${() => this.send([...this.lastFiles])}>
              Reload ${this.lastFiles.length === 1 ? this.lastFiles[0].name : `${this.lastFiles.length} files`} with these options
            </button>`
          : nothing}
      </details>
      ${this.progress()}
      ${this.note ? html`<p class="note" role="status" data-testid="drop-note">${this.note}</p>` : nothing}
      ${this.dragging ? html`<div class="overlay ${off ? 'off' : ''}" data-testid="drop-overlay">${this.blocked || (this.loading ? `Loading ${this.loading.what}…` : 'Drop to load')}</div>` : nothing}
    `;
  }

  private progress() {
    const l = this.loading;
    if (!l) return nothing;
    const p = l.progress;
    const pct = p && p.bytesTotal > 0 ? Math.min(100, Math.floor((p.bytesDone / p.bytesTotal) * 100)) : undefined;
    return html`<div class="progress" data-testid="load-progress">
      <progress max="100" .value=${pct ?? null} aria-label="Loading"></progress>
      <span class="muted">Loading ${p ? p.file : l.what}…${pct === undefined ? '' : ` ${pct} %`}</span>
    </div>`;
  }

  /** Dispatches files: a lone weights file to whoever opens models, anything else to the loader. */
  private async send(files: File[]): Promise<void> {
    this.note = '';
    if (files.length === 0) return;
    if (this.blocked || this.loading) {
      this.note = this.blocked || `Still loading ${this.loading!.what}; drop again when it is done.`;
      return;
    }
    const weights = await Promise.all(files.map(isWeightsFile));
    if (weights.some(Boolean)) {
      if (files.length > 1) {
        this.note = 'A weights file (.safetensors) opens on its own: drop it without other files.';
        return;
      }
      const e = new ImportWeightsEvent(files[0]);
      this.dispatchEvent(e);
      if (!e.defaultPrevented) this.note = `${files[0].name} holds model weights (safetensors), not a dataset, and this page does not open weights files.`;
      return;
    }
    const parsed = parseDataOptions(this.raw);
    if (!parsed.ok) {
      this.note = 'Fix the loader options first (under Options).';
      return;
    }
    this.lastFiles = files;
    this.dispatchEvent(new DatasetFilesEvent(files, parsed.options));
  }

  private _onDragOver = (e: DragEvent): void => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer!.dropEffect = this.blocked || this.loading ? 'none' : 'copy';
    this.dragging = true;
    // dragover repeats while a drag is over the page; when it stops coming, the drag has left.
    clearTimeout(this.dragTimer);
    this.dragTimer = setTimeout(() => (this.dragging = false), 300);
  };

  private _onDrop = (e: DragEvent): void => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    this.dragging = false;
    void this.send([...e.dataTransfer!.files]);
  };

  private _onPicked(e: Event): void {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    void this.send(files);
  }

  private _onBuiltin(e: Event): void {
    const name = (e.target as HTMLSelectElement).value;
    if (name && name !== this.builtin) this.dispatchEvent(new BuiltinDatasetEvent(name));
  }

  private _onOption = (e: Event): void => {
    const input = e.target as HTMLInputElement | HTMLSelectElement;
    this.raw = { ...this.raw, [input.name]: input.value };
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'drop-zone': DropZone;
  }
}
