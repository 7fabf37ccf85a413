// Command-line options → TrainConfig, with the same names and defaults as the form and the URL.
import { parseArgs } from 'node:util';
import { defaultConfig, validateConfig, type ModelName, type OptimizerName, type ScheduleName, type TrainConfig } from '../model/config';

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
  dataset: { type: 'string' },
  data: { type: 'string', multiple: true },
  out: { type: 'string' },
  cpu: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** A strictly parsed number: the whole string must be a finite decimal number. */
export function num(name: string, v: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v.trim())) throw new Error(`--${name}: "${v}" is not a number`);
  return Number(v);
}

export function parseTrainArgs(argv: string[]) {
  const { values, positionals } = parseArgs({ args: argv, options: trainOptions, allowPositionals: true, strict: true });
  const c: TrainConfig = { ...defaultConfig, hidden: [...defaultConfig.hidden] };
  const set = <K extends keyof TrainConfig>(k: K, v: TrainConfig[K] | undefined) => {
    if (v !== undefined) c[k] = v;
  };
  const n = (name: keyof typeof values) => (typeof values[name] === 'string' ? num(name, values[name] as string) : undefined);
  set('model', values.model as ModelName | undefined);
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
  if (values.hidden !== undefined) c.hidden = values.hidden.split(',').map((h) => num('hidden', h));
  validateConfig(c);
  return { config: c, values, positionals };
}
