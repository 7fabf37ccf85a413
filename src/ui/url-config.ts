// Hyper-parameters <-> the page's query string (`?model=mlp&epochs=2&batch=256&lr=0.1&seed=0&hidden=256`),
// so a run can be linked and tests can set up a small one (`limit`). Bad values are reported, not guessed.
import { applyPreset, defaultConfig, modelPreset, type TrainConfig } from '../model/config';
import { modelOption, modelOptions } from './model-options';

export interface UrlConfig {
  config: TrainConfig;
  /** One message per parameter that was ignored, naming its value. */
  warnings: string[];
}

const positiveInt = (v: string) => (/^\d+$/.test(v) && Number(v) >= 1 ? Number(v) : undefined);
const seedInt = (v: string) => (/^\d+$/.test(v) && Number(v) <= 0xffffffff ? Number(v) : undefined);
const positiveNumber = (v: string) => {
  const n = v.trim() === '' ? NaN : Number(v);
  return /^[0-9.eE+-]+$/.test(v) && Number.isFinite(n) && n > 0 ? n : undefined;
};

/** Parses a list of hidden sizes such as "256" or "256,128"; undefined when any entry is not a positive integer. */
export function parseHidden(v: string): number[] | undefined {
  const parts = v.split(',').map((s) => s.trim());
  const sizes = parts.map(positiveInt);
  return parts.length > 0 && sizes.every((n) => n !== undefined) ? (sizes as number[]) : undefined;
}

export function configFromSearch(search: string, base: TrainConfig = defaultConfig): UrlConfig {
  const params = new URLSearchParams(search);
  const config: TrainConfig = { ...base, hidden: [...base.hidden] };
  const warnings: string[] = [];
  const take = <T>(key: string, parse: (v: string) => T | undefined, set: (v: T) => void, need: string) => {
    const raw = params.get(key);
    if (raw === null) return;
    const v = parse(raw);
    if (v === undefined) warnings.push(`Ignored URL parameter ${key}=${JSON.stringify(raw)}: ${need}.`);
    else set(v);
  };
  const names = modelOptions.map((m) => m.name);
  // A model in the URL starts from its d2l settings; the other parameters override them.
  take('model', (v) => modelOption(v)?.name, (v) => Object.assign(config, applyPreset(config, modelPreset(v))), `the models are ${names.join(', ')}`);
  take('epochs', positiveInt, (v) => (config.epochs = v), 'a positive integer is needed');
  take('batch', positiveInt, (v) => (config.batchSize = v), 'a positive integer is needed');
  take('lr', positiveNumber, (v) => (config.lr = v), 'a positive number is needed');
  take('seed', seedInt, (v) => (config.seed = v), 'an integer in 0 … 2^32−1 is needed');
  take('hidden', parseHidden, (v) => (config.hidden = v), 'comma-separated positive integers are needed');
  take('limit', positiveInt, (v) => (config.limit = v), 'a positive integer is needed');
  return { config, warnings };
}

/** The query string for a config; `hidden` only where the model uses it, `limit` only when set. */
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
  return `?${params.toString()}`;
}
