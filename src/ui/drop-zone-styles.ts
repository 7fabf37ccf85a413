// The drop zone's look: one compact row (picker, button), the options disclosure, the progress bar and
// the whole-page overlay shown while files are dragged over the page.
import { css } from 'lit';

export const dropZoneStyles = css`
  .row {
    display: flex;
    gap: 8px;
    align-items: center;
  }
  .row select {
    flex: 1;
    min-width: 0;
  }
  .row button {
    white-space: nowrap;
  }
  .hint {
    font-size: 11.5px;
    margin: 5px 0 0;
  }
  details {
    margin-top: 6px;
    font-size: 12.5px;
  }
  summary {
    cursor: pointer;
    color: var(--lab-muted);
  }
  .options {
    display: grid;
    grid-template-columns: repeat(3, minmax(0, 1fr));
    gap: 8px;
    margin-top: 6px;
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 3px;
    font-weight: 500;
  }
  details button {
    margin-top: 6px;
    padding: 5px 10px;
  }
  .error {
    font-size: 11.5px;
    font-weight: 400;
    color: var(--lab-danger);
  }
  .progress {
    display: grid;
    gap: 3px;
    margin-top: 8px;
    font-size: 12px;
  }
  progress {
    width: 100%;
    height: 8px;
    accent-color: var(--lab-accent);
  }
  .note {
    margin: 8px 0 0;
    font-size: 12.5px;
    color: var(--lab-danger);
    overflow-wrap: anywhere;
  }
  .overlay {
    position: fixed;
    inset: 10px;
    z-index: 10;
    display: grid;
    place-items: center;
    border: 3px dashed var(--lab-accent);
    border-radius: 14px;
    background: color-mix(in srgb, var(--lab-surface) 80%, transparent);
    font-size: 20px;
    font-weight: 650;
    pointer-events: none;
  }
  .overlay.off {
    border-color: var(--lab-danger);
    color: var(--lab-danger);
  }
`;
