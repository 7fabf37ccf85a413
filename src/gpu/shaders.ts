// The one module that imports WGSL. Vite (page, worker, CLI build) and vitest all resolve `?raw` the
// same way, so every runtime compiles the same text. shaders/matmul.wgsl is generated (scripts/gen-matmul.mjs).
// A zoo shader is `common + [random +] body`: the shared declarations live once, in common.wgsl and
// random.wgsl, and compile errors name lines of the concatenated text (see `shaderParts`).
import accuracy from '../../shaders/accuracy.wgsl?raw';
import activation from '../../shaders/activation.wgsl?raw';
import batchnorm from '../../shaders/batchnorm.wgsl?raw';
import ceiling from '../../shaders/ceiling.wgsl?raw';
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
  ceiling: [['ceiling', ceiling]],
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
  return locate(shaderParts[name].map(([file, text]) => ({ file, text, line: 1 })), line) ?? `shaders/${name}.wgsl:${line}`;
}

/**
 * The files scripts/gen-matmul.mjs generates (its `generate()`): after a preamble of declarations and
 * helpers, nothing but entry points, each one `@compute` function. A pipeline compiles its entry alone
 * with the preamble (moduleSource): Dawn processes a module whole for every pipeline, and these files
 * are up to 1.8 MB — a LeNet conv pipeline took 1.4–5.1 s from the whole file, 0.2–1.8 s from its entry.
 */
export const generatedShaders: ReadonlySet<string> = new Set(['conv', 'conv-subgroup', 'matmul', 'matmul-subgroup']);

/** A piece of a module's text: the file it comes from and the line of that file it starts at. */
interface ModulePart {
  file: string;
  text: string;
  line: number;
}

/** What a pipeline of `entry` compiles: its cache key, its text, and where a line of that text comes from. */
export interface ModuleSource {
  key: string;
  code: string;
  location: (line: number) => string;
}

/** The module a pipeline of `name`'s `entry` compiles: `name`'s files, each generated one cut to its preamble and that entry. */
export function moduleSource(name: ShaderName, entry: string): ModuleSource {
  const cut = shaderParts[name].some(([file]) => generatedShaders.has(file));
  const parts = shaderParts[name].flatMap(([file, text]) => (generatedShaders.has(file) ? entryParts(file, text, entry) : [{ file, text, line: 1 }]));
  return {
    key: cut ? `${name}:${entry}` : name,
    code: parts.map((p) => p.text).join('\n'),
    location: (line) => locate(parts, line) ?? `shaders/${name}.wgsl:${line}`,
  };
}

/** Each generated file's preamble and entry points, with the line each starts at. */
const chunkCache = new Map<string, ModulePart[]>();

function entryParts(file: string, text: string, entry: string): ModulePart[] {
  let chunks = chunkCache.get(file);
  if (!chunks) {
    let line = 1;
    chunks = text.split(/\n(?=@compute)/).map((t) => {
      const part = { file, text: t, line };
      line += t.split('\n').length;
      return part;
    });
    chunkCache.set(file, chunks);
  }
  const own = chunks.find((c, i) => i > 0 && c.text.includes(`fn ${entry}(`));
  if (!own) throw new Error(`shaders/${file}.wgsl has no entry point ${entry}`);
  return [chunks[0], own];
}

/** `shaders/<file>.wgsl:<line>` of line `line` of the parts joined by newlines; null past their end. */
function locate(parts: readonly ModulePart[], line: number): string | null {
  let first = 1;
  for (const p of parts) {
    const count = p.text.split('\n').length;
    if (line < first + count) return `shaders/${p.file}.wgsl:${p.line + line - first}`;
    first += count;
  }
  return null;
}
