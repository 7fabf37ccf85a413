// d2l chapters 4–7 and §8.5: softmax regression, the MLP, LeNet and LeNet with BatchNorm. Flat models:
// one sequential named `layers`, so their tensors are `layers.{i}.*` as in the obvious nn.Sequential.
import type { NodeSpec } from '../graph/spec';
import type { TrainConfig } from '../config';

/** d2l §4.5: Flatten → Dense. */
export const softmaxNet = (): NodeSpec[] => [{ type: 'flatten' }, { type: 'dense', out: 'classes' }];

/** d2l §5.2 / §5.6: Dense → act [→ Dropout] per hidden size → classes. */
export function mlpNet(c: TrainConfig): NodeSpec[] {
  const layers: NodeSpec[] = [{ type: 'flatten' }];
  for (const h of c.hidden) {
    layers.push({ type: 'dense', out: h }, { type: c.activation });
    if (c.dropout > 0) layers.push({ type: 'dropout', p: c.dropout });
  }
  layers.push({ type: 'dense', out: 'classes' });
  return layers;
}

/** d2l §7.6 LeNet, or §8.5 with BatchNorm after every conv and dense layer but the last (and no padding on conv 1). */
export function lenetNet(c: TrainConfig, bn: boolean): NodeSpec[] {
  const a: NodeSpec = { type: c.activation };
  const p: NodeSpec = { type: c.pool === 'max' ? 'maxpool2d' : 'avgpool2d', kernel: 2, stride: 2 };
  const norm = (): NodeSpec[] => (bn ? [{ type: 'batchnorm' }] : []);
  return [
    { type: 'conv2d', out: 6, kernel: 5, padding: bn ? 0 : 2 }, ...norm(), a, p,
    { type: 'conv2d', out: 16, kernel: 5 }, ...norm(), a, p,
    { type: 'flatten' },
    { type: 'dense', out: 120 }, ...norm(), a,
    { type: 'dense', out: 84 }, ...norm(), a,
    { type: 'dense', out: 'classes' },
  ];
}
