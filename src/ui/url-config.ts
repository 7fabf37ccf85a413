// Hyper-parameters <-> the page's query string (`?model=mlp&epochs=2&batch-size=256&lr=0.1&seed=0`), so a
// run can be linked and tests can set up a small one (`limit`). Generated from the settings schema
// (src/model/config.ts): each setting under its one name (the CLI's flag), older names still read.
// Bad values are reported, not guessed.
import {
  applyPreset, defaultConfig, defaultsFor, inEffect, isPresetName, modelPreset, presets, sameValue, settingList, settingText,
  type AnySetting, type TrainConfig,
} from '../model/config';
import { DEFAULT_BUILTIN, builtinDatasets } from '../data/builtin';

export interface UrlConfig {
  config: TrainConfig;
  /** One message per parameter that was ignored, naming its value. */
  warnings: string[];
}

export function configFromSearch(search: string, base: TrainConfig = defaultConfig): UrlConfig {
  const params = new URLSearchParams(search);
  let config: TrainConfig = { ...base, hidden: [...base.hidden] };
  const warnings: string[] = [];
  const ignored = (key: string, raw: string, why: string) => warnings.push(`Ignored URL parameter ${key}=${JSON.stringify(raw)}: ${why}.`);
  // A preset, or else a model, gives the starting settings (d2l's for a model); the other parameters override them.
  const preset = params.get('preset');
  if (preset !== null) {
    if (isPresetName(preset)) config = applyPreset(config, presets[preset]);
    else ignored('preset', preset, `the presets are ${Object.keys(presets).join(', ')}`);
  }
  for (const s of settingList) {
    const found = [s.name, ...(s.aliases ?? [])].find((n) => params.has(n));
    if (found === undefined) continue;
    const raw = params.get(found)!;
    const parsed = s.kind.parse(raw);
    if (!parsed) {
      ignored(found, raw, `${s.kind.need} is needed`);
      continue;
    }
    if (s.key === 'model') {
      const model = parsed.value as TrainConfig['model'];
      if (model !== config.model || preset === null || !isPresetName(preset)) config = applyPreset(config, modelPreset(model));
    } else {
      config = { ...config, [s.key]: parsed.value };
    }
  }
  return { config, warnings };
}

/** Whether the URL writes a setting: always for the basics, else where it acts and differs from the model's default. */
function written(s: AnySetting, c: TrainConfig, defaults: TrainConfig): boolean {
  if (s.url === 'always') return true;
  return inEffect(c, s.key) && !sameValue(s.key, c, defaults);
}

/** The query string for a config: the basics always, each further setting only where it differs from the model's d2l default. */
export function configToSearch(c: TrainConfig): string {
  const defaults = defaultsFor(c.model);
  const params = new URLSearchParams();
  for (const s of settingList) if (written(s, c, defaults)) params.set(s.name, settingText(s.key, c));
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
