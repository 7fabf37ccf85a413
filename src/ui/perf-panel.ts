// The performance panel: where a training step's GPU time goes, kernel family by family (timestamp
// queries, profiled once per run), with examples/s, dispatches per step and the host↔GPU traffic of an
// epoch. It asks for a fresh PerfReport whenever `trigger` changes (the shell passes the last epoch).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PerfReport } from '../worker/protocol';
import { errorMessage, formatCount } from './format';
import { sharedStyles } from './shared-styles';

const palette = ['#4257d6', '#e0702b', '#1f8a4c', '#a86400', '#8a3fd1', '#c62f3b', '#2b8fb0', '#5f6878'];

@customElement('perf-panel')
export class PerfPanel extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host { margin-top: 14px; }
      .summary { display: flex; flex-wrap: wrap; gap: 4px 18px; font-variant-numeric: tabular-nums; }
      b { font-weight: 600; }
      .bar { display: flex; height: 12px; margin: 10px 0 6px; border-radius: 3px; overflow: hidden; background: var(--lab-accent-soft); }
      .legend { display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 12px; font-variant-numeric: tabular-nums; }
      .swatch { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 4px; }
      details { margin-top: 8px; font-size: 12px; }
      table { border-collapse: collapse; margin-top: 6px; font-variant-numeric: tabular-nums; }
      td, th { padding: 1px 10px 1px 0; text-align: right; }
      td:first-child, th:first-child { text-align: left; }
      th { font-weight: 600; color: var(--lab-muted); }
    `,
  ];

  /** Fetches the current run's report from the engine (null: no GPU run yet). */
  @property({ attribute: false }) load?: () => Promise<PerfReport | null>;
  /** Any value that changes when the figures may have changed (an epoch ended, a run started). */
  @property({ attribute: false }) trigger?: unknown;

  @state() private report: PerfReport | null = null;
  @state() private error = '';

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('trigger') || changed.has('load')) void this._refresh();
  }

  private _refresh = async (): Promise<void> => {
    if (!this.load) return;
    try {
      this.report = await this.load();
      this.error = '';
    } catch (e) {
      this.error = errorMessage(e);
    }
  };

  override render() {
    const r = this.report;
    return html`<section class="card" aria-labelledby="perf-title" data-testid="perf-panel">
      <h2 id="perf-title">Performance</h2>
      ${this.error ? html`<div class="muted">The figures could not be read: ${this.error}</div>` : nothing}
      ${r ? this.figures(r) : html`<div class="muted">Train a model on the GPU to see where a step's time goes.</div>`}
    </section>`;
  }

  private figures(r: PerfReport) {
    const step = r.stepMs;
    return html`
      <div class="summary">
        <span><b data-testid="perf-rate">${r.examplesPerSecond > 0 ? formatCount(r.examplesPerSecond) : '—'}</b> examples/s</span>
        ${step !== null ? html`<span><b data-testid="perf-step">${step.toFixed(2)}</b> ms/step on the GPU</span>` : nothing}
        <span><b data-testid="perf-dispatches">${r.dispatchesPerStep}</b> dispatches/step</span>
      </div>
      ${step === null
        ? html`<div class="muted">This GPU offers no timestamp queries, so per-kernel times are unavailable.</div>`
        : html`
            <div class="bar" role="img" aria-label="GPU time per kernel family">
              ${r.families.map((f, i) => html`<div title=${`${f.family}: ${f.ms.toFixed(2)} ms`} style=${`width:${((100 * f.ms) / Math.max(step, 1e-9)).toFixed(2)}%;background:${palette[i % palette.length]}`}></div>`)}
            </div>
            <div class="legend" data-testid="perf-families">
              ${r.families.map((f, i) => html`<span data-family=${f.family}><span class="swatch" style=${`background:${palette[i % palette.length]}`}></span>${f.family} ${f.ms.toFixed(2)} ms (${((100 * f.ms) / Math.max(step, 1e-9)).toFixed(0)} %)</span>`)}
            </div>`}
      ${r.layers.length > 0 && step !== null ? this.layerTable(r, step) : nothing}
      <details>
        <summary>Kernels and traffic</summary>
        ${r.kernels.length > 0 ? this.kernelTable(r) : nothing}
        <div class="muted" style="margin-top:6px">
          ${r.epoch
            ? html`Per epoch: ${r.epoch.submits} submits, ${r.epoch.mapAsyncs} readbacks awaited, ${formatCount(r.epoch.bytesUploaded / 1024)} KiB uploaded.`
            : 'Traffic per epoch appears when the first epoch ends.'}
          ${r.adapter} · batch ${r.batchSize}
        </div>
      </details>
    `;
  }

  /** Where the step goes by layer path: the ten slowest, then the rest in one row; a conv layer's GFLOP/s per pass. */
  private layerTable(r: PerfReport, step: number) {
    const top = r.layers.slice(0, 10);
    const rest = r.layers.slice(10).reduce((n, l) => n + l.ms, 0);
    const share = (ms: number) => `${((100 * ms) / Math.max(step, 1e-9)).toFixed(0)} %`;
    const conv = r.layers.some((l) => l.conv);
    const rate = (g: number) => (g > 0 ? g.toFixed(2) : '');
    return html`<details data-testid="perf-layers">
      <summary>Time per layer</summary>
      <table>
        <tr><th>layer</th><th>ms</th><th>share</th><th>GFLOP/s</th>${conv ? html`<th title="conv layers: GFLOP/s of the forward pass">fwd</th><th title="conv layers: GFLOP/s of the input gradient">dX</th><th title="conv layers: GFLOP/s of the weight gradient">dW</th>` : nothing}</tr>
        ${top.map((l) => html`<tr data-path=${l.path}><td>${l.path}</td><td>${l.ms.toFixed(3)}</td><td>${share(l.ms)}</td><td>${rate(l.gflops)}</td>${conv
          ? html`<td data-pass="forward">${l.conv ? rate(l.conv.forward.gflops) : ''}</td><td data-pass="dX">${l.conv ? rate(l.conv.dX.gflops) : ''}</td><td data-pass="dW">${l.conv ? rate(l.conv.dW.gflops) : ''}</td>`
          : nothing}</tr>`)}
        ${rest > 0 ? html`<tr class="muted"><td>${r.layers.length - top.length} more</td><td>${rest.toFixed(3)}</td><td>${share(rest)}</td><td></td>${conv ? html`<td></td><td></td><td></td>` : nothing}</tr>` : nothing}
      </table>
    </details>`;
  }

  private kernelTable(r: PerfReport) {
    return html`<table data-testid="perf-kernels">
      <tr><th>dispatch</th><th>variant</th><th>ms</th><th>GFLOP/s</th></tr>
      ${r.kernels.map((k) => html`<tr><td>${k.label}</td><td>${k.variant ?? ''}</td><td>${k.ms.toFixed(3)}</td><td>${k.gflops > 0 ? k.gflops.toFixed(2) : ''}</td></tr>`)}
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'perf-panel': PerfPanel;
  }
}
