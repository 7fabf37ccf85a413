// Class names with their example counts as a small horizontal bar chart (train bar, val count beside).
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { formatCount } from './format';
import { sharedStyles } from './shared-styles';

@customElement('class-bars')
export class ClassBars extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        /* The bar keeps a share of a narrow card (a 390 px phone): names shrink first, then ellipsis. */
        grid-template-columns: minmax(3em, max-content) minmax(40px, 1fr) max-content;
        gap: 3px 8px;
        align-items: center;
        font-size: 12.5px;
      }
      li {
        display: contents;
      }
      .name {
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .track {
        height: 8px;
        border-radius: 4px;
        background: var(--lab-accent-soft);
        overflow: hidden;
      }
      .fill {
        height: 100%;
        background: var(--lab-accent);
      }
      .count {
        font-variant-numeric: tabular-nums;
        color: var(--lab-muted);
        text-align: right;
      }
    `,
  ];

  @property({ attribute: false }) names: readonly string[] = [];
  /** Examples per class in the training split. */
  @property({ attribute: false }) train: readonly number[] = [];
  /** Examples per class in the validation split. */
  @property({ attribute: false }) val: readonly number[] = [];

  override render() {
    const max = Math.max(1, ...this.train);
    return html`
      <ol aria-label="Examples per class (train / validation)">
        ${this.names.map(
          (name, i) => html`
            <li data-testid="class-row">
              <span class="name" title=${name}>${name}</span>
              <span class="track" aria-hidden="true"><span class="fill" style=${`display:block;width:${((100 * (this.train[i] ?? 0)) / max).toFixed(1)}%`}></span></span>
              <span class="count">${formatCount(this.train[i] ?? 0)} / ${formatCount(this.val[i] ?? 0)}</span>
            </li>
          `,
        )}
      </ol>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'class-bars': ClassBars;
  }
}
