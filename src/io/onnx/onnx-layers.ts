// One lab layer → ONNX nodes (opset 13), in inference mode: dropout is the identity and BatchNorm uses
// its running statistics. Weights go in as they are in the file: PyTorch's layout is ONNX's (Gemm with
// transB = 1 takes nn.Linear's (out, in) weight; Conv takes (out, in, kh, kw)).
import { layerShapes, type Architecture } from '../../model/architecture';

export interface GraphBuilder {
  /** Adds a node with one output and returns that output's name. */
  node(opType: string, inputs: string[], attributes?: Record<string, number | number[] | { float: number }>, name?: string): string;
  /** Adds a float initializer and returns its name. */
  constant(name: string, dims: number[], data: Float32Array): string;
  /** Adds a model tensor (`layers.{i}.weight` …) as an initializer and returns its name. */
  param(name: string): string;
}

/** The nodes of every layer from the normalised input `x`; returns the name of the logits. */
export function layerNodes(arch: Architecture, x: string, g: GraphBuilder): string {
  const inputs = [arch.inputShape, ...layerShapes(arch)];
  let h = x;
  arch.layers.forEach((l, i) => {
    const p = (n: string) => g.param(`layers.${i}.${n}`);
    const name = `layers.${i}.${l.type}`;
    switch (l.type) {
      case 'flatten':
        h = g.node('Flatten', [h], { axis: 1 }, name);
        break;
      case 'dense':
        // Gemm needs a (batch, in) matrix: a dense layer straight after a C×H×W tensor flattens it first.
        if (inputs[i].length > 1) h = g.node('Flatten', [h], { axis: 1 }, `${name}.flatten`);
        h = g.node('Gemm', [h, p('weight'), p('bias')], { transB: 1 }, name);
        break;
      case 'relu':
        h = g.node('Relu', [h], {}, name);
        break;
      case 'sigmoid':
        h = g.node('Sigmoid', [h], {}, name);
        break;
      case 'dropout':
        break;
      case 'conv2d':
        h = g.node('Conv', [h, p('weight'), p('bias')], { kernel_shape: [l.kernel, l.kernel], strides: [l.stride, l.stride], pads: [l.padding, l.padding, l.padding, l.padding] }, name);
        break;
      case 'maxpool2d':
        h = g.node('MaxPool', [h], { kernel_shape: [l.kernel, l.kernel], strides: [l.stride, l.stride] }, name);
        break;
      case 'avgpool2d':
        h = g.node('AveragePool', [h], { kernel_shape: [l.kernel, l.kernel], strides: [l.stride, l.stride] }, name);
        break;
      case 'batchnorm':
        // y = (x − running_mean) / √(running_var + ε) · weight + bias, over the channel axis 1.
        h = g.node('BatchNormalization', [h, p('weight'), p('bias'), p('running_mean'), p('running_var')], { epsilon: { float: l.eps } }, name);
        break;
      default:
        l satisfies never;
    }
  });
  return h;
}
