// An architecture summary like torchinfo's: one row per layer of the graph (path, type, output shape,
// parameters, multiply-accumulates, activation memory per example) and the totals. Pure: it builds
// nothing on a device. The form, `classifier-lab summary` and the README's zoo table read it.
import { graphOf, type Architecture } from './architecture';

export interface LayerRow {
  /** The layer's path in the spec (`stages.1.0.conv1`; flat models `layers.3`); a join's is its container's. */
  path: string;
  type: string;
  /** Short human label: "Conv2d 6@5×5, pad 2", "Dense 400→120", "BatchNorm2d 6". */
  label: string;
  /** Per-example output shape ([C, H, W] or [D]). */
  outputShape: number[];
  /** Trainable parameters of the layer. */
  params: number;
  /** Multiply-accumulates of one example's forward pass (weights × positions; 0 for layers without weights). */
  macs: number;
  /** Bytes of its output per example (float32); 0 for a view (flatten shares its input's memory). */
  activationBytes: number;
}

export interface ArchitectureSummary {
  inputShape: number[];
  rows: LayerRow[];
  /** Trainable parameters in all. */
  totalParams: number;
  /** Non-trainable values saved with the weights (BatchNorm running statistics). */
  stateValues: number;
  totalMacs: number;
  /** Σ activation bytes per example (the forward pass keeps them all for the backward). */
  activationBytes: number;
}

const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Layers, output shapes, parameters and MACs; throws SpecError (naming the layer path) when the input does not fit. */
export function summarize(arch: Architecture): ArchitectureSummary {
  const g = graphOf(arch);
  const perOp = new Map<number, number>();
  for (const p of g.params) perOp.set(p.op, (perOp.get(p.op) ?? 0) + count(p.decl.shape));
  const rows = g.ops.map((op): LayerRow => {
    const inShapes = op.inputs.map((t) => g.tensors[t].shape);
    const outputShape = g.tensors[op.output].shape;
    return {
      path: op.path, type: op.spec.type, label: op.module.label(op.spec), outputShape, params: perOp.get(op.index) ?? 0,
      macs: op.module.macs?.(op.spec, inShapes, outputShape) ?? 0, activationBytes: op.module.view ? 0 : 4 * count(outputShape),
    };
  });
  return {
    inputShape: arch.inputShape, rows,
    totalParams: rows.reduce((n, r) => n + r.params, 0),
    stateValues: g.state.reduce((n, s) => n + s.decl.size, 0),
    totalMacs: rows.reduce((n, r) => n + r.macs, 0),
    activationBytes: rows.reduce((n, r) => n + r.activationBytes, 0),
  };
}

const thousands = (n: number) => n.toLocaleString('en-US');

/** A count in short form: 11.2 M, 1.82 G. */
export function shortCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toPrecision(3)} G`;
  if (n >= 1e6) return `${(n / 1e6).toPrecision(3)} M`;
  if (n >= 1e4) return `${(n / 1e3).toPrecision(3)} k`;
  return thousands(n);
}

/** The summary as an aligned text table (CLI, logs), torchinfo-style. */
export function summaryLines(s: ArchitectureSummary): string[] {
  const shape = (v: number[]) => v.join('×');
  const head = ['layer', 'type', 'output', 'params', 'MACs', 'act/example'];
  const cells = s.rows.map((r) => [r.path, r.label, shape(r.outputShape), r.params > 0 ? thousands(r.params) : '', r.macs > 0 ? shortCount(r.macs) : '', r.activationBytes > 0 ? `${shortCount(r.activationBytes)}B` : '']);
  const table = [head, ['input', '', shape(s.inputShape), '', '', ''], ...cells];
  const widths = head.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const right = new Set([3, 4, 5]);
  const lines = table.map((row) => row.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '─'.repeat(w)).join('  '));
  lines.push(
    `${thousands(s.totalParams)} parameters${s.stateValues > 0 ? ` (+ ${thousands(s.stateValues)} running statistics)` : ''}; ` +
      `${shortCount(s.totalMacs)} MACs and ${shortCount(s.activationBytes)}B of activations per example`,
  );
  return lines;
}
