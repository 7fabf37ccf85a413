// Flatten (nn.Flatten): C×H×W → C·H·W. A view: no computation and no op on a device — the consumers read
// the producer's buffer with the flat shape, and their gradients go straight to the producer.
import { onlyFields, size } from './fields';
import type { LayerModule } from './types';

export interface FlattenSpec {
  type: 'flatten';
  name?: string;
}

export const flatten: LayerModule<FlattenSpec> = {
  type: 'flatten',
  doc: 'Flattens each example to a vector (nn.Flatten)',
  fields: {},
  view: true,
  resolve(raw, _in, path) {
    onlyFields(raw, [], path);
    return { type: 'flatten', ...(raw.name !== undefined && { name: raw.name as string }) };
  },
  outputShape: (_s, inShapes) => [size(inShapes[0])],
  label: () => 'Flatten',
  forward: (_op, xs) => ({ y: xs[0] }),
  backward: (_op, _xs, _y, dY) => ({ dXs: [dY] }),
  gpu: {
    create() {
      throw new Error('flatten is a view, not an op');
    },
  },
  onnx: (g, _s, inputs, _in, path) => g.node('Flatten', inputs, { axis: 1 }, path),
  torch: () => 'nn.Flatten()',
};
