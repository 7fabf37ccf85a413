// The layer modules, by type: the one list the graph compiler, the backends, the summary, the weights
// file, ONNX and PyTorch export consult. Adding a layer type = its module + one line here.
import { activationModules } from './activations';
import { add } from './add';
import { batchNorm } from './batchnorm';
import { concat } from './concat';
import { conv2d } from './conv2d';
import { dense } from './dense';
import { dropout } from './dropout';
import { flatten } from './flatten';
import { globalAvgPool } from './global-avg-pool';
import { avgPool2d, maxPool2d } from './pool2d';
import type { LayerModule } from './types';

const modules: LayerModule<any>[] = [flatten, dense, conv2d, maxPool2d, avgPool2d, globalAvgPool, batchNorm, dropout, ...activationModules, add, concat];

export const layerModules: ReadonlyMap<string, LayerModule<any>> = new Map(modules.map((m) => [m.type, m]));

/** The types a person may write in a spec (the joins come from containers). */
export const writableTypes: readonly string[] = modules.filter((m) => m.arity !== 'many').map((m) => m.type);

export function layerModule(type: string): LayerModule<any> {
  const m = layerModules.get(type);
  if (!m) throw new Error(`no layer module for "${type}"`);
  return m;
}
