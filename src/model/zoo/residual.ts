// d2l §8.6 ResNet-18 and §8.7 DenseNet, as d2l's PyTorch code nests them (tensor names `net.b2.0.conv1.weight`,
// `net.dense_blk1.net.0.0.weight`), and the lab's narrow CIFAR-style ResNet for 28×28 and 32×32 data.
import type { NodeSpec } from '../graph/spec';

const conv = (name: string | undefined, out: number, kernel: number, stride = 1, padding = 0): NodeSpec => ({ type: 'conv2d', ...(name && { name }), out, kernel, stride, padding });
const bn = (name?: string): NodeSpec => ({ type: 'batchnorm', ...(name && { name }) });
const relu = (name?: string): NodeSpec => ({ type: 'relu', ...(name && { name }) });
const seq = (layers: NodeSpec[], name?: string): NodeSpec => ({ type: 'sequential', ...(name && { name }), layers });

/**
 * d2l's Residual(c, use_1x1conv, strides): relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), the
 * shortcut a plain strided 1×1 conv (no BatchNorm) where the shape changes. `projectionBn` adds one (the lab's ResNet).
 */
function residual(channels: number, project: boolean, stride: number, projectionBn = false): NodeSpec {
  return {
    type: 'residual',
    body: [conv('conv1', channels, 3, stride, 1), bn('bn1'), relu('relu1'), conv('conv2', channels, 3, 1, 1), bn('bn2')],
    ...(project && { shortcut: [conv('conv3', channels, 1, stride), ...(projectionBn ? [bn('bn3')] : [])] }),
    activation: 'relu',
  };
}

/** The 7×7/2 stem with BatchNorm and a 3×3/2 max pool (ResNet's and DenseNet's b1). */
const stem = (): NodeSpec => seq([conv(undefined, 64, 7, 2, 3), bn(), relu(), { type: 'maxpool2d', kernel: 3, stride: 2, padding: 1 }]);

/** d2l §8.6 ResNet-18: four stages of two residual blocks, global average pooling, a dense layer (96×96 in the book). */
export function resnet18Net(arch: readonly (readonly [number, number])[] = [[2, 64], [2, 128], [2, 256], [2, 512]]): NodeSpec[] {
  const stages = arch.map(([blocks, channels], i) =>
    seq(Array.from({ length: blocks }, (_, j) => residual(channels, j === 0 && i > 0, j === 0 && i > 0 ? 2 : 1)), `b${i + 2}`),
  );
  return [seq([stem(), ...stages, seq([{ type: 'globalavgpool' }, { type: 'flatten' }, { type: 'dense', out: 'classes' }], 'last')], 'net')];
}

/** d2l §8.7 DenseNet: growth 32, four dense blocks of 4 convs, transition layers halving the channels. */
export function densenetNet(growth = 32, arch: readonly number[] = [4, 4, 4, 4], channels0 = 64): NodeSpec[] {
  const convBlock = (): NodeSpec[] => [bn(), relu(), conv(undefined, growth, 3, 1, 1)];
  // DenseBlock: X = cat(X, conv_block(X)) per conv; as d2l, the blocks sit in a sequential named `net`.
  const denseBlock = (convs: number, i: number) =>
    seq([seq(Array.from({ length: convs }, () => ({ type: 'concat', branches: [[], convBlock()] }) as NodeSpec), 'net')], `dense_blk${i + 1}`);
  const layers: NodeSpec[] = [stem()];
  let channels = channels0;
  arch.forEach((convs, i) => {
    layers.push(denseBlock(convs, i));
    channels += convs * growth;
    if (i !== arch.length - 1) {
      channels = Math.floor(channels / 2);
      layers.push(seq([bn(), relu(), conv(undefined, channels, 1), { type: 'avgpool2d', kernel: 2, stride: 2 }], `tran_blk${i + 1}`));
    }
  });
  layers.push(seq([bn(), relu(), { type: 'globalavgpool' }, { type: 'flatten' }, { type: 'dense', out: 'classes' }], 'last'));
  return [seq(layers, 'net')];
}

/**
 * The lab's narrow CIFAR-style ResNet: a 3×3 stem (no max pool), three stages of two residual blocks with
 * 16, 32, 64 channels (stride 2 into stages 2 and 3, projection 1×1 conv + BatchNorm), global average
 * pooling: ~0.18 M parameters, ~20 M MACs per 28×28 example.
 */
export function resnetNarrowNet(widths: readonly number[] = [16, 32, 64], blocks = 2): NodeSpec[] {
  return [
    seq([conv(undefined, widths[0], 3, 1, 1), bn(), relu()], 'stem'),
    seq(widths.map((c, i) => seq(Array.from({ length: blocks }, (_, j) => residual(c, j === 0 && i > 0, j === 0 && i > 0 ? 2 : 1, true)))), 'stages'),
    seq([{ type: 'globalavgpool' }, { type: 'flatten' }, { type: 'dense', out: 'classes' }], 'head'),
  ];
}
