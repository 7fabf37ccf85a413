// The architecture as text: a JSON tree of layers and three containers. Every node may carry a `name`,
// its segment in tensor paths (default: its index among its container's children, counted across a
// residual's body and shortcut and across a concat's branches), so `stages.1.0.conv1.weight` is what an
// nn.Module with the same nesting calls it.
//
//   {"type": "sequential", "layers": [node, …]}                 one after the other
//   {"type": "residual", "body": [node, …], "shortcut": [node, …], "activation": "relu"}
//                                                               act(body(x) + shortcut(x)); no shortcut: x
//   {"type": "concat", "branches": [[node, …], …]}              branches side by side along channels; [] is x
//   {"type": "<layer>", …fields}                                a layer module's spec (layers/registry.ts)

export interface LayerNode {
  type: string;
  name?: string;
  [field: string]: unknown;
}

export interface SequentialNode {
  type: 'sequential';
  name?: string;
  layers: NodeSpec[];
}

export interface ResidualNode {
  type: 'residual';
  name?: string;
  body: NodeSpec[];
  /** Absent or empty: the identity. */
  shortcut?: NodeSpec[];
  /** An activation applied to the sum (d2l's ResNet: relu(Y + X)). */
  activation?: 'relu' | 'sigmoid' | 'tanh';
}

export interface ConcatNode {
  type: 'concat';
  name?: string;
  /** An empty branch passes its input through (DenseNet's concat of a block's input and output). */
  branches: NodeSpec[][];
}

export type NodeSpec = LayerNode | SequentialNode | ResidualNode | ConcatNode;

export const containerTypes = ['sequential', 'residual', 'concat'] as const;

/** A written architecture: what --arch FILE.json and the page's editor hold. */
export interface ArchitectureText {
  name?: string;
  init?: { kind: string; sigma?: number };
  net: NodeSpec[];
}

/** Segment names: letters, digits and underscores (PyTorch's add_module refuses dots). */
export const NAME = /^[A-Za-z0-9_]{1,64}$/;
