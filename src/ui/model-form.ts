// The model and its hyper-parameters. Shows the config it is given; each edit goes up as a
// ConfigChangeEvent with the fields that parsed and every field that does not (shown inline).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { modelPreset, presets, type Preset, type PresetSettings, type TrainConfig } from '../model/config';
import { summarizeArchitecture } from './architecture-summary';
import { ConfigChangeEvent } from './events';
import { modelUnfit } from './model-fit';
import { modelOption, modelOptions, settingInEffect } from './model-options';
import { sharedStyles } from './shared-styles';
import { fraction, nonNegative, parseHidden, positiveInt, positiveNumber, seedInt } from './setting-text';

type Parse = (raw: string) => { patch: Partial<TrainConfig> } | { error: string };

/** A field read with the URL's parser (spaces around the text allowed), or what the field needs. */
const parsed = <K extends keyof TrainConfig>(key: K, parse: (v: string) => TrainConfig[K] | undefined, need: string): Parse => (raw) => {
  const v = parse(raw.trim());
  return v === undefined ? { error: need } : { patch: { [key]: v } };
};

const decimalFields = new Set(['lr', 'momentum', 'weightDecay', 'initSigma', 'dropout']);

/** The choices of the settings picked from a list, with the labels the form shows. */
const choices = {
  optimizer: [['sgd', 'SGD'], ['momentum', 'SGD + momentum'], ['adam', 'Adam']],
  schedule: [['constant', 'constant'], ['step', 'step (÷10 at 50 %, 75 %)'], ['cosine', 'cosine']],
  init: [['normal', 'normal(σ)'], ['xavier-uniform', 'Xavier-uniform'], ['he', 'He']],
  activation: [['relu', 'ReLU'], ['sigmoid', 'sigmoid']],
  pool: [['max', 'max'], ['avg', 'average']],
} as const satisfies Partial<Record<keyof TrainConfig, readonly (readonly [string, string])[]>>;

type ChoiceName = keyof typeof choices;

const presetList: readonly Preset[] = Object.values(presets);

/** The preset whose settings the config has, if any (epochs, seed and limit aside). */
export function matchingPreset(c: TrainConfig): Preset | undefined {
  return presetList.find((p) =>
    (Object.keys(p.settings) as (keyof PresetSettings)[]).every((k) =>
      !settingInEffect(c, k) || (k === 'hidden' ? c.hidden.join() === p.settings.hidden.join() : c[k] === p.settings[k]),
    ),
  );
}

const parsers: Record<string, Parse> = {
  epochs: parsed('epochs', positiveInt, 'a whole number ≥ 1'),
  batchSize: parsed('batchSize', positiveInt, 'a whole number ≥ 1'),
  seed: parsed('seed', seedInt, 'a whole number ≥ 0'),
  lr: parsed('lr', positiveNumber, 'a number > 0'),
  hidden: parsed('hidden', parseHidden, 'sizes like 256 or 256,128'),
  momentum: parsed('momentum', fraction, 'a number in [0, 1)'),
  weightDecay: parsed('weightDecay', nonNegative, 'a number ≥ 0'),
  initSigma: parsed('initSigma', positiveNumber, 'a number > 0'),
  dropout: parsed('dropout', fraction, 'a number in [0, 1)'),
  limit: (raw) => (raw.trim() === '' ? { patch: { limit: undefined } } : parsed('limit', positiveInt, 'empty (all) or a whole number ≥ 1')(raw)),
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
          ${this.presetChoice(unfit)}
          ${option?.uses.includes('hidden') ? this.field('hidden', 'Hidden sizes', c.hidden.join(','), 'text', 'wide') : nothing}
          ${this.field('epochs', 'Epochs', String(c.epochs))}
          ${this.field('batchSize', 'Batch size', String(c.batchSize))}
          ${this.field('lr', 'Learning rate', String(c.lr))}
          ${this.field('seed', 'Seed', String(c.seed))}
          ${this.field('limit', 'Train examples', c.limit === undefined ? '' : String(c.limit), 'text', '', 'all')}
          ${this.choice('optimizer', 'Optimizer')}
          ${c.optimizer === 'momentum' ? this.field('momentum', 'Momentum', String(c.momentum)) : nothing}
          ${this.field('weightDecay', 'Weight decay', String(c.weightDecay))}
          ${this.choice('schedule', 'LR schedule')}
          ${this.choice('init', 'Init')}
          ${c.init === 'normal' ? this.field('initSigma', 'Init σ', String(c.initSigma)) : nothing}
          ${option?.uses.includes('activation') ? this.choice('activation', 'Activation') : nothing}
          ${option?.uses.includes('pool') ? this.choice('pool', 'Pooling') : nothing}
          ${option?.uses.includes('dropout') ? this.field('dropout', 'Dropout', String(c.dropout)) : nothing}
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

  private presetChoice(unfit: ReadonlyMap<string, string>) {
    const current = matchingPreset(this.config);
    return html`
      <label class="wide">
        Preset
        <select data-testid="preset-select" @change=${this._onPreset}>
          ${current ? nothing : html`<option value="" selected>Custom settings</option>`}
          ${presetList.map((p) => {
            const why = unfit.get(p.settings.model);
            return html`<option value=${p.name} ?selected=${p === current} ?disabled=${Boolean(why)} title=${why || p.source}>
              ${p.title} — ${p.source}
            </option>`;
          })}
        </select>
      </label>
    `;
  }

  private choice(name: ChoiceName, label: string) {
    const value = this.config[name];
    return html`
      <label>
        ${label}
        <select name=${name} data-testid=${`field-${name}`} @change=${this._onChoice}>
          ${choices[name].map(([v, text]) => html`<option value=${v} ?selected=${v === value}>${text}</option>`)}
        </select>
      </label>
    `;
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
          inputmode=${name === 'hidden' ? 'text' : decimalFields.has(name) ? 'decimal' : 'numeric'}
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
    // Picking a model applies its d2l settings (batch, learning rate, activation, pooling, init, ...).
    if (option) this.applySettings(modelPreset(option.name).settings);
  }

  private _onPreset(e: Event): void {
    const name = (e.target as HTMLSelectElement).value;
    const preset = presetList.find((p) => p.name === name);
    if (preset) this.applySettings(preset.settings);
  }

  /** Applies a preset's settings; the fields they set cannot keep an error from before. */
  private applySettings(settings: PresetSettings): void {
    const errors = { ...this.errors };
    for (const key of Object.keys(settings)) delete errors[key];
    this.errors = errors;
    this.dispatchEvent(new ConfigChangeEvent({ ...settings, hidden: [...settings.hidden] }, errors));
  }

  private _onChoice(e: Event): void {
    const select = e.target as HTMLSelectElement;
    const name = select.name as ChoiceName;
    const option = choices[name].find(([v]) => v === select.value);
    if (!option) return;
    // A field this choice hides (σ of a normal init, the momentum) cannot keep an error that blocks training.
    const errors = { ...this.errors };
    if (name === 'optimizer') delete errors.momentum;
    if (name === 'init') delete errors.initSigma;
    this.errors = errors;
    this.dispatchEvent(new ConfigChangeEvent({ [name]: option[0] }, errors));
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
