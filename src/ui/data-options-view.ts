// The loader options' fields for the drop zone's "Options" disclosure: label column, image size and
// channels, each with its parse error. A template function; the drop zone owns the values.
import { html, nothing } from 'lit';
import type { ParsedDataOptions, RawDataOptions } from './data-options';

type Errors = Extract<ParsedDataOptions, { ok: false }>['errors'];

function field(raw: RawDataOptions, name: 'labelColumn' | 'imageSize' | 'testFiles', label: string, onInput: (e: Event) => void, error?: string) {
  return html`<label>
    ${label}
    <input name=${name} data-testid=${`option-${name}`} placeholder="auto" autocomplete="off" spellcheck="false"
      .value=${raw[name]} aria-invalid=${error ? 'true' : 'false'} @input=${onInput} />
    ${error ? html`<span class="error">Needs ${error}</span>` : nothing}
  </label>`;
}

export function dataOptionFields(raw: RawDataOptions, errors: Errors, onInput: (e: Event) => void) {
  return html`
    <div class="options">
      ${field(raw, 'labelColumn', 'Label column', onInput, errors.labelColumn)}
      ${field(raw, 'imageSize', 'Image size', onInput, errors.imageSize)}
      <label>
        Channels
        <select name="channels" data-testid="option-channels" @change=${onInput}>
          <option value="" ?selected=${raw.channels === ''}>auto</option>
          <option value="grey" ?selected=${raw.channels === 'grey'}>grey</option>
          <option value="rgb" ?selected=${raw.channels === 'rgb'}>RGB</option>
        </select>
      </label>
      ${field(raw, 'testFiles', 'Test files', onInput)}
    </div>
    <p class="hint muted">Label column (CSV/TSV): a header name or 0-based index; by default label, class, target or y, else the last column. Image size (N or H×W) and channels: zips of images. Test files: names (comma-separated, * matches anything) of dropped files holding a test split, evaluated once when a run finishes and never used to choose the best epoch.</p>
  `;
}
