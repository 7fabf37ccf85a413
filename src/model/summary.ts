// A compact architecture summary for the form (and the CLI): one row per layer with its output shape
// and parameter count, like Keras' model.summary(). Pure: it builds nothing on a device.
import { layerShapes, paramSpecs, type Architecture, type LayerSpec } from './architecture';

export interface LayerRow {
  /** Index in the architecture (the `layers.{i}` of tensor names). */
  index: number;
  type: LayerSpec['type'];
  /** Short human label: "Conv2d 6@5×5, pad 2", "Dense 400→120", "BatchNorm2d 6". */
  label: string;
  /** Per-example output shape ([C, H, W] or [D]). */
  outputShape: number[];
  /** Trainable parameters of the layer. */
  params: number;
}

export interface ArchitectureSummary {
  inputShape: number[];
  rows: LayerRow[];
  /** Trainable parameters in all. */
  totalParams: number;
  /** Non-trainable values saved with the weights (BatchNorm running statistics). */
  stateValues: number;
}

/** The label of one layer. */
export function layerLabel(l: LayerSpec): string {
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
      return `Dropout p=${l.p}`;
    case 'conv2d':
      return `Conv2d ${l.out}@${l.kernel}×${l.kernel}${l.stride !== 1 ? `, stride ${l.stride}` : ''}${l.padding !== 0 ? `, pad ${l.padding}` : ''}`;
    case 'maxpool2d':
      return `MaxPool2d ${l.kernel}×${l.kernel}${l.stride !== l.kernel ? `, stride ${l.stride}` : ''}`;
    case 'avgpool2d':
      return `AvgPool2d ${l.kernel}×${l.kernel}${l.stride !== l.kernel ? `, stride ${l.stride}` : ''}`;
    case 'batchnorm':
      return `BatchNorm${l.spatial ? '2d' : '1d'} ${l.features}`;
    default:
      return l satisfies never;
  }
}

/** Layers, output shapes and parameter counts; throws (as layerShapes does) when the input does not fit. */
export function summarize(arch: Architecture): ArchitectureSummary {
  const shapes = layerShapes(arch);
  const perLayer = new Map<number, number>();
  for (const p of paramSpecs(arch)) perLayer.set(p.layer, (perLayer.get(p.layer) ?? 0) + p.shape.reduce((a, b) => a * b, 1));
  const rows = arch.layers.map((l, index) => ({ index, type: l.type, label: layerLabel(l), outputShape: shapes[index], params: perLayer.get(index) ?? 0 }));
  const stateValues = arch.layers.reduce((n, l) => n + (l.type === 'batchnorm' ? 2 * l.features : 0), 0);
  return { inputShape: arch.inputShape, rows, totalParams: rows.reduce((n, r) => n + r.params, 0), stateValues };
}

/** The summary as aligned text lines (CLI, logs). */
export function summaryLines(s: ArchitectureSummary): string[] {
  const shape = (v: number[]) => v.join('×');
  const width = Math.max(5, ...s.rows.map((r) => r.label.length));
  const lines = [`${'input'.padEnd(width)}  ${shape(s.inputShape)}`];
  for (const r of s.rows) lines.push(`${r.label.padEnd(width)}  ${shape(r.outputShape).padEnd(10)}  ${r.params > 0 ? r.params.toLocaleString('en-US') : ''}`.trimEnd());
  lines.push(`${s.totalParams.toLocaleString('en-US')} parameters${s.stateValues > 0 ? ` (+ ${s.stateValues} running statistics)` : ''}`);
  return lines;
}
