// Compiles an architecture's spec tree into a graph: ops in topological order (the spec's own order,
// depth first), each a layer module with its resolved spec, input tensors and output shape; residual
// containers become an `add` op, concat containers a `concat` op. Every shape is checked here, once,
// and a failure names the layer path and the reason. The resolved tree (lazy fields filled) is what the
// manifest records.
import { SpecError, type LayerModule, type ParamDecl, type StateDecl } from '../layers/types';
import { layerModule, layerModules, writableTypes } from '../layers/registry';
import { NAME, type NodeSpec } from './spec';

export interface GraphTensor {
  id: number;
  /** Per-example shape ([C, H, W] or [D]). */
  shape: number[];
  /** The op that produces it (-1: the network input). */
  producer: number;
}

export interface GraphOp {
  /** Position in topological order; keys the op's random streams (dropout, init). */
  index: number;
  path: string;
  module: LayerModule;
  spec: Record<string, unknown> & { type: string };
  inputs: number[];
  output: number;
}

export interface GraphParam {
  /** File name: `${path}.${decl.name}`. */
  name: string;
  op: number;
  decl: ParamDecl;
}

export interface GraphState {
  name: string;
  op: number;
  decl: StateDecl;
}

export interface Graph {
  ops: GraphOp[];
  tensors: GraphTensor[];
  /** The logits tensor. */
  output: number;
  params: GraphParam[];
  state: GraphState[];
  /** The spec tree with every lazy field filled in. */
  net: NodeSpec[];
}

type Raw = Record<string, unknown>;

const show = (v: unknown) => (JSON.stringify(v) ?? String(v)).slice(0, 60);

/** Child segments of one container: a name, or the child's index among all the container's children. */
class Namer {
  private readonly used = new Set<string>();
  private index = 0;

  constructor(private readonly prefix: string) {}

  next(raw: Raw): string {
    const i = this.index++;
    let seg = String(i);
    if (raw.name !== undefined) {
      if (typeof raw.name !== 'string' || !NAME.test(raw.name)) throw new SpecError(join(this.prefix, seg), `name must be letters, digits or _, found ${show(raw.name)}`);
      seg = raw.name;
    }
    const path = join(this.prefix, seg);
    if (this.used.has(seg)) throw new SpecError(path, `two children of ${this.prefix || 'the net'} are called "${seg}"`);
    this.used.add(seg);
    return path;
  }
}

const join = (prefix: string, seg: string) => (prefix ? `${prefix}.${seg}` : seg);

class Compiler {
  readonly ops: GraphOp[] = [];
  readonly tensors: GraphTensor[];

  constructor(inputShape: number[], private readonly numClasses: number) {
    this.tensors = [{ id: 0, shape: inputShape, producer: -1 }];
  }

  private emit(module: LayerModule, spec: GraphOp['spec'], path: string, inputs: number[]): number {
    let shape: number[];
    try {
      shape = module.outputShape(spec, inputs.map((t) => this.tensors[t].shape));
    } catch (e) {
      if (e instanceof SpecError && !e.path) throw new SpecError(path, e.reason);
      throw e;
    }
    const output = this.tensors.length;
    this.tensors.push({ id: output, shape, producer: this.ops.length });
    this.ops.push({ index: this.ops.length, path, module, spec, inputs, output });
    return output;
  }

  list(nodes: unknown, x: number, namer: Namer, path: string, what: string): { out: number; resolved: NodeSpec[] } {
    if (!Array.isArray(nodes)) throw new SpecError(path, `${what} must be a list of layers, found ${show(nodes)}`);
    const resolved: NodeSpec[] = [];
    for (const node of nodes) {
      const r = this.node(node, x, namer);
      x = r.out;
      resolved.push(r.resolved);
    }
    return { out: x, resolved };
  }

  node(node: unknown, x: number, namer: Namer): { out: number; resolved: NodeSpec } {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) throw new SpecError(namer.next({}), `a layer must be an object with a "type", found ${show(node)}`);
    const raw = node as Raw;
    const path = namer.next(raw);
    const named = raw.name !== undefined ? { name: raw.name as string } : {};
    const extra = (allowed: string[]) => {
      const bad = Object.keys(raw).find((k) => !['type', 'name', ...allowed].includes(k));
      if (bad) throw new SpecError(path, `a ${String(raw.type)} container has no field "${bad}" (it takes ${allowed.join(', ')})`);
    };
    switch (raw.type) {
      case 'sequential': {
        extra(['layers']);
        const r = this.list(raw.layers, x, new Namer(path), path, 'layers');
        return { out: r.out, resolved: { type: 'sequential', ...named, layers: r.resolved } };
      }
      case 'residual': {
        extra(['body', 'shortcut', 'activation']);
        const inner = new Namer(path);
        const body = this.list(raw.body, x, inner, path, 'body');
        const shortcut = this.list(raw.shortcut ?? [], x, inner, path, 'shortcut');
        let out = this.join('add', path, [body.out, shortcut.out]);
        const act = raw.activation;
        if (act !== undefined) {
          if (act !== 'relu' && act !== 'sigmoid' && act !== 'tanh') throw new SpecError(path, `activation must be relu, sigmoid or tanh, found ${show(act)}`);
          out = this.emit(layerModule(act), { type: act }, inner.next({ name: act }), [out]);
        }
        return {
          out,
          resolved: { type: 'residual', ...named, body: body.resolved, ...(shortcut.resolved.length > 0 && { shortcut: shortcut.resolved }), ...(act !== undefined && { activation: act }) },
        };
      }
      case 'concat': {
        extra(['branches']);
        if (!Array.isArray(raw.branches) || raw.branches.length < 2) throw new SpecError(path, `branches must be a list of at least two layer lists, found ${show(raw.branches)}`);
        const inner = new Namer(path);
        const branches = (raw.branches as unknown[]).map((b, i) => this.list(b, x, inner, path, `branch ${i}`));
        const out = this.join('concat', path, branches.map((b) => b.out));
        return { out, resolved: { type: 'concat', ...named, branches: branches.map((b) => b.resolved) } };
      }
      default: {
        if (typeof raw.type !== 'string' || !writableTypes.includes(raw.type)) {
          throw new SpecError(path, `unknown layer type ${show(raw.type)} (one of ${[...writableTypes, 'sequential', 'residual', 'concat'].join(', ')})`);
        }
        const module = layerModule(raw.type);
        const spec = module.resolve(raw, [this.tensors[x].shape], path, this.numClasses) as GraphOp['spec'];
        return { out: this.emit(module, spec, path, [x]), resolved: spec as NodeSpec };
      }
    }
  }

  private join(type: 'add' | 'concat', path: string, inputs: number[]): number {
    const module = layerModule(type);
    const spec = module.resolve({ type }, inputs.map((t) => this.tensors[t].shape), path, this.numClasses) as GraphOp['spec'];
    return this.emit(module, spec, path, inputs);
  }
}

/** The graph of a spec tree on per-example inputs of `inputShape`; throws SpecError(path, reason). */
export function compileGraph(net: unknown, inputShape: number[], numClasses: number): Graph {
  const c = new Compiler(inputShape, numClasses);
  const { out, resolved } = c.list(net, 0, new Namer(''), '', 'net');
  if (c.ops.length === 0) throw new SpecError('', 'the net has no layers');
  const last = c.tensors[out].shape;
  if (last.length !== 1 || last[0] !== numClasses) {
    throw new SpecError(c.ops[c.ops.length - 1].path, `the net must end in ${numClasses} outputs (one per class), its last layer gives ${last.join('×')}`);
  }
  const params: GraphParam[] = [];
  const state: GraphState[] = [];
  for (const op of c.ops) {
    for (const decl of op.module.params?.(op.spec) ?? []) params.push({ name: `${op.path}.${decl.name}`, op: op.index, decl });
    for (const decl of op.module.state?.(op.spec) ?? []) state.push({ name: `${op.path}.${decl.name}`, op: op.index, decl });
  }
  return { ops: c.ops, tensors: c.tensors, output: out, params, state, net: resolved };
}

/** Layer types, for messages and the README. */
export const layerTypes = (): string[] => [...layerModules.keys()];
