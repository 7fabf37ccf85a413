// One line that says what a config builds on the loaded data: the layer chain and the parameter count
// ("Flatten → Dense 784→10 · 7,850 parameters"), or why the model does not fit the data.
import { buildArchitecture } from '../model/zoo';
import { paramCount, type LayerSpec } from '../model/architecture';
import type { TrainConfig } from '../model/config';
import { errorMessage, formatCount } from './format';

function layerText(l: LayerSpec): string {
  switch (l.type) {
    case 'flatten':
      return 'Flatten';
    case 'dense':
      return `Dense ${l.in}→${l.out}`;
    case 'relu':
      return 'ReLU';
    case 'sigmoid':
      return 'Sigmoid';
    case 'dropout':
      return `Dropout ${l.p}`;
    case 'conv2d':
      return `Conv ${l.out}@${l.kernel}×${l.kernel}`;
    case 'maxpool2d':
      return `MaxPool ${l.kernel}`;
    case 'avgpool2d':
      return `AvgPool ${l.kernel}`;
    case 'batchnorm':
      return 'BatchNorm';
    default:
      return l satisfies never;
  }
}

export type ArchitectureSummary = { ok: true; layers: string; params: string } | { ok: false; error: string };

export function summarizeArchitecture(config: TrainConfig, inputShape: number[], numClasses: number): ArchitectureSummary {
  try {
    const arch = buildArchitecture(config, inputShape, numClasses);
    return { ok: true, layers: arch.layers.map(layerText).join(' → '), params: `${formatCount(paramCount(arch))} parameters` };
  } catch (e) {
    return { ok: false, error: errorMessage(e) };
  }
}
