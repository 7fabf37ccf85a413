// The model zoo: architectures built from a config and the dataset's input shape, in d2l's order.
// Image models take channels and size from the dataset and say plainly when an image is too small.
import { layerShapes, type Architecture, type LayerSpec } from './architecture';
import type { ActivationName, ModelName, PoolName, TrainConfig } from './config';

export interface ZooEntry {
  name: ModelName;
  title: string;
  /** d2l section the model comes from. */
  source: string;
  /** Whether the model needs C×H×W images (the others flatten any input). */
  images: boolean;
}

export const zoo: readonly ZooEntry[] = [
  { name: 'softmax', title: 'Softmax regression', source: 'd2l §4.5', images: false },
  { name: 'mlp', title: 'MLP', source: 'd2l §5.2 (dropout §5.6)', images: false },
  { name: 'lenet', title: 'LeNet', source: 'd2l §7.6', images: true },
  { name: 'lenet-bn', title: 'LeNet + BatchNorm', source: 'd2l §8.5', images: true },
];

/** BatchNorm defaults (d2l §8.5: eps 1e-5, momentum 0.1). */
const batchNorm = (features: number, spatial: boolean): LayerSpec => ({ type: 'batchnorm', features, spatial, eps: 1e-5, momentum: 0.1 });

/** d2l §7.6 LeNet, or §8.5 with BatchNorm after every conv and dense layer but the last (and no padding on conv 1). */
function lenetLayers(channels: number, numClasses: number, act: ActivationName, pool: PoolName, bn: boolean, flat: number): LayerSpec[] {
  const a: LayerSpec = { type: act };
  const p: LayerSpec = { type: pool === 'max' ? 'maxpool2d' : 'avgpool2d', kernel: 2, stride: 2 };
  const norm = (features: number, spatial: boolean): LayerSpec[] => (bn ? [batchNorm(features, spatial)] : []);
  return [
    { type: 'conv2d', in: channels, out: 6, kernel: 5, stride: 1, padding: bn ? 0 : 2 }, ...norm(6, true), a, p,
    { type: 'conv2d', in: 6, out: 16, kernel: 5, stride: 1, padding: 0 }, ...norm(16, true), a, p,
    { type: 'flatten' },
    { type: 'dense', in: flat, out: 120 }, ...norm(120, false), a,
    { type: 'dense', in: 120, out: 84 }, ...norm(84, false), a,
    { type: 'dense', in: 84, out: numClasses },
  ];
}

/** The smallest square image LeNet (with or without BatchNorm) accepts. */
export function lenetMinSize(bn: boolean): number {
  // s → conv 5×5 pad 2: s → pool: ⌊s/2⌋ → conv 5×5: ⌊s/2⌋ − 4 → pool: ≥ 1 needs ⌊s/2⌋ ≥ 6, s ≥ 12;
  // with BatchNorm conv 1 has no padding (s − 4 in place of s), so s ≥ 16.
  return bn ? 16 : 12;
}

function lenet(config: TrainConfig, inputShape: number[], numClasses: number, bn: boolean): LayerSpec[] {
  const name = bn ? 'LeNet + BatchNorm' : 'LeNet';
  if (inputShape.length !== 3) {
    throw new Error(`${name} needs images (channels × height × width); this dataset has flat rows of ${inputShape.join('×')} features — use softmax regression or an MLP`);
  }
  const [c, h, w] = inputShape;
  const min = lenetMinSize(bn);
  if (h < min || w < min) {
    throw new Error(`${name} needs images of at least ${min}×${min} pixels (two 5×5 convolutions and two 2×2 poolings); this dataset's are ${h}×${w}`);
  }
  // The flattened size after the second pooling, from the layer shapes with a placeholder dense input.
  const probe = lenetLayers(c, numClasses, config.activation, config.pool, bn, 1);
  const flatAt = probe.findIndex((l) => l.type === 'flatten');
  const shapes = layerShapes({ name, inputShape, numClasses, layers: probe.slice(0, flatAt + 1), init: { kind: 'normal', sigma: 1 } });
  return lenetLayers(c, numClasses, config.activation, config.pool, bn, shapes[flatAt][0]);
}

/** d2l §sec_softmax_concise / §sec_mlp / §sec_lenet / §sec_batch_norm: the layers of `config.model` for this input. */
export function buildArchitecture(config: TrainConfig, inputShape: number[], numClasses: number): Architecture {
  const inputs = inputShape.reduce((a, b) => a * b, 1);
  let layers: LayerSpec[];
  switch (config.model) {
    case 'softmax':
      layers = [{ type: 'flatten' }, { type: 'dense', in: inputs, out: numClasses }];
      break;
    case 'mlp': {
      layers = [{ type: 'flatten' }];
      let prev = inputs;
      for (const h of config.hidden) {
        layers.push({ type: 'dense', in: prev, out: h }, { type: config.activation });
        if (config.dropout > 0) layers.push({ type: 'dropout', p: config.dropout });
        prev = h;
      }
      layers.push({ type: 'dense', in: prev, out: numClasses });
      break;
    }
    case 'lenet':
    case 'lenet-bn':
      layers = lenet(config, inputShape, numClasses, config.model === 'lenet-bn');
      break;
    default:
      return config.model satisfies never;
  }
  const arch: Architecture = { name: config.model, inputShape, numClasses, layers, init: { kind: config.init, sigma: config.initSigma } };
  layerShapes(arch);
  return arch;
}
