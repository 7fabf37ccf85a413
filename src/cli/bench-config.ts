// The benchmarks' settings (the CLI's and the browser's, lab and TensorFlow.js alike): d2l's preset for each model (softmax and MLP: batch 256, SGD lr 0.1;
// LeNet: batch 128, SGD lr 0.1, sigmoid, average pooling, Xavier init), one epoch, seed 0, no augmentation
// (TF.js trains the same batches: a preset's crop/flip is turned off on both sides). A preset's name
// (`resnet-lab`: BatchNorm, Adam, cosine schedule) benches that preset.
import { applyPreset, defaultConfig, isPresetName, modelPreset, presets, type ModelName, type PresetName, type TrainConfig } from '../model/config';

export const benchModels: readonly ModelName[] = ['softmax', 'mlp', 'lenet'];

export function benchConfig(model: ModelName | PresetName, limit?: number): TrainConfig {
  const preset = isPresetName(model) ? presets[model] : modelPreset(model);
  return { ...applyPreset({ ...defaultConfig, hidden: [...defaultConfig.hidden] }, preset), epochs: 1, seed: 0, limit, augment: undefined };
}
