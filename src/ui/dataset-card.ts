// What the lab understood of the loaded dataset: name and source, examples per split, feature shape,
// classes with counts, sample images, how the validation split came about and what the loader skipped.
// The drop zone (built-in picker, file picker, options, load progress) goes in its `source` slot.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { DatasetState } from './training-store';
import { formatCount, formatShape } from './format';
import { sharedStyles } from './shared-styles';
import './class-bars';
import './sample-grid';

@customElement('dataset-card')
export class DatasetCard extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .title {
        font-size: 17px;
        font-weight: 650;
        margin: 0;
      }
      .source {
        font-size: 12px;
        margin-bottom: 10px;
        overflow-wrap: anywhere;
      }
      dl {
        display: grid;
        grid-template-columns: repeat(4, minmax(0, 1fr));
        gap: 8px;
        margin: 0 0 12px;
      }
      dl > div {
        background: var(--lab-bg);
        border-radius: 7px;
        padding: 6px 8px;
      }
      dt {
        font-size: 11.5px;
        color: var(--lab-muted);
      }
      dd {
        margin: 0;
        font-weight: 600;
        font-variant-numeric: tabular-nums;
      }
      .panes {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 12px;
      }
      @media (max-width: 960px) {
        .panes {
          grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
          align-items: start;
        }
      }
      @media (max-width: 520px) {
        /* A phone: samples above the class bars, so the bars keep the card's width. */
        .panes {
          grid-template-columns: minmax(0, 1fr);
        }
        dl {
          grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
        }
      }
      .note {
        margin: 10px 0 0;
        font-size: 12px;
      }
      .failed {
        color: var(--lab-danger);
      }
      ::slotted([slot='source']) {
        margin-bottom: 12px;
      }
      .warnings {
        margin: 8px 0 0;
        padding-left: 18px;
        font-size: 12px;
        color: var(--lab-warn-text);
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property({ attribute: false }) datasetState: DatasetState = { state: 'loading', name: '' };

  override render() {
    return html`<section class="card" aria-labelledby="dataset-title" aria-busy=${this.datasetState.state === 'loading'}>
      <h2 id="dataset-title">Dataset</h2>
      <slot name="source"></slot>
      ${this.body()}
    </section>`;
  }

  private body() {
    const d = this.datasetState;
    if (d.state === 'loading') return html`<p class="muted" data-testid="dataset-loading">Loading ${d.name || 'the dataset'}…</p>`;
    if (d.state === 'failed') return html`<p class="failed" data-testid="dataset-error">${d.message}</p>`;
    const s = d.summary;
    return html`
      <p class="title" data-testid="dataset-name">${s.name}</p>
      <div class="source muted" title=${s.files.join('\n')}>
        ${s.format.toUpperCase()}${s.files.length ? ` · ${s.files.length === 1 ? s.files[0] : `${s.files.length} files`}` : ''}
      </div>
      <dl>
        <div><dt>Train</dt><dd data-testid="count-train">${formatCount(s.counts.train)}</dd></div>
        <div><dt>Validation</dt><dd data-testid="count-val">${formatCount(s.counts.val)}</dd></div>
        <div><dt>Features</dt><dd data-testid="feature-shape">${formatShape(s.shape)}</dd></div>
        <div><dt>Classes</dt><dd data-testid="class-count">${s.classNames.length}</dd></div>
      </dl>
      <div class="panes">
        <sample-grid .samples=${s.samples} .classNames=${s.classNames}></sample-grid>
        <class-bars .names=${s.classNames} .train=${s.classCounts.train} .val=${s.classCounts.val}></class-bars>
      </div>
      <p class="note muted" data-testid="split-note">${s.splitNote}</p>
      ${s.warnings?.length ? html`<ul class="warnings" data-testid="dataset-warnings">${s.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dataset-card': DatasetCard;
  }
}
