// d2l's ProgressBoard: train vs validation loss over epochs, validation accuracy, the progress line and
// the run's outcome. Data comes down as properties; the charts append what is new.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { EpochSummary, MetricRecord, MetricSplit, Progress, RunStatus } from '../model/metrics';
import { sharedStyles } from './shared-styles';
import './metric-chart';
import './progress-line';
import './run-status';

const LOSS_SPLITS: MetricSplit[] = ['train', 'val'];
const ACC_SPLITS: MetricSplit[] = ['val'];

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
        font-weight: 600;
        margin-bottom: 2px;
      }
      run-status {
        margin-top: 10px;
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

  override render() {
    return html`
      <section class="card" aria-labelledby="board-title">
        <h2 id="board-title">Progress</h2>
        <div class="charts">
          <figure>
            <figcaption>Loss</figcaption>
            <metric-chart data-testid="chart-loss" key="loss" .splits=${LOSS_SPLITS} .records=${this.records} .count=${this.count}></metric-chart>
          </figure>
          <figure>
            <figcaption>Validation accuracy</figcaption>
            <metric-chart data-testid="chart-acc" key="acc" .splits=${ACC_SPLITS} .records=${this.records} .count=${this.count}></metric-chart>
          </figure>
        </div>
        <progress-line data-testid="progress-line" .progress=${this.progress} ?running=${this.status === 'training'}></progress-line>
        <run-status .status=${this.status} .message=${this.message} .lastEpoch=${this.lastEpoch}></run-status>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'progress-board': ProgressBoard;
  }
}
