// The models the form offers, taken from the model zoo so that a model added there appears here; the
// UI only adds which extra form fields each one uses.
import type { ModelName, TrainConfig } from '../model/config';
import { zoo } from '../model/zoo';

/** A form field that only some models use. */
export type ModelField = 'hidden' | 'dropout' | 'activation' | 'pool';

export interface ModelOption {
  name: ModelName;
  label: string;
  /** Where the model comes from (a d2l section). */
  source: string;
  uses: readonly ModelField[];
}

const FIELDS: Partial<Record<ModelName, readonly ModelField[]>> = {
  mlp: ['hidden', 'activation', 'dropout'],
  lenet: ['activation', 'pool'],
  'lenet-bn': ['activation', 'pool'],
};

export const modelOptions: readonly ModelOption[] = zoo.map((e) => ({
  name: e.name,
  label: e.title,
  source: e.source,
  uses: FIELDS[e.name] ?? [],
}));

export function modelOption(name: string): ModelOption | undefined {
  return modelOptions.find((m) => m.name === name);
}

/**
 * Whether a setting acts on this config's run: the hidden sizes, dropout, activation and pooling only
 * for the models that have them, the momentum only for SGD with momentum, σ only for the normal init.
 */
export function settingInEffect(c: TrainConfig, key: keyof TrainConfig): boolean {
  switch (key) {
    case 'hidden':
    case 'dropout':
    case 'activation':
    case 'pool':
      return modelOption(c.model)?.uses.includes(key) ?? false;
    case 'momentum':
      return c.optimizer === 'momentum';
    case 'initSigma':
      return c.init === 'normal';
    default:
      return true;
  }
}
