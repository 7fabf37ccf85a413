// Confidence and calibration: accuracy beside the mean probability of the true class per epoch; the
// selected epoch's reliability diagram (accuracy per confidence bin against the diagonal) with its
// expected calibration error, and the histogram of the true class's probability.
import { LitElement, css, html, nothing, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { expectedCalibrationError, meanTrueProbability, reliability, validRows } from '../reference/calibration';
import type { EpochValidation } from '../worker/insight-types';
import { sharedStyles } from './shared-styles';
import { axes, bars, diagonal, H, line, W } from './svg-plots';

const pct = (f: number) => `${Math.round(f * 100)}%`;

@customElement('calibration-view')
export class CalibrationView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .plots { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 12px; }
      figure { margin: 0; min-width: 0; }
      figcaption { font-size: 12.5px; font-weight: 600; margin-bottom: 2px; }
      svg { width: 100%; height: auto; display: block; }
      .key { font-size: 11.5px; color: var(--lab-muted); }
      .swatch { display: inline-block; width: 10px; height: 3px; vertical-align: middle; margin: 0 3px 0 8px; }
    `,
  ];

  /** Every finished epoch's statistics. */
  @property({ attribute: false }) validations: readonly EpochValidation[] = [];
  /** The epoch whose diagram and histogram are shown. */
  @property({ type: Number }) epoch = 0;

  override render() {
    const v = this.validations.find((e) => e.epoch === this.epoch) ?? this.validations.at(-1);
    if (!v) return nothing;
    const cal = v.calibration;
    const ece = expectedCalibrationError(cal);
    const bins = reliability(cal);
    const hist = cal.trueHistogram;
    const most = Math.max(1, ...hist);
    const n = this.validations.length;
    const ticks: [number, string][] = n === 1 ? [[0.5, String(this.validations[0].epoch)]] : [[0, String(this.validations[0].epoch)], [1, String(this.validations[n - 1].epoch)]];
    const meanP = this.validations.map((e) => meanTrueProbability(e.calibration));
    return html`
      <div class="plots">
        <figure>
          <figcaption>Accuracy and mean p(true class) by epoch</figcaption>
          <svg viewBox="0 0 ${W} ${H}" role="img" data-testid="confidence-chart" data-values=${JSON.stringify(meanP.map((p) => +p.toFixed(4)))}
            aria-label=${`Accuracy ${this.validations.map((e) => pct(e.acc)).join(', ')}; mean probability of the true class ${meanP.map(pct).join(', ')}`}>
            ${axes(ticks, pct)}${line(this.validations.map((e) => e.acc), 'var(--lab-val)')}${line(meanP, 'var(--lab-train)')}
          </svg>
          <div class="key"><span class="swatch" style="background:var(--lab-val)"></span>accuracy<span class="swatch" style="background:var(--lab-train)"></span>mean p(true class)</div>
        </figure>
        <figure>
          <figcaption>Reliability, epoch ${v.epoch}: ECE <span data-testid="ece">${(ece * 100).toFixed(2)}</span> %</figcaption>
          <svg viewBox="0 0 ${W} ${H}" role="img" data-testid="reliability" aria-label=${`Accuracy per confidence bin: ${bins.filter((b) => b.rows).map((b) => `${pct(b.lo)}–${pct(b.hi)}: ${pct(b.accuracy)} of ${b.rows}`).join('; ')}`}>
            ${axes([[0, '0'], [0.5, 'confidence 0.5'], [1, '1']], pct)}
            ${bars(bins.map((b) => b.confidence), 'var(--lab-muted)', 0.18)}${bars(bins.map((b) => b.accuracy), 'var(--lab-accent)')}${diagonal()}
          </svg>
          <div class="key">Bars: accuracy per confidence bin (15); grey: the bin's mean confidence; ${validRows(cal).toLocaleString('en-US')} examples</div>
        </figure>
        <figure>
          <figcaption>p(true class), epoch ${v.epoch}: mean ${pct(meanTrueProbability(cal))}</figcaption>
          <svg viewBox="0 0 ${W} ${H}" role="img" data-testid="true-histogram" aria-label=${`Examples per 5 % bin of the true class's probability: ${hist.join(', ')}`}>
            ${axes([[0, '0'], [0.5, '0.5'], [1, '1']], (f) => (f === 0 ? '0' : String(Math.round(f * most))))}${bars(hist.map((c) => c / most), 'var(--lab-train)')}
            ${svg``}
          </svg>
          <div class="key">Examples by the probability the model gave the true class (20 bins)</div>
        </figure>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'calibration-view': CalibrationView;
  }
}
