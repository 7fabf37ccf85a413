// The models the form offers, as data: the zoo adds entries here (with its d2l presets) and the form,
// the URL parser and the export name follow without further changes.
import type { ModelName, TrainConfig } from '../model/config';

/** A form field that only some models use. */
export type ModelField = 'hidden';

export interface ModelOption {
  name: ModelName;
  label: string;
  /** One line under the select: the layers and the d2l section. */
  description: string;
  uses: readonly ModelField[];
  /** d2l's settings for this model, applied when it is picked in the form. */
  preset?: Partial<TrainConfig>;
}

export const modelOptions: readonly ModelOption[] = [
  {
    name: 'softmax',
    label: 'Softmax regression',
    description: 'Flatten → Dense (d2l §4.4)',
    uses: [],
  },
  {
    name: 'mlp',
    label: 'MLP',
    description: 'Flatten → Dense → ReLU → … → Dense (d2l §5.2)',
    uses: ['hidden'],
  },
];

export function modelOption(name: string): ModelOption | undefined {
  return modelOptions.find((m) => m.name === name);
}
