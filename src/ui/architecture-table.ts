// The model's layers as torchinfo prints them (the same summary as `classifier-lab summary`): layer
// path, type, output shape, parameters, multiply-accumulates and activation memory per example.
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { shortCount, type ArchitectureSummary } from '../model/summary';
import { formatCount, formatShape } from './format';
import { sharedStyles } from './shared-styles';

@customElement('architecture-table')
export class ArchitectureTable extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .scroll {
        max-height: 320px;
        overflow: auto;
      }
      table {
        border-collapse: collapse;
        font: 12px/1.4 var(--lab-mono);
        width: 100%;
      }
      th,
      td {
        padding: 1px 8px 1px 0;
        text-align: left;
        white-space: nowrap;
      }
      th {
        position: sticky;
        top: 0;
        background: var(--lab-surface);
        font-weight: 600;
      }
      td.n,
      th.n {
        text-align: right;
      }
      tfoot td {
        border-top: 1px solid var(--lab-border);
        padding-top: 3px;
      }
    `,
  ];

  /** What summarize() says of the model on the loaded data. */
  @property({ attribute: false }) summary?: ArchitectureSummary;

  override render() {
    const s = this.summary;
    if (!s) return html``;
    return html`
      <div class="scroll">
        <table data-testid="architecture-table">
          <thead>
            <tr><th>Layer</th><th>Type</th><th>Output</th><th class="n">Params</th><th class="n">MACs</th><th class="n">Act./example</th></tr>
          </thead>
          <tbody>
            <tr class="muted"><td>input</td><td></td><td>${formatShape(s.inputShape)}</td><td></td><td></td><td></td></tr>
            ${s.rows.map(
              (r) => html`<tr data-path=${r.path}>
                <td>${r.path}</td><td>${r.label}</td><td>${formatShape(r.outputShape)}</td>
                <td class="n">${r.params ? formatCount(r.params) : ''}</td><td class="n">${r.macs ? shortCount(r.macs) : ''}</td>
                <td class="n">${r.activationBytes ? `${shortCount(r.activationBytes)}B` : ''}</td>
              </tr>`,
            )}
          </tbody>
          <tfoot>
            <tr>
              <td colspan="3">${s.rows.length} layers${s.stateValues ? ` · ${formatCount(s.stateValues)} running statistics` : ''}</td>
              <td class="n" data-testid="architecture-params">${formatCount(s.totalParams)}</td><td class="n">${shortCount(s.totalMacs)}</td><td class="n">${shortCount(s.activationBytes)}B</td>
            </tr>
          </tfoot>
        </table>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'architecture-table': ArchitectureTable;
  }
}
