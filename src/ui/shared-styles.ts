// Styles every element shares: cards, headings, buttons, form controls, muted text.
import { css } from 'lit';

export const sharedStyles = css`
  :host {
    display: block;
    font: inherit;
    color: var(--lab-text);
  }
  * {
    box-sizing: border-box;
  }
  .card {
    background: var(--lab-surface);
    border: 1px solid var(--lab-border);
    border-radius: var(--lab-radius);
    padding: 14px 16px;
  }
  h2 {
    margin: 0 0 8px;
    font-size: 13px;
    font-weight: 600;
    letter-spacing: 0.04em;
    text-transform: uppercase;
    color: var(--lab-muted);
  }
  .muted {
    color: var(--lab-muted);
  }
  .num {
    font-variant-numeric: tabular-nums;
  }
  button {
    font: inherit;
    font-weight: 600;
    padding: 7px 14px;
    border-radius: 7px;
    border: 1px solid var(--lab-border);
    background: var(--lab-surface);
    color: var(--lab-text);
    cursor: pointer;
  }
  button.primary {
    background: var(--lab-accent);
    border-color: var(--lab-accent);
    color: #fff;
  }
  button:hover:not(:disabled):not([aria-disabled='true']) {
    filter: brightness(0.96);
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible {
    outline: 2px solid var(--lab-accent);
    outline-offset: 1px;
  }
  button:disabled,
  button[aria-disabled='true'] {
    opacity: 0.45;
    cursor: not-allowed;
  }
  input,
  select {
    font: inherit;
    width: 100%;
    padding: 5px 8px;
    border: 1px solid var(--lab-border);
    border-radius: 6px;
    background: var(--lab-surface);
    color: var(--lab-text);
  }
  input[aria-invalid='true'] {
    border-color: var(--lab-danger);
  }
`;
