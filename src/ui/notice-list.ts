// The page's banner: errors, warnings and notes (a missing GPU, a dataset that failed, ignored URL
// parameters), each with a close button. Never an alert().
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { NoticeDismissEvent } from './events';
import { sharedStyles } from './shared-styles';
import type { Notice } from './training-store';

@customElement('notice-list')
export class NoticeList extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 8px;
      }
      li {
        display: flex;
        gap: 10px;
        align-items: flex-start;
        padding: 9px 12px;
        border-radius: 8px;
        border: 1px solid;
        overflow-wrap: anywhere;
      }
      .error {
        background: #fdecee;
        border-color: #f2b8be;
        color: #8a1620;
      }
      .warning {
        background: #fff5e0;
        border-color: #f0d29a;
        color: #6b4100;
      }
      .info {
        background: var(--lab-accent-soft);
        border-color: #c5cdf5;
      }
      .text {
        flex: 1;
        white-space: pre-wrap;
      }
      button {
        padding: 0 6px;
        border: 0;
        background: transparent;
        color: inherit;
        font-size: 16px;
        line-height: 1.2;
      }
    `,
  ];

  @property({ attribute: false }) notices: readonly Notice[] = [];

  override render() {
    if (this.notices.length === 0) return nothing;
    return html`<ul data-testid="banner">
      ${this.notices.map(
        (n) => html`<li class=${n.kind} role=${n.kind === 'error' ? 'alert' : 'status'} data-kind=${n.kind}>
          <span class="text">${n.message}</span>
          <button aria-label="Dismiss" @click=${() => this._onDismiss(n.id)}>×</button>
        </li>`,
      )}
    </ul>`;
  }

  private _onDismiss(id: number): void {
    this.dispatchEvent(new NoticeDismissEvent(id));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'notice-list': NoticeList;
  }
}
