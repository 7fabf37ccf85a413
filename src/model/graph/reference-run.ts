// The CPU reference of a whole model graph, in f64 on file-layout tensors: the truth the GPU and wasm
// backends are held to, and the fallback backend. The forward runs the ops in topological order and
// keeps every tensor; the backward walks them in reverse, and where a tensor fed several consumers its
// gradient is the sum of their contributions, added in the consumers' order (the GPU's order). A
// training forward also returns the state it moved (d2l's `has_aux`: BatchNorm running statistics).
import type { ForwardMode } from '../layers/types';
import { evaluation } from '../layers/types';
import type { Graph } from './compile';

export type Params = ReadonlyMap<string, ArrayLike<number>>;
export type Grads = Map<string, Float64Array>;

export interface ForwardCache {
  /** Every tensor of the pass (index: tensor id). */
  values: Float64Array[];
  /** What each op's backward needs besides its inputs. */
  saved: unknown[];
  rows: number;
}

function tensorOf(params: Params, name: string): ArrayLike<number> {
  const t = params.get(name);
  if (!t) throw new Error(`missing tensor ${name}`);
  return t;
}

const refOp = (g: Graph, i: number, rows: number, params: Params) => {
  const op = g.ops[i];
  return {
    spec: op.spec,
    index: op.index,
    inShapes: op.inputs.map((t) => g.tensors[t].shape),
    outShape: g.tensors[op.output].shape,
    rows,
    tensor: (name: string) => tensorOf(params, `${op.path}.${name}`),
  };
};

// x: (rows, D) normalised inputs → logits (rows, classes), the cache for the backward, and the state a training pass moved
export function graphForward(g: Graph, params: Params, x: Float64Array, rows: number, mode: ForwardMode = evaluation) {
  const values: Float64Array[] = [x];
  const saved: unknown[] = [];
  const state = new Map<string, Float64Array>();
  for (const op of g.ops) {
    const r = op.module.forward(refOp(g, op.index, rows, params), op.inputs.map((t) => values[t]), mode);
    const want = rows * g.tensors[op.output].shape.reduce((a, b) => a * b, 1);
    if (r.y.length !== want) throw new Error(`reference: ${op.path} produced ${r.y.length} values, ${want} expected`);
    values[op.output] = r.y;
    saved[op.index] = r.saved;
    for (const [name, v] of Object.entries(r.state ?? {})) state.set(`${op.path}.${name}`, v);
  }
  return { logits: values[g.output], cache: { values, saved, rows } as ForwardCache, state };
}

// dLogits: (rows, classes) → the gradient of every parameter (file layout, by file name)
export function graphBackward(g: Graph, params: Params, cache: ForwardCache, dLogits: Float64Array): Grads {
  const grads: Grads = new Map();
  // Contributions to each tensor's gradient, in the order the backward produces them (reverse op order);
  // summed in forward (consumer) order when the producer needs the total.
  const parts: Float64Array[][] = g.tensors.map(() => []);
  parts[g.output].push(dLogits);
  for (let i = g.ops.length - 1; i >= 0; i--) {
    const op = g.ops[i];
    const dY = sumInOrder(parts[op.output]);
    parts[op.output] = [];
    if (!dY) continue;
    const r = op.module.backward(refOp(g, i, cache.rows, params), op.inputs.map((t) => cache.values[t]), cache.values[op.output], dY, cache.saved[i]);
    // Last slot first, so that the reversed list runs in (op, slot) order.
    for (let slot = r.dXs.length - 1; slot >= 0; slot--) {
      const d = r.dXs[slot];
      if (d) parts[op.inputs[slot]].push(d);
    }
    for (const [name, v] of Object.entries(r.grads ?? {})) grads.set(`${op.path}.${name}`, v);
  }
  return grads;
}

/** Σ of contributions collected in reverse op order, added in forward order: ((c₀ + c₁) + c₂) … */
function sumInOrder(list: Float64Array[]): Float64Array | null {
  if (list.length === 0) return null;
  if (list.length === 1) return list[0];
  const ordered = [...list].reverse();
  const out = Float64Array.from(ordered[0]);
  for (const c of ordered.slice(1)) for (let k = 0; k < out.length; k++) out[k] += c[k];
  return out;
}
