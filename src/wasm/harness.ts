// A small driver for running ops on fresh memory, for the kernel tests and the kernel benchmark:
// put inputs, reserve outputs, run phases of ops for one or more steps on a pool of `threads`.
import { stepBytes } from './abi';
import { MemoryPlan, scratchBytes as defaultScratch } from './memory-plan';
import { WasmPool } from './pool';
import { phases, programBytes, writeProgram, writeStep, type Op, type StepRecord } from './program';

type Data = Float32Array | Uint32Array | Uint8Array | Float64Array;

export const defaultStep: StepRecord = { step: 0, batchStart: 0, slot: 0, lr: 0.1, c1: 0.1, c2: 0.001 };

export class Harness {
  private readonly plan = new MemoryPlan();
  private readonly inits: { at: number; data: Data }[] = [];

  /** Reserves room for `data` and copies it in when the pool starts; returns the byte address. */
  put(label: string, data: Data): number {
    const at = this.plan.alloc(label, data.byteLength);
    this.inits.push({ at, data });
    return at;
  }

  /** Reserves zeroed bytes. */
  alloc(label: string, bytes: number): number {
    return this.plan.alloc(label, bytes);
  }

  /** A pool with the inputs in place and `groups` (phases, a barrier after each) written; `run()` runs them once per step record. */
  async start(groups: Op[][], threads: number, steps: StepRecord[] = [defaultStep], scratchBytes = defaultScratch): Promise<{ pool: WasmPool; run(): void }> {
    const ops = phases(groups);
    const prog = this.plan.alloc('program', programBytes(ops.length));
    const table = this.plan.alloc('steps', steps.length * stepBytes);
    const scratch = this.plan.threadScratch(threads, scratchBytes);
    const pool = await WasmPool.create({ bytes: this.plan.size, threads, scratch, scratchBytes });
    for (const { at, data } of this.inits) new Uint8Array(pool.memory.buffer, at, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    writeProgram(pool.memory.buffer, prog, ops);
    steps.forEach((s, i) => writeStep(pool.memory.buffer, table, i, s));
    return { pool, run: () => pool.run({ progFull: prog, progLast: prog, lastIndex: steps.length, steps: table, from: 0, to: steps.length }) };
  }

  /** Runs `groups` once per step record on a fresh pool (stopped afterwards); returns the pool to read from. */
  async run(groups: Op[][], threads: number, steps: StepRecord[] = [defaultStep], scratchBytes = defaultScratch): Promise<WasmPool> {
    const { pool, run } = await this.start(groups, threads, steps, scratchBytes);
    try {
      run();
    } finally {
      pool.destroy();
    }
    return pool;
  }
}
