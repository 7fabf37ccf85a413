// The page's banner: errors, warnings and notes (a missing GPU, a dataset that failed, ignored URL
// parameters), each with a close button, and "Dismiss all" when there are several. Never an alert().
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
        background: var(--lab-danger-soft);
        border-color: var(--lab-danger-border);
        color: var(--lab-danger-text);
      }
      .warning {
        background: var(--lab-warn-soft);
        border-color: var(--lab-warn-border);
        color: var(--lab-warn-text);
      }
      .info {
        background: var(--lab-accent-soft);
        border-color: var(--lab-accent-border);
      }
      .all {
        justify-self: end;
        font-size: 12.5px;
        font-weight: 500;
        padding: 3px 10px;
      }
      .text {
        flex: 1;
        white-space: pre-wrap;
      }
      li button {
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
          <button aria-label="Dismiss" data-testid="dismiss" @click=${() => this._onDismiss(n.id)}>×</button>
        </li>`,
      )}
      ${this.notices.length > 1 ? html`<button class="all" data-testid="dismiss-all" @click=${() => this._onDismiss('all')}>Dismiss all</button>` : nothing}
    </ul>`;
  }

  private _onDismiss(id: number | 'all'): void {
    this.dispatchEvent(new NoticeDismissEvent(id));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'notice-list': NoticeList;
  }
}
