// The model zoo: architectures built from a config and the dataset's input shape, in d2l's order. Each
// entry writes its spec tree (zoo/*.ts); the graph compiler checks it against the input, and a model
// that does not fit says what input it needs. A custom architecture is the spec text a person wrote.
import { SpecError } from './layers/types';
import { compileGraph } from './graph/compile';
import type { ArchitectureText, NodeSpec } from './graph/spec';
import { alexnetNet, googlenetNet, ninNet, vggNet } from './zoo/classic';
import { lenetNet, mlpNet, softmaxNet } from './zoo/flat';
import { densenetNet, resnet18Net, resnetNarrowNet } from './zoo/residual';
import { flatNet, graphOf, type Architecture } from './architecture';
import { gatherOutShape } from '../reference/gather';
import type { TrainConfig } from './config';

export interface ZooEntry {
  name: string;
  title: string;
  /** d2l section the model comes from (or the lab's own). */
  source: string;
  /** Whether the model needs C×H×W images (the others flatten any input). */
  images: boolean;
  /** The input size d2l trains it at (resized Fashion-MNIST), where it is not the native 28×28. */
  d2lSize?: number;
  net(config: TrainConfig): NodeSpec[];
}

export const zoo = [
  { name: 'softmax', title: 'Softmax regression', source: 'd2l §4.5', images: false, net: () => flatNet(softmaxNet()) },
  { name: 'mlp', title: 'MLP', source: 'd2l §5.2 (dropout §5.6)', images: false, net: (c: TrainConfig) => flatNet(mlpNet(c)) },
  { name: 'lenet', title: 'LeNet', source: 'd2l §7.6', images: true, net: (c: TrainConfig) => flatNet(lenetNet(c, false)) },
  { name: 'lenet-bn', title: 'LeNet + BatchNorm', source: 'd2l §8.5', images: true, net: (c: TrainConfig) => flatNet(lenetNet(c, true)) },
  { name: 'alexnet', title: 'AlexNet', source: 'd2l §8.1', images: true, d2lSize: 224, net: alexnetNet },
  { name: 'vgg11', title: 'VGG-11', source: 'd2l §8.2', images: true, d2lSize: 224, net: () => vggNet() },
  { name: 'nin', title: 'NiN', source: 'd2l §8.3', images: true, d2lSize: 224, net: ninNet },
  { name: 'googlenet', title: 'GoogLeNet', source: 'd2l §8.4', images: true, d2lSize: 96, net: googlenetNet },
  { name: 'resnet18', title: 'ResNet-18', source: 'd2l §8.6', images: true, d2lSize: 96, net: () => resnet18Net() },
  { name: 'densenet', title: 'DenseNet', source: 'd2l §8.7', images: true, d2lSize: 96, net: () => densenetNet() },
  { name: 'resnet-narrow', title: 'Narrow ResNet (CIFAR-style)', source: 'Classifier Lab: 3×3 stem, 3 stages of 2 blocks, 16–64 channels', images: true, net: () => resnetNarrowNet() },
  { name: 'custom', title: 'Custom (architecture text)', source: 'your own spec', images: false, net: () => [] },
] as const satisfies readonly ZooEntry[];

export type ZooName = (typeof zoo)[number]['name'];

export function zooEntry(name: string): ZooEntry {
  const e = (zoo as readonly ZooEntry[]).find((z) => z.name === name);
  if (!e) throw new Error(`Unknown model "${name}"`);
  return e;
}

/** The smallest square input (C × s × s) a spec accepts, by trying sizes (0: none up to 512). */
export function minInputSize(net: NodeSpec[], channels: number, numClasses: number): number {
  const fits = (s: number) => {
    try {
      compileGraph(net, [channels, s, s], numClasses);
      return true;
    } catch {
      return false;
    }
  };
  for (let s = 1; s <= 512; s++) if (fits(s)) return s;
  return 0;
}

/** Reads architecture text (JSON): `{"net": [...], "init"?, "name"?}`; throws SpecError with the place. */
export function parseArchitectureText(text: string): ArchitectureText {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new SpecError('', `the architecture is not valid JSON: ${(e as Error).message.replace(/^JSON\.parse: /, '')}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SpecError('', 'the architecture must be a JSON object with a "net" list');
  const o = v as Record<string, unknown>;
  const bad = Object.keys(o).find((k) => !['net', 'name', 'init'].includes(k));
  if (bad) throw new SpecError('', `unknown field "${bad}" (an architecture has net, and optionally name and init)`);
  if (!Array.isArray(o.net)) throw new SpecError('', 'the architecture needs a "net" list of layers');
  return o as unknown as ArchitectureText;
}

/** The spec of `config` (a zoo model, or the custom text) as architecture text, for the editor. */
export function architectureText(config: TrainConfig): string {
  if (config.model === 'custom') return config.arch ?? '';
  return JSON.stringify({ net: zooEntry(config.model).net(config) }, null, 2);
}

/** The network's per-example input for data of `dataShape`: the images resized to config.resize² inside the batch gather, if set. */
export function networkInput(config: Pick<TrainConfig, 'resize'>, dataShape: number[]): number[] {
  if (config.resize === undefined) return dataShape;
  if (dataShape.length !== 3) throw new Error(`Resize needs images (channels × height × width); this dataset has flat rows of ${dataShape.join('×')} features`);
  return gatherOutShape({ shape: dataShape, resize: [config.resize, config.resize] });
}

/**
 * The architecture of `config.model` for data of `dataShape` (resized per config.resize); throws a
 * message saying what the model needs where it does not fit.
 */
export function buildArchitecture(config: TrainConfig, dataShape: number[], numClasses: number): Architecture {
  const entry = zooEntry(config.model);
  const inputShape = networkInput(config, dataShape);
  const init = { kind: config.init, sigma: config.initSigma };
  if (config.model === 'custom') {
    const text = parseArchitectureText(config.arch ?? '');
    const arch: Architecture = { name: text.name ?? 'custom', inputShape, numClasses, net: text.net, init };
    return resolved(arch);
  }
  if (entry.images && inputShape.length !== 3) {
    throw new Error(`${entry.title} needs images (channels × height × width); this dataset has flat rows of ${inputShape.join('×')} features — use softmax regression or an MLP`);
  }
  const arch: Architecture = { name: config.model, inputShape, numClasses, net: entry.net(config), init };
  try {
    return resolved(arch);
  } catch (e) {
    if (!(e instanceof SpecError) || !entry.images) throw e;
    const min = minInputSize(arch.net, inputShape[0], numClasses);
    const [, h, w] = inputShape;
    const d2l = entry.d2lSize ? ` (d2l trains it at ${entry.d2lSize}×${entry.d2lSize})` : '';
    const have = config.resize === undefined ? `this dataset's are ${h}×${w}` : `Resize makes them ${h}×${w}`;
    const advice = entry.d2lSize || config.resize !== undefined ? `; set Resize to ${min} or more${d2l}` : '';
    throw new Error(`${entry.title} needs images of at least ${min}×${min} pixels; ${have}${advice} (${e.message})`);
  }
}

/** The architecture with its spec resolved (lazy fields filled), so the manifest records every field. */
function resolved(arch: Architecture): Architecture {
  return { ...arch, net: graphOf(arch).net };
}
