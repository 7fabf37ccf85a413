// d2l §8.1–8.4: AlexNet, VGG-11, NiN and GoogLeNet, layer for layer as d2l's PyTorch code builds them
// (one sequential named `net`, so the tensor names are those of d2l's `Classifier.net`: `net.0.weight`).
import type { NodeSpec } from '../graph/spec';

const conv = (out: number, kernel: number, stride = 1, padding = 0, name?: string): NodeSpec => ({ type: 'conv2d', ...(name && { name }), out, kernel, stride, padding });
const relu = (name?: string): NodeSpec => ({ type: 'relu', ...(name && { name }) });
const maxPool = (kernel: number, stride: number, padding = 0, name?: string): NodeSpec => ({ type: 'maxpool2d', ...(name && { name }), kernel, stride, padding });
const seq = (layers: NodeSpec[], name?: string): NodeSpec => ({ type: 'sequential', ...(name && { name }), layers });

/** d2l §8.1 AlexNet (224×224 in the book). */
export const alexnetNet = (): NodeSpec[] => [
  seq([
    conv(96, 11, 4, 1), relu(), maxPool(3, 2),
    conv(256, 5, 1, 2), relu(), maxPool(3, 2),
    conv(384, 3, 1, 1), relu(), conv(384, 3, 1, 1), relu(), conv(256, 3, 1, 1), relu(), maxPool(3, 2),
    { type: 'flatten' },
    { type: 'dense', out: 4096 }, relu(), { type: 'dropout', p: 0.5 },
    { type: 'dense', out: 4096 }, relu(), { type: 'dropout', p: 0.5 },
    { type: 'dense', out: 'classes' },
  ], 'net'),
];

/** d2l §8.2 VGG-11: blocks ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)) of 3×3 convs and a 2×2 max pool. */
export function vggNet(arch: readonly (readonly [number, number])[] = [[1, 64], [1, 128], [2, 256], [2, 512], [2, 512]]): NodeSpec[] {
  const block = ([convs, channels]: readonly [number, number]) => seq([...Array.from({ length: convs }, () => [conv(channels, 3, 1, 1), relu()]).flat(), maxPool(2, 2)]);
  return [
    seq([
      ...arch.map(block), { type: 'flatten' },
      { type: 'dense', out: 4096 }, relu(), { type: 'dropout', p: 0.5 },
      { type: 'dense', out: 4096 }, relu(), { type: 'dropout', p: 0.5 },
      { type: 'dense', out: 'classes' },
    ], 'net'),
  ];
}

/** d2l §8.3 NiN: a k×k conv and two 1×1 convs per block, the last block with one channel per class, global average pooling. */
export function ninNet(): NodeSpec[] {
  const block = (out: number | 'classes', kernel: number, stride: number, padding: number): NodeSpec =>
    seq([{ type: 'conv2d', out, kernel, stride, padding }, relu(), { type: 'conv2d', out, kernel: 1 }, relu(), { type: 'conv2d', out, kernel: 1 }, relu()]);
  return [
    seq([
      block(96, 11, 4, 0), maxPool(3, 2),
      block(256, 5, 1, 2), maxPool(3, 2),
      block(384, 3, 1, 1), maxPool(3, 2),
      { type: 'dropout', p: 0.5 },
      block('classes', 3, 1, 1), { type: 'globalavgpool' }, { type: 'flatten' },
    ], 'net'),
  ];
}

/** d2l §8.4 Inception(c1, c2, c3, c4): four branches concatenated along the channels. */
function inception(c1: number, c2: [number, number], c3: [number, number], c4: number): NodeSpec {
  return {
    type: 'concat',
    branches: [
      [conv(c1, 1, 1, 0, 'b1_1'), relu('b1_relu')],
      [conv(c2[0], 1, 1, 0, 'b2_1'), relu('b2_relu1'), conv(c2[1], 3, 1, 1, 'b2_2'), relu('b2_relu2')],
      [conv(c3[0], 1, 1, 0, 'b3_1'), relu('b3_relu1'), conv(c3[1], 5, 1, 2, 'b3_2'), relu('b3_relu2')],
      [maxPool(3, 1, 1, 'b4_1'), conv(c4, 1, 1, 0, 'b4_2'), relu('b4_relu')],
    ],
  };
}

/** d2l §8.4 GoogLeNet: b1 … b5 and a dense layer (96×96 in the book). */
export const googlenetNet = (): NodeSpec[] => [
  seq([
    seq([conv(64, 7, 2, 3), relu(), maxPool(3, 2, 1)]),
    seq([conv(64, 1), relu(), conv(192, 3, 1, 1), relu(), maxPool(3, 2, 1)]),
    seq([inception(64, [96, 128], [16, 32], 32), inception(128, [128, 192], [32, 96], 64), maxPool(3, 2, 1)]),
    seq([
      inception(192, [96, 208], [16, 48], 64), inception(160, [112, 224], [24, 64], 64), inception(128, [128, 256], [24, 64], 64),
      inception(112, [144, 288], [32, 64], 64), inception(256, [160, 320], [32, 128], 128), maxPool(3, 2, 1),
    ]),
    seq([inception(256, [160, 320], [32, 128], 128), inception(384, [192, 384], [48, 128], 128), { type: 'globalavgpool' }, { type: 'flatten' }]),
    { type: 'dense', out: 'classes' },
  ], 'net'),
];
