// The run's files: save a checkpoint, export ONNX (checked by onnxruntime-web first, its verdict shown),
// a PyTorch project or the run's dataset (.npz), and open a lab .safetensors (also dropped on the data
// drop zone): evaluate it on the loaded dataset or continue training it.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { RunFileEvent, type RunFileAction } from './run-file-events';
import { onnxSummary, type RunFilesState } from './run-files-state';
import { sharedStyles } from './shared-styles';

@customElement('run-files-panel')
export class RunFilesPanel extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
      }
      .box {
        margin-top: 10px;
        padding: 9px 12px;
        border-radius: 8px;
        border: 1px solid var(--lab-border);
        display: grid;
        gap: 6px;
      }
      p {
        margin: 0;
        font-size: 13px;
      }
      input[type='file'] {
        display: none;
      }
      .bad {
        color: var(--lab-danger-text);
      }
    `,
  ];

  @property({ attribute: false }) files: RunFilesState = {};
  /** A run exists and is not training: it can be saved and exported. */
  @property({ type: Boolean }) hasRun = false;
  /** A dataset is loaded and nothing is training: a model file can be opened. */
  @property({ type: Boolean }) canOpen = false;

  override render() {
    const f = this.files;
    const idle = f.task === undefined;
    return html`
      <div class="row" role="toolbar" aria-label="Model files">
        <button data-testid="save-checkpoint-button" ?disabled=${!this.hasRun || !idle} @click=${() => this._on('save-checkpoint')}
          title="Download the run with its optimizer state and position, to resume it here or with the CLI">
          ${f.task === 'saving' ? 'Saving…' : 'Save checkpoint'}
        </button>
        <button data-testid="onnx-button" ?disabled=${!this.hasRun || !idle} @click=${() => this._on('export-onnx')}
          title="Export an ONNX graph, checked against the lab with onnxruntime-web first">
          ${f.task === 'onnx' ? 'Checking ONNX…' : 'Export ONNX'}
        </button>
        <button data-testid="pytorch-button" ?disabled=${!this.hasRun || !idle} @click=${() => this._on('export-pytorch')}
          title="Download a PyTorch project that continues this run (model.py, train.py for torchrun / DistributedDataParallel, the weights, optimizer state and data)">
          ${f.task === 'pytorch' ? 'Exporting…' : 'PyTorch project (.zip)'}
        </button>
        <button data-testid="dataset-button" ?disabled=${!this.hasRun || !idle} @click=${() => this._on('export-dataset')}
          title="Download the run's train and validation data as .npz (for train.py --data)">
          ${f.task === 'dataset' ? 'Exporting…' : 'Export dataset (.npz)'}
        </button>
        <button data-testid="open-model-button" ?disabled=${!this.canOpen || !idle} @click=${this._onPick}
          title="Open a .safetensors checkpoint or export from the lab (or drop it on the data area)">
          ${f.task === 'opening' ? 'Opening…' : 'Open model file…'}
        </button>
        <input type="file" accept=".safetensors" data-testid="open-model-input" @change=${this._onFile} />
      </div>
      ${f.opened ? this.opened() : nothing} ${f.onnx ? this.onnx() : nothing}
    `;
  }

  private opened() {
    const o = this.files.opened!;
    const e = o.evaluation;
    const idle = this.files.task === undefined;
    return html`
      <div class="box" data-testid="opened-model">
        <p><strong>${o.fileName}</strong>: ${o.run.description}.</p>
        ${e
          ? html`<p data-testid="evaluation" data-acc=${e.acc} data-loss=${e.loss} data-dataset=${e.dataset}>
              On ${e.dataset}'s validation split (${e.count.toLocaleString('en-US')} examples): loss <span class="num">${e.loss.toFixed(4)}</span>, accuracy <span class="num">${(100 * e.acc).toFixed(2)}%</span>.
            </p>`
          : nothing}
        <div class="row">
          <button data-testid="evaluate-button" ?disabled=${!idle} @click=${() => this._on('evaluate')}>${this.files.task === 'evaluating' ? 'Evaluating…' : 'Evaluate'}</button>
          <button data-testid="continue-opened-button" ?disabled=${!idle || !this.canOpen} @click=${() => this._on('continue-opened')}>Continue training</button>
        </div>
      </div>
    `;
  }

  private onnx() {
    const { filename, check } = this.files.onnx!;
    const ok = check && check.withinTolerance && check.argmaxAgree === check.rows;
    return html`<div class="box" data-testid="onnx-check" data-ok=${String(ok)} data-max-diff=${check?.maxAbsDiff ?? ''} data-agree=${check?.argmaxAgree ?? ''} data-rows=${check?.rows ?? ''}>
      <p class=${ok ? '' : 'bad'}>ONNX ${filename}: ${check ? onnxSummary(check) : 'not checked'}${ok ? ' — downloaded.' : ' — not downloaded.'}</p>
    </div>`;
  }

  private _onPick = (): void => {
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click();
  };

  private _onFile = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) this.dispatchEvent(new RunFileEvent('open', file));
  };

  private _on(action: RunFileAction): void {
    this.dispatchEvent(new RunFileEvent(action));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-files-panel': RunFilesPanel;
  }
}
