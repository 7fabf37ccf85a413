// Command-line options → TrainConfig. The training flags and their usage lines come from the settings
// schema (src/model/config.ts): the same names as the URL, the same parsers and ranges as the form. A
// run starts from a preset (`--preset`, else the model's d2l settings) and the flags override it.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { strictNumber } from '../data/strict-number';
import {
  applyPreset, defaultConfig, defaultOf, isPresetName, modelPreset, presets, settingList, settings, validateConfig, type TrainConfig,
} from '../model/config';

/** The flags that are not training settings: data, files, outputs, the backend. */
export const runOptions = {
  preset: { type: 'string' },
  dataset: { type: 'string' },
  data: { type: 'string', multiple: true },
  test: { type: 'string', multiple: true },
  'label-column': { type: 'string' },
  'image-size': { type: 'string' },
  channels: { type: 'string' },
  'max-classes': { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  checkpoint: { type: 'string' },
  'until-epoch': { type: 'string' },
  onnx: { type: 'string' },
  'onnx-softmax': { type: 'boolean' },
  cpu: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

type RunOptions = typeof runOptions;
export type RunValues = {
  [K in keyof RunOptions]?: RunOptions[K] extends { type: 'boolean' } ? boolean : RunOptions[K] extends { multiple: true } ? string[] : string;
};

/** Every flag `train` takes: one per training setting, then the run's own. */
export const trainOptions = {
  ...Object.fromEntries(settingList.map((s) => [s.name, { type: 'string' } as const])),
  ...runOptions,
};

/** A strictly parsed number: the whole string (spaces around aside) must be a finite decimal number. */
export function num(name: string, v: string): number {
  const n = strictNumber(v);
  if (n === null) throw new Error(`--${name}: "${v}" is not a number`);
  return n;
}

/** The training flags' usage from the schema: `--batch-size 256  examples per step`, help wrapped at 100 columns. */
export function settingsUsage(indent: string): string {
  const width = 28;
  const lines: string[] = [];
  for (const s of settingList) {
    const choices = s.kind.choices?.().map(([v]) => v);
    const long = choices !== undefined && choices.join('|').length > width - s.name.length - 3;
    const help = `${s.help}${long ? ` (one of ${choices!.join(', ')})` : ''}${s.models ? `; for ${s.models.join(', ')}` : ''}`;
    const flag = `--${s.name} ${s.cliFile ? 'FILE' : long ? 'NAME' : choices ? choices.join('|') : s.kind.format(defaultOf(s as never, defaultConfig.model) as never) || 'N'}`;
    const words = help.split(' ');
    let line = `${indent}${flag.padEnd(width)}  `;
    const pad = ' '.repeat(indent.length + width + 2);
    for (const w of words) {
      if (line.length + w.length > 100 && line.trim().length > flag.length) {
        lines.push(line.trimEnd());
        line = pad;
      }
      line += `${w} `;
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\n');
}

export function parseTrainArgs(argv: string[]) {
  const parsed = parseArgs({ args: argv, options: trainOptions, allowPositionals: true, strict: true });
  const all = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const values = all as RunValues & Record<string, string | undefined>;
  let c = startingConfig(all.model as string | undefined, values.preset);
  for (const s of settingList) {
    const raw = all[s.name];
    if (typeof raw !== 'string' || s.key === 'model') continue;
    const text = s.cliFile ? readFileSync(raw, 'utf8') : raw;
    const v = s.kind.parse(text);
    if (!v) throw new Error(`--${s.name}: ${s.cliFile ? raw : JSON.stringify(raw)} is not ${s.kind.need}`);
    c = { ...c, [s.key]: v.value };
  }
  validateConfig(c);
  return { config: c, values, positionals: parsed.positionals };
}

/** The preset a run starts from: `--preset`, else the d2l settings of `--model` (softmax by default). */
function startingConfig(model: string | undefined, preset: string | undefined): TrainConfig {
  const m = model === undefined ? undefined : settings.model.kind.parse(model)?.value;
  if (model !== undefined && m === undefined) throw new Error(`--model: "${model}" is not a model (${settings.model.kind.need})`);
  if (preset === undefined) return applyPreset(defaultConfig, modelPreset(m ?? defaultConfig.model));
  if (!isPresetName(preset)) throw new Error(`--preset: "${preset}" is not a preset (one of ${Object.keys(presets).join(', ')})`);
  const p = presets[preset];
  if (m !== undefined && m !== p.settings.model) throw new Error(`--preset ${preset} trains ${p.settings.model}, not ${m}: drop --model or pick another preset`);
  return applyPreset(defaultConfig, p);
}
