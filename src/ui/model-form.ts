// The model and its hyper-parameters, one field per setting of the schema (src/model/config.ts), shown
// where it acts. A field shows what the next action uses: the config, or the text being typed while it
// does not parse (with why). Picking a model or a preset replaces the fields it sets, typed text included.
// While a run goes the form shows that run's settings, read-only; a stopped or finished run's settings
// are named beside the fields that differ.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import {
  configWarnings, inEffect, matchingPreset, modelPreset, presetList, presetValues, sameValue, settingList, settings, settingText,
  type AnySetting, type Preset, type TrainConfig,
} from '../model/config';
import { zoo } from '../model/zoo';
import { summarizeArchitecture } from './architecture-summary';
import './architecture-editor';
import { ArchitectureEditEvent, ConfigChangeEvent } from './events';
import { modelFormStyles } from './model-form-styles';
import { modelUnfit } from './model-fit';
import { sharedStyles } from './shared-styles';

type Key = keyof TrainConfig;

/** Below this many validation examples the accuracy moves in coarse steps (and says little). */
export const MIN_VALIDATION = 50;

@customElement('model-form')
export class ModelForm extends LitElement {
  static override styles = [sharedStyles, modelFormStyles];

  /** The settings of the next run. */
  @property({ attribute: false }) config!: TrainConfig;
  /** The settings the current run is bound to (Continue and "more epochs" use these). */
  @property({ attribute: false }) runConfig?: TrainConfig;
  /** A run is going: the form shows its settings, read-only. */
  @property({ type: Boolean }) bound = false;
  /** The loaded data's feature shape, class count and split sizes, for the architecture line and warnings. */
  @property({ attribute: false }) inputShape?: number[];
  @property({ type: Number }) numClasses = 0;
  @property({ attribute: false }) splits?: { train: number; val: number };
  /** Greys the form out (a run going, a file being opened). */
  @property({ type: Boolean }) disabled = false;

  /** Text typed into fields, by setting, where it differs from the config's text (unfinished or refused). */
  @state() private drafts: Partial<Record<Key, string>> = {};
  /** Why the architecture text being edited does not build (the editor keeps the text). */
  @state() private archError: string | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A config changed from outside (a restored run, the URL) keeps only the drafts that still say the same.
    if (changed.has('config') && changed.get('config')) this.drafts = this.keptDrafts(this.config, []);
  }

  override render() {
    const c = this.bound && this.runConfig ? this.runConfig : this.config;
    const source = (zoo as readonly { name: string; source: string }[]).find((m) => m.name === c.model)?.source ?? '';
    const models = settings.model.kind.choices!().map(([name, title]) => ({ name, title }));
    const unfit = new Map(models.map((m) => [m.name, modelUnfit(m.name, this.inputShape, this.numClasses)]));
    const refused = models.filter((m) => unfit.get(m.name) && m.name !== c.model);
    return html`
      <fieldset ?disabled=${this.disabled}>
        ${this.bound ? html`<p class="bound muted" data-testid="form-bound">The running run's settings; edit them once it stops.</p>` : nothing}
        <div class="grid">
          <div class="field wide">
            <label for="model">${settings.model.label}</label>
            <select id="model" data-testid="model-select" .value=${live(c.model)} @change=${this._onModel}>
              ${models.map((m) => {
                const why = unfit.get(m.name);
                return html`<option value=${m.name} ?selected=${m.name === c.model} ?disabled=${Boolean(why) && m.name !== c.model} title=${why || nothing}>
                  ${m.title}${why ? ' (does not fit this data)' : ''}
                </option>`;
              })}
            </select>
            ${refused.length ? html`<span class="hint muted" data-testid="model-unfit">${refused.map((m) => `${m.title}: ${unfit.get(m.name)}`).join(' · ')}</span>` : nothing}
            ${this.architecture(c, source)}
            <architecture-editor .config=${c} .inputShape=${this.inputShape} .numClasses=${this.numClasses} ?disabled=${this.disabled || this.bound}
              @architecture-edit=${this._onArchitecture}></architecture-editor>
          </div>
          ${this.presetChoice(c, unfit)}
          ${settingList.filter((s) => s.key !== 'model' && s.key !== 'arch' && inEffect(c, s.key)).map((s) => this.setting(s, c))}
        </div>
        ${this.dataWarning()}
      </fieldset>
    `;
  }

  private architecture(c: TrainConfig, source: string) {
    if (!this.inputShape || this.numClasses < 2) return html`<span class="hint muted">${source}</span>`;
    const a = summarizeArchitecture(c, this.inputShape, this.numClasses);
    if (!a.ok) return html`<span class="error" data-testid="architecture">Does not fit the data: ${a.error}</span>`;
    return html`<span class="hint muted" data-testid="architecture">${a.layers} · ${a.params} (${source})</span>`;
  }

  private presetChoice(c: TrainConfig, unfit: ReadonlyMap<string, string>) {
    const current = matchingPreset(c);
    return html`
      <div class="field wide">
        <label for="preset">Preset</label>
        <select id="preset" data-testid="preset-select" .value=${live(current?.name ?? '')} @change=${this._onPreset}>
          ${current ? nothing : html`<option value="" selected>Custom settings</option>`}
          ${presetList.map((p) => {
            const why = unfit.get(p.settings.model);
            return html`<option value=${p.name} ?selected=${p === current} ?disabled=${Boolean(why)} title=${why || p.source}>${p.title} — ${p.source}</option>`;
          })}
        </select>
      </div>
    `;
  }

  /** One setting's field: a list for choices, else a text field; its error, warning and the run's value. */
  private setting(s: AnySetting, c: TrainConfig) {
    const id = `field-${s.key}`;
    const draft = this.bound ? undefined : this.drafts[s.key];
    const error = draft !== undefined && !s.kind.parse(draft) ? (s.kind.problem?.(draft) ?? s.kind.need) : '';
    const warning = this.bound ? undefined : this.warnings().get(s.key);
    const run = this.runNote(s);
    const described = [error && `${id}-error`, warning && `${id}-warning`, run && `${id}-run`].filter(Boolean).join(' ');
    const choices = s.kind.choices?.();
    const input = s.form?.multiline
      ? html`<textarea id=${id} name=${s.key} data-testid=${id} title=${s.help} rows="8" spellcheck="false" .value=${live(draft ?? settingText(s.key, c))}
          aria-invalid=${error ? 'true' : 'false'} aria-describedby=${described || nothing} @input=${this._onField}></textarea>`
      : choices
      ? html`<select id=${id} name=${s.key} data-testid=${id} title=${s.help} .value=${live(settingText(s.key, c))} aria-describedby=${described || nothing} @change=${this._onField}>
          ${choices.map(([v, text]) => html`<option value=${v} ?selected=${v === c[s.key]}>${text}</option>`)}
        </select>`
      : html`<input id=${id} name=${s.key} data-testid=${id} title=${s.help} type="text" inputmode=${s.kind.inputMode} autocomplete="off" spellcheck="false"
          placeholder=${s.form?.placeholder ?? ''} .value=${live(draft ?? settingText(s.key, c))}
          aria-invalid=${error ? 'true' : 'false'} aria-describedby=${described || nothing} @input=${this._onField} />`;
    return html`
      <div class="field ${s.form?.wide ? 'wide' : ''}">
        <label for=${id}>${s.label}</label>
        ${input}
        ${error ? html`<span class="error" id=${`${id}-error`} data-testid=${`${id}-error`}>${s.kind.problem ? error : `Needs ${error}`}</span>` : nothing}
        ${warning ? html`<span class="warn" id=${`${id}-warning`} data-testid=${`${id}-warning`}>${warning}</span>` : nothing}
        ${run ? html`<span class="hint muted" id=${`${id}-run`} data-testid=${`${id}-run`}>${run}</span>` : nothing}
      </div>
    `;
  }

  /** Where a stopped or finished run is bound to another value than the field's: which one it keeps. */
  private runNote(s: AnySetting): string {
    const r = this.runConfig;
    if (this.bound || !r || s.key === 'epochs' || sameValue(s.key, r, this.config)) return '';
    return `The run keeps ${settingText(s.key, r) || 'all'}; this applies to the next Train.`;
  }

  private warnings(): Map<Key, string> {
    const ctx = { config: this.config, trainExamples: this.splits?.train, valExamples: this.splits?.val };
    return new Map(configWarnings(ctx).map((w) => [w.key, w.message]));
  }

  private dataWarning() {
    const val = this.splits?.val;
    if (val === undefined || val >= MIN_VALIDATION) return nothing;
    const step = val > 0 ? ` (each example moves it by ${(100 / val).toFixed(1)} %)` : '';
    return html`<p class="warn" data-testid="validation-warning">
      The validation split has only ${val} example${val === 1 ? '' : 's'}: its accuracy says little${step}. Add data or give the split more.
    </p>`;
  }

  private _onModel(e: Event): void {
    const model = settings.model.kind.parse((e.target as HTMLSelectElement).value);
    this.archError = null;
    // Picking a model applies its d2l settings (batch, learning rate, activation, pooling, init, ...).
    if (model) this.apply(presetValues(modelPreset(model.value)));
  }

  /** An architecture edit that builds makes the model custom with that text; one that does not blocks Train. */
  private _onArchitecture(e: ArchitectureEditEvent): void {
    this.archError = e.error;
    this.apply(e.error === null ? { model: 'custom', arch: e.text } : {}, false);
  }

  private _onPreset(e: Event): void {
    const preset: Preset | undefined = presetList.find((p) => p.name === (e.target as HTMLSelectElement).value);
    if (preset) this.apply(presetValues(preset));
  }

  private _onField(e: Event): void {
    const el = e.target as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    const s = settings[el.name as Key] as AnySetting;
    const parsed = s.kind.parse(el.value);
    const drafts = { ...this.drafts };
    if (parsed && el.value === s.kind.format(parsed.value as never)) delete drafts[s.key];
    else drafts[s.key] = el.value;
    this.drafts = drafts;
    this.apply(parsed ? { [s.key]: parsed.value } : {}, false);
  }

  /** Sends the patch up; the fields it sets (and those it hides) drop their typed text unless it is the edit. */
  private apply(patch: Partial<TrainConfig>, replaces = true): void {
    const next = { ...this.config, ...patch };
    this.drafts = this.keptDrafts(next, replaces ? (Object.keys(patch) as Key[]) : []);
    this.dispatchEvent(new ConfigChangeEvent(patch, this.errors()));
  }

  private keptDrafts(next: TrainConfig, replaced: readonly Key[]): Partial<Record<Key, string>> {
    const kept: Partial<Record<Key, string>> = {};
    for (const [key, text] of Object.entries(this.drafts) as [Key, string][]) {
      const parsed = (settings[key] as AnySetting).kind.parse(text);
      const current = !parsed || sameValue(key, { ...next, [key]: parsed.value }, next);
      if (!replaced.includes(key) && inEffect(next, key) && current) kept[key] = text;
    }
    return kept;
  }

  /** The fields that do not parse, with what each needs. */
  private errors(): Record<string, string> {
    const out: Record<string, string> = this.archError ? { arch: this.archError } : {};
    for (const [key, text] of Object.entries(this.drafts) as [Key, string][]) {
      const s = settings[key] as AnySetting;
      if (!s.kind.parse(text)) out[key] = s.kind.problem?.(text) ?? s.kind.need;
    }
    return out;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'model-form': ModelForm;
  }
}
