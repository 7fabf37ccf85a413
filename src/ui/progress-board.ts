// d2l's ProgressBoard: train vs validation loss (log scale on request) and accuracy (0–100 %, or zoomed)
// over epochs, the train curves optionally smoothed, each chart's data as CSV or a table,
// the progress line and the run's one status line, under the name of the run and its dataset. Data comes
// down as properties; the charts append what is new.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { EpochSummary, MetricRecord, MetricSplit, Progress, RunStatus } from '../model/metrics';
import type { StartupProgress } from '../worker/protocol';
import { sharedStyles } from './shared-styles';
import './chart-tools';
import './metric-chart';
import './progress-line';
import './run-status';

const LOSS_SPLITS: MetricSplit[] = ['train', 'val'];
const ACC_SPLITS: MetricSplit[] = ['train', 'val'];

@customElement('progress-board')
export class ProgressBoard extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(300px, 1fr));
        gap: 14px;
        margin: 4px 0 12px;
      }
      figure {
        margin: 0;
        min-width: 0;
      }
      figcaption {
        display: flex;
        justify-content: space-between;
        align-items: baseline;
        font-weight: 600;
        margin-bottom: 2px;
      }
      figcaption label {
        font-weight: 400;
        font-size: 12px;
        display: flex;
        gap: 4px;
        align-items: center;
      }
      figcaption input {
        width: auto;
      }
      .run {
        margin: -4px 0 6px;
        font-size: 12.5px;
      }
      run-status {
        margin-top: 10px;
      }
      .smoothing {
        display: flex;
        gap: 6px;
        align-items: center;
        justify-content: flex-end;
        font-size: 12px;
        margin: -4px 0 0;
      }
      .smoothing input {
        width: 120px;
        padding: 0;
      }
      .smoothing output {
        min-width: 2.2em;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  /** The run's metric history (appended in place) and its current length. */
  @property({ attribute: false }) records: readonly MetricRecord[] = [];
  @property({ type: Number }) count = 0;
  @property({ attribute: false }) progress?: Progress;
  @property() status: RunStatus = 'idle';
  @property() message?: string;
  @property({ attribute: false }) lastEpoch?: EpochSummary;
  @property({ attribute: false }) startup?: StartupProgress;
  /** The run shown ("softmax on Fashion-MNIST"), '' when there is none. */
  @property() run = '';
  /** Where the last checkpoint in this browser stands, '' before one. */
  @property() savedAt = '';

  @state() private zoom = false;
  @state() private logLoss = false;
  /** EMA weight of the train curves; 0 is off. */
  @state() private smoothing = 0;

  override render() {
    return html`
      <section class="card" aria-labelledby="board-title">
        <h2 id="board-title">Progress</h2>
        ${this.run ? html`<p class="run muted" data-testid="run-label">Run: ${this.run}${this.savedAt ? html` · <span data-testid="saved-at">saved at ${this.savedAt}</span>` : nothing}</p>` : nothing}
        <label class="smoothing" title="Exponential moving average of the train curves (the raw points stay, faded)">
          Smooth train curves
          <input type="range" min="0" max="0.95" step="0.05" data-testid="smoothing" .value=${String(this.smoothing)} @input=${this._onSmoothing} aria-valuetext=${this.smoothing ? `EMA weight ${this.smoothing}` : 'off'} />
          <output data-testid="smoothing-value">${this.smoothing ? this.smoothing.toFixed(2) : 'off'}</output>
        </label>
        <div class="charts">
          <figure>
            <figcaption>
              Loss
              <label><input type="checkbox" data-testid="loss-log" .checked=${this.logLoss} @change=${this._onLog} />Log scale</label>
            </figcaption>
            <metric-chart data-testid="chart-loss" key="loss" .splits=${LOSS_SPLITS} .records=${this.records} .count=${this.count} ?log=${this.logLoss} .smoothing=${this.smoothing}></metric-chart>
            <chart-tools data-testid="tools-loss" key="loss" .splits=${LOSS_SPLITS} .records=${this.records} .count=${this.count} .smoothing=${this.smoothing} name=${fileStem(this.run)}></chart-tools>
          </figure>
          <figure>
            <figcaption>
              Accuracy
              <label><input type="checkbox" data-testid="acc-zoom" .checked=${this.zoom} @change=${this._onZoom} />Zoom</label>
            </figcaption>
            <metric-chart data-testid="chart-acc" key="acc" .splits=${ACC_SPLITS} .records=${this.records} .count=${this.count} ?zoom=${this.zoom} .smoothing=${this.smoothing}></metric-chart>
            <chart-tools data-testid="tools-acc" key="acc" .splits=${ACC_SPLITS} .records=${this.records} .count=${this.count} .smoothing=${this.smoothing} name=${fileStem(this.run)}></chart-tools>
          </figure>
        </div>
        <progress-line data-testid="progress-line" .progress=${this.progress} ?running=${this.status === 'training'}></progress-line>
        <run-status .status=${this.status} .message=${this.message} .lastEpoch=${this.lastEpoch} .startup=${this.startup}></run-status>
      </section>
    `;
  }

  private _onZoom(e: Event): void {
    this.zoom = (e.target as HTMLInputElement).checked;
  }

  private _onLog(e: Event): void {
    this.logLoss = (e.target as HTMLInputElement).checked;
  }

  private _onSmoothing(e: Event): void {
    this.smoothing = Number((e.target as HTMLInputElement).value);
  }
}

/** "softmax on Fashion-MNIST" → "softmax-on-fashion-mnist" (the CSV's file name). */
function fileStem(run: string): string {
  return run.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

declare global {
  interface HTMLElementTagNameMap {
    'progress-board': ProgressBoard;
  }
}
