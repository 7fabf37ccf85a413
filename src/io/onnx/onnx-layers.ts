// The graph of a lab model → ONNX nodes (opset 13), in inference mode: each op's layer module writes its
// own nodes (dropout is the identity, BatchNorm uses its running statistics, residual joins are Add,
// concat joins Concat). Weights go in as they are in the file: PyTorch's layout is ONNX's.
import { graphOf, type Architecture } from '../../model/architecture';
import type { OnnxBuilder } from '../../model/layers/types';

export interface GraphBuilder extends OnnxBuilder {
  /** Adds a float initializer and returns its name. */
  constant(name: string, dims: number[], data: Float32Array): string;
}

/** The nodes of every op from the normalised input `x`; returns the name of the logits. */
export function layerNodes(arch: Architecture, x: string, g: GraphBuilder): string {
  const graph = graphOf(arch);
  const names: string[] = [x];
  for (const op of graph.ops) {
    const inShapes = op.inputs.map((t) => graph.tensors[t].shape);
    names[op.output] = op.module.onnx(g, op.spec, op.inputs.map((t) => names[t]), inShapes, op.path);
  }
  return names[graph.output];
}
