// Which zoo models can train on the loaded data: each is built for the data's feature shape and class
// count with default settings; one that cannot be (an image model on tabular rows) is offered disabled,
// with the zoo's reason.
import { defaultConfig, type ModelName } from '../model/config';
import { buildArchitecture } from '../model/zoo';
import { errorMessage } from './format';

/** Why `model` cannot train on data of this shape ('' when it can, or when no data is loaded). */
export function modelUnfit(model: ModelName, shape: number[] | undefined, numClasses: number): string {
  if (!shape || numClasses < 2) return '';
  try {
    buildArchitecture({ ...defaultConfig, model }, shape, numClasses);
    return '';
  } catch (e) {
    return errorMessage(e);
  }
}
