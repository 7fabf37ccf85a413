// Start-up autotune of the matmul variants and of the conv passes' blocks: for each of the run's large
// problems it times a few candidates on scratch operands of the problem's shape and keeps the fastest. Choices are
// cached per adapter (a ChoiceStore: memory, OPFS in the browser, a JSON file for the CLI), recorded in
// KernelContext.blockChoices by Matmul.plan, carried by the run's manifest and pinned on resume. Tests
// set no tuner, so they run the heuristic's fixed choice.
import { createBuffer, storageUsage } from './buffers';
import type { KernelContext } from './context';
import { choiceBlock, convBlockName, convGeometry, convProblemKey, convScratch, heuristicConvBlock, type Conv, type ConvChoice, type ConvPass, type ConvSpec, type ConvTuner } from './conv';
import { encodeAll, type Dispatch } from './dispatch';
import { Matmul, matmulFlops, problemKey, type MatmulProblem, type MatmulTuner, type Variant, heuristicVariant, parseVariant } from './matmul';
import { median, Profiler, timestampsSupported } from './profiler';

/** Cached choices: adapter key → problem key → variant name. */
export type ChoiceTable = Record<string, Record<string, string>>;

export interface ChoiceStore {
  load(): Promise<ChoiceTable>;
  save(table: ChoiceTable): Promise<void>;
}

/** A store that lives as long as the page or process. */
export function memoryChoiceStore(): ChoiceStore {
  let table: ChoiceTable = {};
  return {
    load: async () => structuredClone(table),
    save: async (t) => {
      table = structuredClone(t);
    },
  };
}

export interface TuneRecord {
  problem: string;
  /** Median milliseconds of each candidate tried (absent: taken from the cache). */
  times?: Record<string, number>;
  chosen: string;
}

export interface AutotuneOptions {
  /** Problems smaller than this many FLOPs (times their launches a pass) keep the heuristic's variant (default 8 MFLOP). */
  minFlops?: number;
  /** Timed runs per candidate after one warm-up (default 2). */
  reps?: number;
  /** Rows of C the timing uses at most: larger problems are timed at this height (default 1024). */
  maxRows?: number;
  /** Candidates timed at most, in the order Matmul offers them filtered by `prefer` (default 4). */
  maxCandidates?: number;
  /** Examples a conv pass is timed at, at most (default 32). */
  maxConvRows?: number;
}

/** Candidates worth timing first: the subgroup blocks, then the thread blocks that measured best. */
const preferred = ['sg16x16', 'sg8x32', 'sg8x16', 'sg16x32', '8x8', '16x4', '8x4', '4x8'];

/** A version tag for cached choices: bump it when the generated kernels change. */
export const kernelsVersion = 'matmul-2 conv-6';

export class Autotuner implements MatmulTuner, ConvTuner {
  readonly records: TuneRecord[] = [];
  private table: Promise<ChoiceTable> | undefined;
  private readonly matmul: Matmul;
  private readonly profiler: Profiler | null;
  private readonly key: string;
  private readonly o: Required<AutotuneOptions>;

  constructor(private readonly kc: KernelContext, adapter: string, private readonly store: ChoiceStore = memoryChoiceStore(), options: AutotuneOptions = {}) {
    this.matmul = new Matmul(kc);
    this.profiler = timestampsSupported(kc.device) ? new Profiler(kc.device, convPassDispatches) : null;
    this.key = `${kernelsVersion} ${adapter}`;
    this.o = { minFlops: 8e6, reps: 2, maxRows: 1024, maxCandidates: 4, maxConvRows: 32, ...options };
  }

  async choose(p: MatmulProblem, candidates: readonly Variant[]): Promise<Variant> {
    if (matmulFlops(p) * (p.launches ?? 1) < this.o.minFlops) return heuristicVariant(p, this.matmul.subgroups);
    this.table ??= this.store.load().catch(() => ({}));
    const table = await this.table;
    const mine = (table[this.key] ??= {});
    const key = problemKey(p);
    const cached = mine[key];
    if (cached && candidates.some((c) => c.name === cached)) {
      this.records.push({ problem: key, chosen: cached });
      return parseVariant(cached);
    }
    const pool = preferred.map((n) => candidates.find((c) => c.name === n)).filter((c): c is Variant => c !== undefined).slice(0, this.o.maxCandidates);
    const times = await timeVariants(this.kc, { ...p, rows: Math.min(p.rows, this.o.maxRows) }, pool, this.o.reps, this.profiler, this.matmul);
    const best = pool.reduce((a, b) => (times[b.name] < times[a.name] ? b : a));
    this.records.push({ problem: key, times, chosen: best.name });
    mine[key] = best.name;
    await this.store.save(table).catch(() => undefined);
    return best;
  }

  /**
   * A conv pass's block: the cached choice, else of a few candidates (the heuristic's first) timed on
   * scratch operands of the layer's shape at ≤ maxRows examples, pickConv's; small passes keep the heuristic's.
   */
  async chooseConv(conv: Conv, s: ConvSpec, pass: ConvPass, candidates: readonly ConvChoice[], heuristic: ConvChoice): Promise<ConvChoice> {
    const g = convGeometry(s);
    if (2 * s.rows * g.pixels * s.outC * g.k < this.o.minFlops) return heuristic;
    this.table ??= this.store.load().catch(() => ({}));
    const table = await this.table;
    const mine = (table[this.key] ??= {});
    const key = convProblemKey(s, pass);
    const cached = candidates.find((b) => convBlockName(b) === mine[key]);
    if (cached) {
      this.records.push({ problem: key, chosen: convBlockName(cached) });
      return cached;
    }
    const cols4 = pass === 'input_grad' ? g.cin4 : g.c4;
    const pool = [heuristic, ...convPreferred.map((n) => candidates.find((b) => convBlockName(b) === n))]
      .filter((b, i, all): b is ConvChoice => b !== undefined && fitsColumns(b, cols4) && all.findIndex((x) => x && convBlockName(x) === convBlockName(b)) === i)
      .slice(0, this.o.maxCandidates);
    const times = await timeConvBlocks(this.kc, conv, { ...s, rows: Math.max(1, Math.min(s.rows, this.o.maxConvRows)) }, pass, pool, this.o.reps, this.profiler);
    const pick = pickConv(times, convBlockName(heuristic));
    const best = pool.find((b) => convBlockName(b) === pick) ?? heuristic;
    this.records.push({ problem: key, times, chosen: convBlockName(best) });
    mine[key] = convBlockName(best);
    await this.store.save(table).catch(() => undefined);
    return best;
  }

  destroy(): void {
    this.profiler?.destroy();
  }
}

/**
 * How much faster than the heuristic's block a timed conv candidate must be to replace it. The tuner's
 * timings (≤ 32 examples, a warm-up and two reps) are noisy: in ten rounds of them on LeNet's passes
 * (SwiftShader, 2 cores), the next candidate against the heuristic's row-width block took a median 1.07×
 * its time on the first forward (sg16x8 against sg14x8), 1.61× on the second (sg8x16 against sg10x16)
 * and 1.15× on the second input gradient (sg16x8 against sg14x8), yet timed faster in 3, 1 and 1 rounds
 * of the ten (by 4–20 %): each a swap to the slower block for the whole run. With this margin, 1 round of
 * the 30 swaps. Winograd's wins where it is not the heuristic's (1.3–2.2×) clear it.
 */
export const convMargin = 0.85;

/** The tuner's conv pick from its timings: the fastest where it takes under convMargin of the heuristic's time, else the heuristic's. */
export function pickConv(times: Readonly<Record<string, number>>, heuristic: string, margin = convMargin): string {
  const [fastest, ms] = Object.entries(times).reduce((a, b) => (b[1] < a[1] ? b : a));
  const own = times[heuristic];
  return own === undefined || ms < margin * own ? fastest : heuristic;
}

/** Conv choices worth timing after the heuristic's, where the pass has them (most products per load first). */
const convPreferred = ['winograd', 'sg16x8', 'sg8x16', '8x16', '16x8', '8x8', '16x4', '4x16'];

/** Whether a choice's columns fit the pass's (a block of one quad always does). */
function fitsColumns(b: ConvChoice, cols4: number): boolean {
  const block = choiceBlock(b);
  return block === null || block[1] <= cols4 || block[1] === 1;
}

/** The most dispatches a timed conv pass has, and more (a Winograd pass: two transforms, 36 GEMMs, the output). */
const convPassDispatches = 48;

/**
 * Median milliseconds of a conv pass in each choice on zero-filled operands of `s`'s shape: all the
 * pass's dispatches (the input gradient's weight transform and the weight gradient's dY copy and reduce
 * included: Winograd's passes around its GEMMs differ). GPU timestamps where the device has them, else
 * wall time.
 */
export async function timeConvBlocks(kc: KernelContext, conv: Conv, s: ConvSpec, pass: ConvPass, blocks: readonly ConvChoice[], reps = 3, profiler?: Profiler | null): Promise<Record<string, number>> {
  const ownProfiler = profiler === undefined && timestampsSupported(kc.device) ? new Profiler(kc.device, convPassDispatches) : null;
  const prof = profiler ?? ownProfiler;
  const g = convGeometry(s);
  const sc = convScratch(s);
  const make = (label: string, floats: number) => createBuffer(kc.device, `Autotuner.conv.${label}`, Math.max(16, floats * 4), storageUsage());
  const buf = {
    x: await make('x', s.rows * g.xStride), w: await make('w', g.kRows * g.c4 * 4), bias: await make('bias', g.c4 * 4), y: await make('y', s.rows * g.yStride),
    dy: await make('dy', s.rows * g.yStride), dyp: await make('dyp', sc.dyp), partials: await make('partials', sc.partials), columns: await make('columns', sc.columns),
    dw: await make('dw', g.kRows * g.c4 * 4), db: await make('db', g.c4 * 4), dx: await make('dx', s.rows * g.xStride),
  };
  const b = (x: GPUBuffer) => ({ buffer: x });
  const times: Record<string, number> = {};
  try {
    for (const block of blocks) {
      let d: Dispatch[];
      if (pass === 'forward') {
        d = await conv.forward(s, 'none', { x: b(buf.x), w: b(buf.w), bias: b(buf.bias), y: b(buf.y) }, `Autotuner.conv.${convBlockName(block)}`, block);
      } else {
        const list = await conv.backward(s, 'none', {
          x: b(buf.x), w: b(buf.w), dy: b(buf.dy), dyp: b(buf.dyp), partials: b(buf.partials), dw: b(buf.dw), db: b(buf.db),
          dx: pass === 'input_grad' ? b(buf.dx) : undefined, columns: b(buf.columns),
        }, `Autotuner.conv.${convBlockName(block)}`, pass === 'input_grad' ? { weight_grad: heuristicConvBlock(s, 'weight_grad'), input_grad: block } : { weight_grad: block });
        d = pass === 'input_grad' ? list.filter((x) => /\.dX/.test(x.label)) : list;
      }
      times[convBlockName(block)] = prof ? (await prof.time(d, 0, reps)).reduce((a, t) => a + t.ms, 0) : await wallTime(kc.device, d, reps);
    }
  } finally {
    for (const x of Object.values(buf)) x.destroy();
    ownProfiler?.destroy();
  }
  return times;
}

type Scratch = Record<'a' | 'b' | 'c' | 'aux' | 'db', GPUBuffer>;

/**
 * Median milliseconds of one launch of each variant on zero-filled operands of `p`'s shape (times do
 * not depend on the values): GPU timestamps where the device has them, else wall time per submit.
 */
export async function timeVariants(kc: KernelContext, p: MatmulProblem, variants: readonly Variant[], reps = 3, profiler?: Profiler | null, matmul = new Matmul(kc)): Promise<Record<string, number>> {
  const ownProfiler = profiler === undefined && timestampsSupported(kc.device) ? new Profiler(kc.device, 1) : null;
  const prof = profiler ?? ownProfiler;
  const s = await scratch(kc.device, p);
  const times: Record<string, number> = {};
  try {
    for (const v of variants) {
      const d = await matmul.plan(p, { a: { buffer: s.a }, b: { buffer: s.b }, c: { buffer: s.c }, aux: { buffer: s.aux }, db: { buffer: s.db } }, `Autotuner.${v.name}`, v);
      times[v.name] = prof ? (await prof.time([d], 0, reps))[0].ms : await wallTime(kc.device, [d], reps);
    }
  } finally {
    for (const b of Object.values(s)) b.destroy();
    ownProfiler?.destroy();
  }
  return times;
}

async function scratch(device: GPUDevice, p: MatmulProblem): Promise<Scratch> {
  const [aFloats, bFloats] =
    p.layout === 'nn' ? [p.rows * p.inner, p.inner * p.cols] : p.layout === 'tn' ? [p.inner * p.rows, p.inner * p.cols] : [p.rows * p.inner, p.cols * p.inner];
  const make = (label: string, floats: number) => createBuffer(device, `Autotuner.${label}`, Math.max(16, floats * 4), storageUsage());
  return { a: await make('a', aFloats), b: await make('b', bFloats), c: await make('c', p.rows * p.cols), aux: await make('aux', p.rows * p.cols), db: await make('db', p.cols) };
}

async function wallTime(device: GPUDevice, list: readonly Dispatch[], reps: number): Promise<number> {
  const once = async () => {
    const enc = device.createCommandEncoder({ label: 'Autotuner.encoder' });
    const pass = enc.beginComputePass({ label: 'Autotuner.pass' });
    encodeAll(pass, list, 0);
    pass.end();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
  };
  await once();
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await once();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

/** Pins recorded choices (a manifest's `kernels`) so a resumed run computes as the original did. */
export function pinChoices(kc: KernelContext, choices: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(choices ?? {})) kc.blockChoices.set(k, v);
}
