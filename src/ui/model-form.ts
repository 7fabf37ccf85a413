// The model and its hyper-parameters. Shows the config it is given; each edit goes up as a
// ConfigChangeEvent with the fields that parsed and every field that does not (shown inline).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { modelPreset, type TrainConfig } from '../model/config';
import { summarizeArchitecture } from './architecture-summary';
import { ConfigChangeEvent } from './events';
import { modelUnfit } from './model-fit';
import { modelOption, modelOptions } from './model-options';
import { sharedStyles } from './shared-styles';
import { parseHidden } from './url-config';

type Parse = (raw: string) => { patch: Partial<TrainConfig> } | { error: string };

const int = (key: 'epochs' | 'batchSize' | 'seed', min: number): Parse => (raw) =>
  /^\s*\d+\s*$/.test(raw) && Number(raw) >= min && Number(raw) <= 0xffffffff ? { patch: { [key]: Number(raw) } } : { error: `a whole number ≥ ${min}` };

const parsers: Record<string, Parse> = {
  epochs: int('epochs', 1),
  batchSize: int('batchSize', 1),
  seed: int('seed', 0),
  lr: (raw) => (raw.trim() !== '' && Number(raw) > 0 && Number.isFinite(Number(raw)) ? { patch: { lr: Number(raw) } } : { error: 'a number > 0' }),
  hidden: (raw) => {
    const hidden = parseHidden(raw);
    return hidden ? { patch: { hidden } } : { error: 'sizes like 256 or 256,128' };
  },
  limit: (raw) => {
    if (raw.trim() === '') return { patch: { limit: undefined } };
    return /^\s*\d+\s*$/.test(raw) && Number(raw) >= 1 ? { patch: { limit: Number(raw) } } : { error: 'empty (all) or a whole number ≥ 1' };
  },
};

@customElement('model-form')
export class ModelForm extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(110px, 1fr));
        gap: 10px 12px;
      }
      .wide {
        grid-column: 1 / -1;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 3px;
        font-size: 12.5px;
        font-weight: 500;
      }
      .hint,
      .error {
        font-size: 11.5px;
        font-weight: 400;
      }
      .error {
        color: var(--lab-danger);
      }
      fieldset {
        border: 0;
        margin: 0;
        padding: 0;
        min-width: 0;
      }
    `,
  ];

  /** The config to show. */
  @property({ attribute: false }) config!: TrainConfig;
  /** The loaded data's feature shape and class count, for the architecture line. */
  @property({ attribute: false }) inputShape?: number[];
  @property({ type: Number }) numClasses = 0;
  /** Greys the form out while a run is going. */
  @property({ type: Boolean }) disabled = false;

  @state() private errors: Record<string, string> = {};

  override render() {
    const c = this.config;
    const option = modelOption(c.model);
    // Models that cannot train on the loaded data (image models on tabular rows) stay listed, disabled, with why.
    const unfit = new Map(modelOptions.map((m) => [m.name, modelUnfit(m.name, this.inputShape, this.numClasses)]));
    const refused = modelOptions.filter((m) => unfit.get(m.name) && m.name !== c.model);
    return html`
      <fieldset ?disabled=${this.disabled}>
        <div class="grid">
          <label class="wide">
            Model
            <select data-testid="model-select" .value=${c.model} @change=${this._onModel}>
              ${modelOptions.map((m) => {
                const why = unfit.get(m.name);
                return html`<option value=${m.name} ?selected=${m.name === c.model} ?disabled=${Boolean(why) && m.name !== c.model} title=${why || nothing}>
                  ${m.label}${why ? ' (does not fit this data)' : ''}
                </option>`;
              })}
            </select>
            ${refused.length ? html`<span class="hint muted" data-testid="model-unfit">${refused.map((m) => `${m.label}: ${unfit.get(m.name)}`).join(' · ')}</span>` : nothing}
            ${this.architecture(option?.source ?? '')}
          </label>
          ${option?.uses.includes('hidden') ? this.field('hidden', 'Hidden sizes', c.hidden.join(','), 'text', 'wide') : nothing}
          ${this.field('epochs', 'Epochs', String(c.epochs))}
          ${this.field('batchSize', 'Batch size', String(c.batchSize))}
          ${this.field('lr', 'Learning rate', String(c.lr))}
          ${this.field('seed', 'Seed', String(c.seed))}
          ${this.field('limit', 'Train examples', c.limit === undefined ? '' : String(c.limit), 'text', '', 'all')}
        </div>
      </fieldset>
    `;
  }

  private architecture(source: string) {
    if (!this.inputShape || this.numClasses < 2) return html`<span class="hint muted">${source}</span>`;
    const a = summarizeArchitecture(this.config, this.inputShape, this.numClasses);
    if (!a.ok) return html`<span class="error" data-testid="architecture">Does not fit the data: ${a.error}</span>`;
    return html`<span class="hint muted" data-testid="architecture">${a.layers} · ${a.params} (${source})</span>`;
  }

  private field(name: string, label: string, value: string, type = 'text', cls = '', placeholder = '') {
    const error = this.errors[name];
    return html`
      <label class=${cls}>
        ${label}
        <input
          name=${name}
          data-testid=${`field-${name}`}
          type=${type}
          inputmode=${name === 'hidden' ? 'text' : name === 'lr' ? 'decimal' : 'numeric'}
          autocomplete="off"
          spellcheck="false"
          placeholder=${placeholder}
          .value=${value}
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${error ? `${name}-error` : nothing}
          @input=${this._onInput}
        />
        ${error ? html`<span class="error" id=${`${name}-error`}>Needs ${error}</span>` : nothing}
      </label>
    `;
  }

  private _onModel(e: Event): void {
    const option = modelOption((e.target as HTMLSelectElement).value);
    if (!option) return;
    // Picking a model applies its d2l settings (batch, learning rate, activation, pooling, init, ...);
    // the fields they set, and a field the new model does not show, cannot block training.
    const { settings } = modelPreset(option.name);
    const errors = { ...this.errors };
    for (const key of ['batchSize', 'lr', 'hidden'] as const) delete errors[key];
    this.errors = errors;
    this.dispatchEvent(new ConfigChangeEvent({ ...settings, hidden: [...settings.hidden] }, errors));
  }

  private _onInput(e: Event): void {
    const input = e.target as HTMLInputElement;
    const result = parsers[input.name](input.value);
    const errors = { ...this.errors };
    delete errors[input.name];
    if ('error' in result) errors[input.name] = result.error;
    this.errors = errors;
    this.dispatchEvent(new ConfigChangeEvent('patch' in result ? result.patch : {}, errors));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'model-form': ModelForm;
  }
}
