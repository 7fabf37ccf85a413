// The one module that imports WGSL. Vite (page, worker, CLI build) and vitest all resolve `?raw` the
// same way, so every runtime compiles the same text. shaders/matmul.wgsl is generated (scripts/gen-matmul.mjs).
import accuracy from '../../shaders/accuracy.wgsl?raw';
import biasGrad from '../../shaders/bias-grad.wgsl?raw';
import gather from '../../shaders/gather.wgsl?raw';
import matmul from '../../shaders/matmul.wgsl?raw';
import optim from '../../shaders/optim.wgsl?raw';
import softmaxXent from '../../shaders/softmax-xent.wgsl?raw';

export const shaderSources = {
  accuracy,
  'bias-grad': biasGrad,
  gather,
  matmul,
  optim,
  'softmax-xent': softmaxXent,
} as const;

export type ShaderName = keyof typeof shaderSources;
