// The architecture half of the manifest: enough to rebuild the model from a file. A model is a graph
// of layer modules written as a spec tree (graph/spec.ts); the flat models of d2l chapters 4–7 are one
// sequential named `layers`, so their tensors stay `layers.{i}.weight`, as in an nn.Sequential.
import { compileGraph, type Graph } from './graph/compile';
import type { NodeSpec } from './graph/spec';

export type InitKind = 'normal' | 'xavier-uniform' | 'he';

export interface Architecture {
  /** The zoo name it was built from (`softmax`, `resnet18`, …), or `custom`. */
  name: string;
  /** Per-example input shape of the network (after any resize): [C, H, W] or [D]. */
  inputShape: number[];
  numClasses: number;
  /** The model's children, resolved (every lazy field filled in). */
  net: NodeSpec[];
  /** Weight initialisation: kind and, for `normal`, its σ. Biases start at 0. */
  init: { kind: InitKind; sigma: number };
}

/** A flat model: one sequential named `layers` (tensor names `layers.{i}.*`). */
export const flatNet = (layers: NodeSpec[]): NodeSpec[] => [{ type: 'sequential', name: 'layers', layers }];

const graphs = new WeakMap<Architecture, Graph>();

/** The compiled graph of an architecture (cached per object); throws SpecError naming the layer path. */
export function graphOf(arch: Architecture): Graph {
  let g = graphs.get(arch);
  if (!g) {
    g = compileGraph(arch.net, arch.inputShape, arch.numClasses);
    graphs.set(arch, g);
  }
  return g;
}

/** Trainable parameters in all. */
export function paramCount(arch: Architecture): number {
  return graphOf(arch).params.reduce((n, p) => n + p.decl.shape.reduce((a, b) => a * b, 1), 0);
}
