// Hyper-parameters <-> the page's query string (`?model=mlp&epochs=2&batch=256&lr=0.1&seed=0&hidden=256`),
// so a run can be linked and tests can set up a small one (`limit`). Bad values are reported, not guessed.
import {
  activationNames,
  applyPreset,
  defaultConfig,
  initNames,
  isPresetName,
  modelPreset,
  optimizerNames,
  poolNames,
  presets,
  scheduleNames,
  type TrainConfig,
} from '../model/config';
import { DEFAULT_BUILTIN, builtinDatasets } from '../data/builtin';
import { modelOption, modelOptions, settingInEffect } from './model-options';
import { fraction, nonNegative, oneOf, parseHidden, positiveInt, positiveNumber, seedInt } from './setting-text';

export interface UrlConfig {
  config: TrainConfig;
  /** One message per parameter that was ignored, naming its value. */
  warnings: string[];
}

/** The settings beyond the basics, by URL key (the CLI's flag names): written only where they differ from the model's d2l preset. */
const extras = [
  { key: 'optimizer', field: 'optimizer', parse: oneOf(optimizerNames), need: `one of ${optimizerNames.join(', ')}` },
  { key: 'momentum', field: 'momentum', parse: fraction, need: 'a number in [0, 1) is needed' },
  { key: 'weight-decay', field: 'weightDecay', parse: nonNegative, need: 'a number ≥ 0 is needed' },
  { key: 'schedule', field: 'schedule', parse: oneOf(scheduleNames), need: `one of ${scheduleNames.join(', ')}` },
  { key: 'init', field: 'init', parse: oneOf(initNames), need: `one of ${initNames.join(', ')}` },
  { key: 'init-sigma', field: 'initSigma', parse: positiveNumber, need: 'a positive number is needed' },
  { key: 'activation', field: 'activation', parse: oneOf(activationNames), need: `one of ${activationNames.join(', ')}` },
  { key: 'pool', field: 'pool', parse: oneOf(poolNames), need: `one of ${poolNames.join(', ')}` },
  { key: 'dropout', field: 'dropout', parse: fraction, need: 'a number in [0, 1) is needed' },
] as const satisfies readonly { key: string; field: keyof TrainConfig; parse: (v: string) => unknown; need: string }[];

export function configFromSearch(search: string, base: TrainConfig = defaultConfig): UrlConfig {
  const params = new URLSearchParams(search);
  let config: TrainConfig = { ...base, hidden: [...base.hidden] };
  const warnings: string[] = [];
  const take = <T>(key: string, parse: (v: string) => T | undefined, set: (v: T) => void, need: string) => {
    const raw = params.get(key);
    if (raw === null) return;
    const v = parse(raw);
    if (v === undefined) warnings.push(`Ignored URL parameter ${key}=${JSON.stringify(raw)}: ${need}.`);
    else set(v);
  };
  const names = modelOptions.map((m) => m.name);
  // A preset, or else a model, gives the starting settings (d2l's for a model); the other parameters override them.
  take('preset', (v) => (isPresetName(v) ? v : undefined), (v) => (config = applyPreset(config, presets[v])), `the presets are ${Object.keys(presets).join(', ')}`);
  const preset = params.get('preset');
  take('model', (v) => modelOption(v)?.name, (v) => {
    if (v !== config.model || preset === null || !isPresetName(preset)) config = applyPreset(config, modelPreset(v));
  }, `the models are ${names.join(', ')}`);
  take('epochs', positiveInt, (v) => (config.epochs = v), 'a positive integer is needed');
  take('batch', positiveInt, (v) => (config.batchSize = v), 'a positive integer is needed');
  take('lr', positiveNumber, (v) => (config.lr = v), 'a positive number is needed');
  take('seed', seedInt, (v) => (config.seed = v), 'an integer in 0 … 2^32−1 is needed');
  take('hidden', parseHidden, (v) => (config.hidden = v), 'comma-separated positive integers are needed');
  take('limit', positiveInt, (v) => (config.limit = v), 'a positive integer is needed');
  for (const e of extras) take<unknown>(e.key, e.parse, (v) => Object.assign(config, { [e.field]: v }), e.need);
  return { config, warnings };
}

/**
 * The query string for a config: the basics always, `hidden` only where the model uses it, `limit` only
 * when set, and each further setting only where it differs from the model's d2l preset.
 */
export function configToSearch(c: TrainConfig): string {
  const params = new URLSearchParams({
    model: c.model,
    epochs: String(c.epochs),
    batch: String(c.batchSize),
    lr: String(c.lr),
    seed: String(c.seed),
  });
  if (modelOption(c.model)?.uses.includes('hidden')) params.set('hidden', c.hidden.join(','));
  if (c.limit !== undefined) params.set('limit', String(c.limit));
  const d2l = modelPreset(c.model).settings;
  for (const e of extras) if (settingInEffect(c, e.field) && c[e.field] !== d2l[e.field]) params.set(e.key, String(c[e.field]));
  return `?${params.toString()}`;
}

/** The built-in dataset a link names (`dataset=mnist`), or the default with a warning naming a bad one. */
export function builtinFromSearch(search: string): { name: string; warning?: string } {
  const raw = new URLSearchParams(search).get('dataset');
  if (raw === null) return { name: DEFAULT_BUILTIN };
  if (builtinDatasets.some((b) => b.name === raw)) return { name: raw };
  const names = builtinDatasets.map((b) => b.name).join(', ');
  return { name: DEFAULT_BUILTIN, warning: `Ignored URL parameter dataset=${JSON.stringify(raw)}: the built-in datasets are ${names}.` };
}

/** The page's query string: the config, and the built-in dataset when it is not the default. */
export function labSearch(c: TrainConfig, builtin: string | undefined): string {
  const search = configToSearch(c);
  return builtin && builtin !== DEFAULT_BUILTIN ? `${search}&dataset=${encodeURIComponent(builtin)}` : search;
}
