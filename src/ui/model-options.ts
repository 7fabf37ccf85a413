// The models the form offers, taken from the model zoo so that a model added there appears here; the
// UI only adds which extra form fields each one uses.
import type { ModelName } from '../model/config';
import { zoo } from '../model/zoo';

/** A form field that only some models use. */
export type ModelField = 'hidden';

export interface ModelOption {
  name: ModelName;
  label: string;
  /** Where the model comes from (a d2l section). */
  source: string;
  uses: readonly ModelField[];
}

const FIELDS: Partial<Record<ModelName, readonly ModelField[]>> = { mlp: ['hidden'] };

export const modelOptions: readonly ModelOption[] = zoo.map((e) => ({
  name: e.name,
  label: e.title,
  source: e.source,
  uses: FIELDS[e.name] ?? [],
}));

export function modelOption(name: string): ModelOption | undefined {
  return modelOptions.find((m) => m.name === name);
}
