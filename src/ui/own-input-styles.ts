// The own-input view's layout: the pad (or the row form) beside the class probabilities.
import { css } from 'lit';

export const ownInputStyles = css`
  .layout { display: grid; grid-template-columns: auto minmax(200px, 1fr); gap: 16px; align-items: start; }
  @media (max-width: 700px) { .layout { grid-template-columns: minmax(0, 1fr); } }
  canvas.pad { width: 224px; height: 224px; border-radius: 8px; background: #000; touch-action: none; cursor: crosshair; display: block; }
  canvas.seen { width: 56px; image-rendering: pixelated; background: #000; vertical-align: middle; }
  .tools { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; margin-top: 6px; font-size: 12px; }
  .tools input[type='checkbox'] { width: auto; }
  .tools label { display: inline-flex; gap: 4px; align-items: center; }
  form.row { display: grid; grid-template-columns: repeat(auto-fill, minmax(120px, 1fr)); gap: 6px 10px; font-size: 12px; max-height: 360px; overflow: auto; }
  form.row label { display: grid; gap: 2px; color: var(--lab-muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  ol.bars { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: minmax(4em, max-content) minmax(60px, 1fr) 4.5em; gap: 3px 8px; align-items: center; font-size: 12.5px; }
  ol.bars li { display: contents; }
  .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .track { height: 10px; border-radius: 5px; background: var(--lab-accent-soft); overflow: hidden; }
  .fill { display: block; height: 100%; background: var(--lab-accent); }
  li.best .name, li.best .num { font-weight: 700; }
  .num { text-align: right; font-variant-numeric: tabular-nums; }
  .small { font-size: 11.5px; margin: 8px 0 0; }
  .error { color: var(--lab-danger); }
`;
