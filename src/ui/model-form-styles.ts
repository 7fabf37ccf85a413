// The model form's layout: a grid of labelled fields that wraps to the width, each with its error,
// warning and run note under it.
import { css } from 'lit';

export const modelFormStyles = css`
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(110px, 1fr));
    gap: 10px 12px;
  }
  .wide {
    grid-column: 1 / -1;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 3px;
    min-width: 0;
  }
  label {
    font-size: 12.5px;
    font-weight: 500;
  }
  .hint,
  .error,
  .warn {
    font-size: 11.5px;
    font-weight: 400;
  }
  .error {
    color: var(--lab-danger);
  }
  .warn {
    color: var(--lab-warn);
  }
  p.warn,
  p.bound {
    margin: 10px 0 0;
  }
  p.bound {
    margin: 0 0 8px;
    font-size: 12px;
  }
  textarea {
    font: 12px/1.4 var(--lab-mono);
    width: 100%;
    padding: 5px 8px;
    border: 1px solid var(--lab-border);
    border-radius: 6px;
    background: var(--lab-surface);
    color: var(--lab-text);
    resize: vertical;
  }
  textarea[aria-invalid='true'] {
    border-color: var(--lab-danger);
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    min-width: 0;
  }
`;
