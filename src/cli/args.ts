// Command-line options → TrainConfig, with the same names and defaults as the form and the URL. A run
// starts from a preset (`--preset`, else the model's d2l settings) and the flags override it.
import { parseArgs } from 'node:util';
import { strictNumber } from '../data/strict-number';
import type { InitKind } from '../model/architecture';
import {
  applyPreset, defaultConfig, isPresetName, modelNames, modelPreset, presets, validateConfig,
  type ActivationName, type ModelName, type OptimizerName, type PoolName, type ScheduleName, type TrainConfig,
} from '../model/config';

export const trainOptions = {
  model: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  limit: { type: 'string' },
  hidden: { type: 'string' },
  optimizer: { type: 'string' },
  momentum: { type: 'string' },
  'weight-decay': { type: 'string' },
  schedule: { type: 'string' },
  'init-sigma': { type: 'string' },
  init: { type: 'string' },
  activation: { type: 'string' },
  pool: { type: 'string' },
  dropout: { type: 'string' },
  preset: { type: 'string' },
  dataset: { type: 'string' },
  data: { type: 'string', multiple: true },
  'label-column': { type: 'string' },
  'image-size': { type: 'string' },
  channels: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  checkpoint: { type: 'string' },
  'until-epoch': { type: 'string' },
  onnx: { type: 'string' },
  'onnx-softmax': { type: 'boolean' },
  cpu: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** A strictly parsed number: the whole string (spaces around aside) must be a finite decimal number. */
export function num(name: string, v: string): number {
  const n = strictNumber(v);
  if (n === null) throw new Error(`--${name}: "${v}" is not a number`);
  return n;
}

export function parseTrainArgs(argv: string[]) {
  const { values, positionals } = parseArgs({ args: argv, options: trainOptions, allowPositionals: true, strict: true });
  const c = startingConfig(values.model, values.preset);
  const set = <K extends keyof TrainConfig>(k: K, v: TrainConfig[K] | undefined) => {
    if (v !== undefined) c[k] = v;
  };
  const n = (name: keyof typeof values) => (typeof values[name] === 'string' ? num(name, values[name] as string) : undefined);
  set('epochs', n('epochs'));
  set('batchSize', n('batch-size'));
  set('lr', n('lr'));
  set('seed', n('seed'));
  set('limit', n('limit'));
  set('momentum', n('momentum'));
  set('weightDecay', n('weight-decay'));
  set('initSigma', n('init-sigma'));
  set('optimizer', values.optimizer as OptimizerName | undefined);
  set('schedule', values.schedule as ScheduleName | undefined);
  set('init', values.init as InitKind | undefined);
  set('activation', values.activation as ActivationName | undefined);
  set('pool', values.pool as PoolName | undefined);
  set('dropout', n('dropout'));
  if (values.hidden !== undefined) c.hidden = values.hidden.split(',').map((h) => num('hidden', h));
  validateConfig(c);
  return { config: c, values, positionals };
}

/** The preset a run starts from: `--preset`, else the d2l settings of `--model` (softmax by default). */
function startingConfig(model: string | undefined, preset: string | undefined): TrainConfig {
  if (model !== undefined && !(modelNames as readonly string[]).includes(model)) {
    throw new Error(`--model: "${model}" is not a model (one of ${modelNames.join(', ')})`);
  }
  if (preset === undefined) return applyPreset(defaultConfig, modelPreset((model as ModelName | undefined) ?? defaultConfig.model));
  if (!isPresetName(preset)) throw new Error(`--preset: "${preset}" is not a preset (one of ${Object.keys(presets).join(', ')})`);
  const p = presets[preset];
  if (model !== undefined && model !== p.settings.model) throw new Error(`--preset ${preset} trains ${p.settings.model}, not ${model}: drop --model or pick another preset`);
  return applyPreset(defaultConfig, p);
}
