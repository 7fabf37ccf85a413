// The benchmarks' settings (the CLI's and the browser's, lab and TensorFlow.js alike): d2l's preset for each model (softmax and MLP: batch 256, SGD lr 0.1;
// LeNet: batch 128, SGD lr 0.1, sigmoid, average pooling, Xavier init), one epoch, seed 0, no augmentation
// (TF.js trains the same batches: a preset's crop/flip is turned off on both sides).
import { applyPreset, defaultConfig, modelPreset, type ModelName, type TrainConfig } from '../model/config';

export const benchModels: readonly ModelName[] = ['softmax', 'mlp', 'lenet'];

export function benchConfig(model: ModelName, limit?: number): TrainConfig {
  return { ...applyPreset({ ...defaultConfig, hidden: [...defaultConfig.hidden] }, modelPreset(model)), epochs: 1, seed: 0, limit, augment: undefined };
}
