// The one module that imports WGSL. Vite (page, worker, CLI build) and vitest all resolve `?raw` the
// same way, so every runtime compiles the same text. shaders/matmul.wgsl is generated (scripts/gen-matmul.mjs).
// A zoo shader is `common + [random +] body`: the shared declarations live once, in common.wgsl and
// random.wgsl, and compile errors name lines of the concatenated text (see `shaderParts`).
import accuracy from '../../shaders/accuracy.wgsl?raw';
import activation from '../../shaders/activation.wgsl?raw';
import batchnorm from '../../shaders/batchnorm.wgsl?raw';
import common from '../../shaders/common.wgsl?raw';
import conv from '../../shaders/conv.wgsl?raw';
import convCommon from '../../shaders/conv-common.wgsl?raw';
import convGrad from '../../shaders/conv-grad.wgsl?raw';
import convSubgroup from '../../shaders/conv-subgroup.wgsl?raw';
import convWinograd from '../../shaders/conv-winograd.wgsl?raw';
import convWinogradDw from '../../shaders/conv-winograd-dw.wgsl?raw';
import dropout from '../../shaders/dropout.wgsl?raw';
import gather from '../../shaders/gather.wgsl?raw';
import graph from '../../shaders/graph.wgsl?raw';
import matmul from '../../shaders/matmul.wgsl?raw';
import matmulSubgroup from '../../shaders/matmul-subgroup.wgsl?raw';
import optim from '../../shaders/optim.wgsl?raw';
import pool from '../../shaders/pool.wgsl?raw';
import poolK2 from '../../shaders/pool-k2.wgsl?raw';
import random from '../../shaders/random.wgsl?raw';
import softmaxXent from '../../shaders/softmax-xent.wgsl?raw';

/** The files each shader is made of, in order: the shared ones, then its own (conv-subgroup's leads, as its `enable` must). */
export const shaderParts = {
  accuracy: [['common', common], ['accuracy', accuracy]],
  activation: [['common', common], ['activation', activation]],
  batchnorm: [['common', common], ['batchnorm', batchnorm]],
  conv: [['common', common], ['conv-common', convCommon], ['conv', conv]],
  'conv-grad': [['common', common], ['conv-common', convCommon], ['conv-grad', convGrad]],
  'conv-subgroup': [['conv-subgroup', convSubgroup], ['common', common], ['conv-common', convCommon]],
  'conv-winograd': [['common', common], ['conv-common', convCommon], ['conv-winograd', convWinograd], ['conv-winograd-dw', convWinogradDw]],
  dropout: [['common', common], ['random', random], ['dropout', dropout]],
  gather: [['common', common], ['random', random], ['gather', gather]],
  graph: [['common', common], ['graph', graph]],
  matmul: [['matmul', matmul]],
  'matmul-subgroup': [['matmul-subgroup', matmulSubgroup]],
  optim: [['common', common], ['optim', optim]],
  pool: [['common', common], ['pool', pool], ['pool-k2', poolK2]],
  'softmax-xent': [['softmax-xent', softmaxXent]],
} as const satisfies Record<string, readonly (readonly [string, string])[]>;

export type ShaderName = keyof typeof shaderParts;

export const shaderSources = Object.fromEntries(
  Object.entries(shaderParts).map(([name, parts]) => [name, parts.map(([, text]) => text).join('\n')]),
) as Record<ShaderName, string>;

/** `shaders/<file>.wgsl:<line>` of a line of a (possibly concatenated) shader's text. */
export function shaderLocation(name: ShaderName, line: number): string {
  let first = 1;
  for (const [file, text] of shaderParts[name]) {
    const count = text.split('\n').length;
    if (line < first + count) return `shaders/${file}.wgsl:${line - first + 1}`;
    first += count;
  }
  return `shaders/${name}.wgsl:${line}`;
}
