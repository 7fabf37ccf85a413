// model.py of an exported PyTorch project, generated from the architecture's spec tree: each layer is
// its module's torch() expression, each container an nn.Sequential, Residual or Concat (py/layers.py)
// whose children carry the lab's segment names, so state_dict() keys are the lab's tensor names and a
// lab file loads with load_state_dict(strict=True). What PyTorch cannot express is refused by path.
import { graphOf, type Architecture } from '../../model/architecture';
import type { GraphOp } from '../../model/graph/compile';
import type { NodeSpec, ResidualNode } from '../../model/graph/spec';
import { layerModule } from '../../model/layers/registry';
import type { LayerModule } from '../../model/layers/types';
import layersPy from './py/layers.py?raw';

/** A model (or setting) the PyTorch project cannot carry, with the layer path or setting to blame. */
export class PytorchExportError extends Error {
  constructor(readonly where: string, readonly reason: string) {
    super(`PyTorch export: ${where}: ${reason}`);
  }
}

/**
 * Attributes of torch.nn.Module / nn.Sequential that add_module refuses as child names ("attribute
 * already exists"); names starting with `_` are refused outright (PyTorch's internals). A test holds
 * this list to dir() of the installed torch.
 */
const TORCH_ATTRIBUTES = new Set(
  ('T_destination add_module append apply bfloat16 buffers call_super_init children compile cpu cuda double dump_patches eval extend ' +
    'extra_repr float forward get_buffer get_extra_state get_parameter get_submodule half insert ipu load_state_dict modules mtia ' +
    'named_buffers named_children named_modules named_parameters parameters pop register_backward_hook register_buffer ' +
    'register_forward_hook register_forward_pre_hook register_full_backward_hook register_full_backward_pre_hook ' +
    'register_load_state_dict_post_hook register_load_state_dict_pre_hook register_module register_parameter ' +
    'register_state_dict_post_hook register_state_dict_pre_hook requires_grad_ set_extra_state set_submodule share_memory ' +
    'state_dict to to_empty train training type xpu zero_grad').split(' '),
);

export const torchAttributes: ReadonlySet<string> = TORCH_ATTRIBUTES;

const join = (prefix: string, seg: string) => (prefix ? `${prefix}.${seg}` : seg);
const pyString = (s: string) => `'${s}'`;

type ModuleOf = (type: string) => LayerModule;

/** Walks the spec tree as the graph compiler names it (graph/compile.ts Namer) and writes Python. */
class Writer {
  private readonly ops: Map<string, GraphOp>;
  private readonly inShapes: (op: GraphOp) => number[][];

  constructor(arch: Architecture, private readonly moduleOf: ModuleOf) {
    const g = graphOf(arch);
    this.ops = new Map(g.ops.map((op) => [op.path, op]));
    this.inShapes = (op) => op.inputs.map((t) => g.tensors[t].shape);
  }

  /** Children of one container: [segment, node], segments numbered across the container's lists. */
  private named(lists: NodeSpec[][], prefix: string): [string, NodeSpec][][] {
    let i = 0;
    return lists.map((list) =>
      list.map((node) => {
        const seg = node.name ?? String(i);
        i++;
        const path = join(prefix, seg);
        if (seg.startsWith('_')) throw new PytorchExportError(path, `PyTorch reserves names starting with "_" for nn.Module's internals; rename the layer`);
        if (TORCH_ATTRIBUTES.has(seg)) throw new PytorchExportError(path, `"${seg}" is an attribute of torch.nn.Module, which PyTorch refuses as a child's name; rename the layer`);
        return [seg, node];
      }),
    );
  }

  private pairs(children: [string, NodeSpec][], prefix: string, pad: string): string {
    return children.map(([seg, node]) => `${pad}(${pyString(seg)}, ${this.node(node, join(prefix, seg), pad)}),\n`).join('');
  }

  /** A Python expression for one node of the tree at `path`, continuation lines indented by `pad` + 4. */
  node(node: NodeSpec, path: string, pad: string): string {
    const inner = `${pad}    `;
    switch (node.type) {
      case 'sequential':
        return this.sequential((node as { layers: NodeSpec[] }).layers, path, pad);
      case 'residual': {
        const r = node as ResidualNode;
        const [body, shortcut] = this.named([r.body, r.shortcut ?? []], path);
        const deeper = `${inner}    `;
        const act = r.activation ? `,\n${inner}activation=(${pyString(r.activation)}, ${this.layer({ type: r.activation }, join(path, r.activation))})` : '';
        const list = (xs: [string, NodeSpec][]) => (xs.length === 0 ? '[]' : `[\n${this.pairs(xs, path, deeper)}${inner}]`);
        return `Residual(\n${inner}body=${list(body)},\n${inner}shortcut=${list(shortcut)}${act})`;
      }
      case 'concat': {
        const branches = this.named((node as { branches: NodeSpec[][] }).branches, path);
        const deeper = `${inner}    `;
        const list = (xs: [string, NodeSpec][]) => (xs.length === 0 ? '[]' : `[\n${this.pairs(xs, path, deeper)}${inner}]`);
        return `Concat(\n${branches.map((b) => `${inner}${list(b)},\n`).join('')}${pad})`;
      }
      default:
        return this.layer(node, path);
    }
  }

  /** nn.Sequential(a, b) where the names are the indices, else with an OrderedDict of the names. */
  sequential(nodes: NodeSpec[], path: string, pad: string): string {
    const [children] = this.named([nodes], path);
    const inner = `${pad}    `;
    if (children.length === 0) return 'nn.Sequential()';
    if (children.every(([seg], i) => seg === String(i))) {
      return `nn.Sequential(\n${children.map(([seg, node]) => `${inner}${this.node(node, join(path, seg), inner)},\n`).join('')}${pad})`;
    }
    return `nn.Sequential(OrderedDict([\n${this.pairs(children, path, inner)}${pad}]))`;
  }

  private layer(spec: { type: string }, path: string): string {
    const op = this.ops.get(path);
    if (!op) throw new Error(`PyTorch export: no graph op at ${path}`);
    let module: LayerModule;
    try {
      module = this.moduleOf(spec.type);
    } catch {
      throw new PytorchExportError(path, `layer type "${spec.type}" is unknown`);
    }
    const expr = module.torch(op.spec, this.inShapes(op));
    if (expr === null) throw new PytorchExportError(path, `a ${spec.type} layer has no PyTorch module`);
    return expr;
  }
}

/**
 * The text of model.py for an architecture: py/layers.py, then build_model() returning the tree.
 * `moduleOf` is the layer registry (tests pass a stand-in). Throws PytorchExportError(path, reason).
 */
export function modelPy(arch: Architecture, source: string, moduleOf: ModuleOf = layerModule): string {
  const body = new Writer(arch, moduleOf).sequential(arch.net, '', '    ');
  const shape = arch.inputShape.join(', ');
  return `# model.py: the lab's architecture "${arch.name}" as torch.nn modules, generated by Classifier Lab
# (classifier-lab export-pytorch) from
#   ${source}
# Regenerate rather than edit: state_dict() names are the lab's tensor names, so the lab's files load
# with load_state_dict(strict=True) and train.py's checkpoints go back to the lab.

${layersPy}

INPUT_SHAPE = (${shape}${arch.inputShape.length === 1 ? ',' : ''})  # per example, after any resize
NUM_CLASSES = ${arch.numClasses}


def build_model():
    """The network: raw logits for (N, ${shape}) inputs, normalised (and resized) as the lab's batch gather does."""
    return ${body}
`;
}
