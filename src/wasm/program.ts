// Programs for the kernels' interpreter (src/wasm/wat/core.wat): op records written by field name
// from the generated layout (abi.ts), back to back, ended by opcode 0. An op's `barrier` ends a
// phase: the next op may read what this phase wrote. Ops of one phase must not depend on each other.
import { f32Fields, opBytes, opcodes, opFields, opHeader, stepBytes, stepF32, stepFields, type OpName } from './abi';

export type OpArgs<N extends OpName> = { [F in keyof (typeof opFields)[N]]: number };

export interface Op<N extends OpName = OpName> {
  name: N;
  tiles: number;
  args: OpArgs<N>;
  /** Label for errors and the performance figures. */
  label: string;
  /** Whether a barrier follows (set by `phases`). */
  barrier?: boolean;
  /** Floating-point operations of the op (products: 2·M·N·K), for the performance figures; not written. */
  flops?: number;
}

/** Ops grouped in phases (each inner list runs concurrently, a barrier after it), flattened. */
export function phases(groups: Op[][]): Op[] {
  return groups.filter((g) => g.length > 0).flatMap((g) => g.map((op, i) => ({ ...op, barrier: i === g.length - 1 })));
}

/** Bytes a program of `ops` ops takes (with its terminator). */
export const programBytes = (ops: number): number => (ops + 1) * opBytes;

/** Writes a program at byte `at` of `memory`. */
export function writeProgram(memory: ArrayBufferLike, at: number, ops: readonly Op[]): void {
  const view = new DataView(memory, at, programBytes(ops.length));
  ops.forEach((op, i) => {
    const base = i * opBytes;
    view.setUint32(base + opHeader.opcode, opcodes[op.name], true);
    view.setUint32(base + opHeader.tiles, op.tiles, true);
    view.setUint32(base + opHeader.barrier, op.barrier ? 1 : 0, true);
    const fields = opFields[op.name] as Record<string, number>;
    for (const [field, offset] of Object.entries(fields)) {
      const v = (op.args as Record<string, number>)[field];
      if (v === undefined || !Number.isFinite(v)) throw new Error(`${op.label}: ${op.name}.${field} is ${v}`);
      if (f32Fields[op.name]?.includes(field)) view.setFloat32(base + offset, v, true);
      else {
        if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`${op.label}: ${op.name}.${field} = ${v} is not a u32`);
        view.setUint32(base + offset, v, true);
      }
    }
  });
  view.setUint32(ops.length * opBytes + opHeader.opcode, 0, true);
}

/** What one step (or validation batch) tells its ops: see abi.mjs stepFields. */
export interface StepRecord {
  /** Global step (dropout masks, Adam's t = step + 1). */
  step: number;
  /** Offset of the batch in the epoch's order (or in the split, without an order). */
  batchStart: number;
  /** Where lossSum writes the step's loss sum (index into its `out`). */
  slot: number;
  lr: number;
  /** Adam's bias corrections 1 − β1^t and 1 − β2^t (t = step + 1), in f64 rounded to f32. */
  c1: number;
  c2: number;
}

/** Writes step record `i` of the table at byte `at`. */
export function writeStep(memory: ArrayBufferLike, at: number, i: number, r: StepRecord): void {
  const view = new DataView(memory, at + i * stepBytes, stepBytes);
  for (const [field, offset] of Object.entries(stepFields)) {
    const v = r[field as keyof StepRecord];
    if (stepF32.has(field)) view.setFloat32(offset, v, true);
    else view.setUint32(offset, v, true);
  }
}
