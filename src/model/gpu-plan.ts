// How a model graph maps onto GPU buffers and dispatches, decided before anything is allocated (pure, so
// it also sizes validation batches). Views (flatten) disappear: consumers read their producer's buffer.
// An activation whose producer can apply it (dense, conv, BatchNorm, add) is fused. Each remaining
// tensor has an output buffer (kept for the backward) and `dPre`, the gradient w.r.t. its producer's
// output before the activation the tensor carries. Where one consumer writes it, that consumer applies
// the activation's derivative itself; where several do, each writes a raw contribution and a fixed-order
// sum (consumers in graph order) applies the derivative once. A residual add's gradient is its own dPre,
// passed on without a copy. Gradient buffers live only as long as the backward needs them and are reused
// by tensors of the same shape.
import type { ActivationKind } from '../gpu/activation';
import { graphOf, type Architecture } from './architecture';
import type { Graph, GraphOp } from './graph/compile';

export const pad4 = (n: number): number => Math.ceil(n / 4) * 4;

/** A tensor as the device holds it (views resolved, fused activations applied). */
export interface DeviceTensor {
  id: number;
  features: number;
  stride: number;
  /** The device op that writes it (-1: the network input). */
  producer: number;
  /** The activation its values carry (fused or standalone), whose derivative its gradient's writer applies. */
  activation: ActivationKind;
  /** Its consumers in graph order: device op and input slot. */
  consumers: { op: number; slot: number }[];
  /** Gradient buffer of dPre (index into `grads`), or -1 (no gradient: the input). */
  dPre: number;
}

/** Where an op's backward writes its gradient for one input. */
export interface GradTarget {
  /** Index into `grads`, or -1: none (the network input, or an add whose dPre is passed on as it is). */
  buffer: number;
  activation: ActivationKind;
}

/** A fixed-order sum (or a lone derivative) that turns contributions into a tensor's dPre. */
export interface Finalize {
  tensor: number;
  /** Gradient buffers of the contributions, in consumer order. */
  parts: number[];
  /** Runs right after this device op's backward (-1: before the first backward, the loss's contribution). */
  after: number;
}

export interface DeviceOp {
  op: GraphOp;
  /** Device tensors of its inputs (slot order) and output. */
  inputs: number[];
  output: number;
  /** The activation it applies to its output (fused from a following op). */
  fused: ActivationKind;
  grads: GradTarget[];
}

export interface GradBuffer {
  /** Floats per example. */
  floats: number;
  features: number;
  stride: number;
  /** The physical buffer it shares (index into `physical`). */
  physical: number;
}

export interface NetworkPlan {
  graph: Graph;
  tensors: DeviceTensor[];
  ops: DeviceOp[];
  /** The device tensor of every graph tensor. */
  deviceOf: number[];
  logits: number;
  /** Where the loss writes dLogits (a grads index). */
  lossTarget: number;
  grads: GradBuffer[];
  /** Physical gradient buffers: floats per example. */
  physical: number[];
  finalize: Finalize[];
}

const features = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The device plan of an architecture; `training` adds the gradient side. */
export function planNetwork(arch: Architecture, training: boolean): NetworkPlan {
  const g = graphOf(arch);
  const deviceOf: number[] = new Array(g.tensors.length).fill(-1);
  const tensors: DeviceTensor[] = [];
  const newTensor = (producer: number, shape: number[], activation: ActivationKind) => {
    const f = features(shape);
    tensors.push({ id: tensors.length, features: f, stride: pad4(f), producer, activation, consumers: [], dPre: -1 });
    return tensors.length - 1;
  };
  deviceOf[0] = newTensor(-1, g.tensors[0].shape, 'none');
  const consumersOf = (t: number) => g.ops.filter((o) => o.inputs.includes(t));

  const ops: DeviceOp[] = [];
  for (const op of g.ops) {
    const inputs = op.inputs.map((t) => deviceOf[t]);
    if (op.module.view) {
      deviceOf[op.output] = inputs[0];
      continue;
    }
    const act = op.module.activation;
    if (act && inputs.length === 1 && deviceOf[op.inputs[0]] !== -1) {
      // Fuse into the producer when it can apply it and nothing else reads the pre-activation values.
      const dt = tensors[inputs[0]];
      const producer = ops[dt.producer];
      const only = consumersOf(op.inputs[0]).length === 1 && g.tensors[op.inputs[0]].producer === producer?.op.index;
      if (producer && only && dt.activation === 'none' && producer.fused === 'none' && producer.op.module.gpu.fuses?.(producer.op.spec, act, g.tensors[op.inputs[0]].shape)) {
        producer.fused = act;
        dt.activation = act;
        deviceOf[op.output] = inputs[0];
        continue;
      }
    }
    const index = ops.length;
    const output = newTensor(index, g.tensors[op.output].shape, act ?? 'none');
    deviceOf[op.output] = output;
    inputs.forEach((t, slot) => tensors[t].consumers.push({ op: index, slot }));
    ops.push({ op, inputs, output, fused: 'none', grads: inputs.map(() => ({ buffer: -1, activation: 'none' })) });
  }
  const logits = deviceOf[g.output];
  const plan: NetworkPlan = { graph: g, tensors, ops, deviceOf, logits, lossTarget: -1, grads: [], physical: [], finalize: [] };
  if (training) planGradients(plan);
  return plan;
}

function planGradients(plan: NetworkPlan): void {
  const { tensors, ops, grads } = plan;
  const newGrad = (t: DeviceTensor) => {
    grads.push({ floats: t.stride, features: t.features, stride: t.stride, physical: -1 });
    return grads.length - 1;
  };
  // Buffer lifetimes in backward time: step(i) = ops.length − 1 − i is op i's backward; finalizes run in the same step, after it.
  const life: { first: number; last: number }[] = [];
  /** A gradient buffer that is another's (a tensor consumed only by an add shares the add's dPre). */
  const sharedWith: number[] = [];
  const use = (b: number, at: number) => {
    const l = (life[b] ??= { first: at, last: at });
    l.first = Math.min(l.first, at);
    l.last = Math.max(l.last, at);
  };
  const stepOf = (op: number) => ops.length - 1 - op;

  for (const t of tensors) {
    if (t.producer === -1) continue; // the network input needs no gradient
    t.dPre = newGrad(t);
    use(t.dPre, stepOf(t.producer)); // read by the producer's backward
  }
  // The loss is the logits' first contributor; an add's inputs get its dPre as it is (no kernel).
  for (const t of tensors) {
    if (t.producer === -1) continue;
    const isAdd = (c: { op: number }) => ops[c.op].op.module.type === 'add';
    const contributions: { op: number; slot: number }[] = [...t.consumers];
    const loss = t.id === plan.logits;
    const count = contributions.length + (loss ? 1 : 0);
    const minConsumer = contributions.length > 0 ? Math.min(...contributions.map((c) => c.op)) : -1;
    if (count === 0) continue; // nothing reads it: its dPre stays zero
    if (count === 1 && loss) {
      if (t.activation === 'none') {
        plan.lossTarget = t.dPre;
        use(t.dPre, -1);
      } else {
        plan.lossTarget = newGrad(t);
        use(plan.lossTarget, -1);
        plan.finalize.push({ tensor: t.id, parts: [plan.lossTarget], after: -1 });
        use(t.dPre, -1);
      }
      continue;
    }
    if (count === 1) {
      const c = contributions[0];
      const consumer = ops[c.op];
      if (isAdd(c) && t.activation === 'none') {
        // The add's gradient is t's: share its buffer, no kernel.
        sharedWith[t.dPre] = tensors[consumer.output].dPre;
        continue;
      }
      const applies = consumer.op.module.gpu.appliesInputActivation?.(consumer.op.spec, t.activation) ?? true;
      if (applies) {
        consumer.grads[c.slot] = { buffer: t.dPre, activation: t.activation };
        use(t.dPre, stepOf(c.op));
        continue;
      }
    }
    // Several contributions (or one writer that cannot apply the derivative): raw parts, then one sum.
    const parts: number[] = [];
    if (loss) {
      plan.lossTarget = newGrad(t);
      use(plan.lossTarget, -1);
      parts.push(plan.lossTarget);
    }
    for (const c of contributions) {
      const consumer = ops[c.op];
      if (isAdd(c)) {
        const shared = tensors[consumer.output].dPre;
        parts.push(shared);
        continue;
      }
      const b = newGrad(t);
      consumer.grads[c.slot] = { buffer: b, activation: 'none' };
      use(b, stepOf(c.op));
      parts.push(b);
    }
    plan.finalize.push({ tensor: t.id, parts, after: minConsumer });
    const at = stepOf(minConsumer);
    for (const p of parts) use(p, at);
    use(t.dPre, at);
  }
  // Shared buffers, followed through chains of adds; the owner lives as long as every sharer.
  const resolve = (b: number): number => (sharedWith[b] === undefined ? b : resolve(sharedWith[b]));
  const alias = grads.map((_, b) => resolve(b));
  for (const [b, target] of alias.entries()) if (target !== b) use(target, life[b]?.last ?? stepOf(0));
  assignPhysical(plan, alias, life);
}

/** Greedy interval allocation: a gradient buffer reuses a physical one of the same shape that is free again. */
function assignPhysical(plan: NetworkPlan, alias: number[], life: { first: number; last: number }[]): void {
  const { grads, physical } = plan;
  const owners = grads.map((_, b) => b).filter((b) => alias[b] === b).sort((a, b) => (life[a]?.first ?? 0) - (life[b]?.first ?? 0));
  const busyUntil: number[] = [];
  const keyOf: string[] = [];
  for (const b of owners) {
    const key = `${grads[b].features}/${grads[b].stride}`;
    const l = life[b] ?? { first: 0, last: 0 };
    let p = physical.findIndex((_, i) => keyOf[i] === key && busyUntil[i] < l.first);
    if (p === -1) {
      p = physical.length;
      physical.push(grads[b].floats);
      keyOf.push(key);
      busyUntil.push(l.last);
    } else {
      busyUntil[p] = l.last;
    }
    grads[b].physical = p;
  }
  for (const [b, target] of alias.entries()) if (target !== b) grads[b].physical = grads[target].physical;
}

/** Floats per example of a network's forward buffers (outputs), for sizing. */
export function forwardFloats(plan: NetworkPlan): number {
  return plan.tensors.reduce((n, t) => n + t.stride, 0);
}
