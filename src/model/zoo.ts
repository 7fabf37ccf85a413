// The model zoo: architectures built from a config and the dataset's input shape, in d2l's order.
import type { Architecture, LayerSpec } from './architecture';
import type { ModelName, TrainConfig } from './config';

export interface ZooEntry {
  name: ModelName;
  title: string;
  /** d2l section the model comes from. */
  source: string;
}

export const zoo: readonly ZooEntry[] = [
  { name: 'softmax', title: 'Softmax regression', source: 'd2l §4.4' },
  { name: 'mlp', title: 'MLP', source: 'd2l §5.2' },
];

/** d2l §sec_softmax_concise / §sec_mlp_implementation: Flatten → (Dense → ReLU)* → Dense. */
export function buildArchitecture(config: TrainConfig, inputShape: number[], numClasses: number): Architecture {
  const inputs = inputShape.reduce((a, b) => a * b, 1);
  const layers: LayerSpec[] = [{ type: 'flatten' }];
  switch (config.model) {
    case 'softmax':
      layers.push({ type: 'dense', in: inputs, out: numClasses });
      break;
    case 'mlp': {
      let prev = inputs;
      for (const h of config.hidden) {
        layers.push({ type: 'dense', in: prev, out: h }, { type: 'relu' });
        prev = h;
      }
      layers.push({ type: 'dense', in: prev, out: numClasses });
      break;
    }
    case 'lenet':
    case 'lenet-bn':
      throw new Error(`Model ${config.model} is not available yet`);
    default:
      config.model satisfies never;
  }
  return { name: config.model, inputShape, numClasses, layers, init: { kind: 'normal', sigma: config.initSigma } };
}
