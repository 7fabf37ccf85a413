// The fused validation statistics on real WebGPU against the CPU reference: counts and the confusion
// matrix exactly (integers), confidence sums within the fixed point's rounding, outcomes' probabilities
// within f32 tolerance; and the selection of a cell's rows.
import { describe, expect, it } from 'vitest';
import { randomArray, testGpu } from '../../tests/helpers/gpu';
import { accuracy } from '../reference/softmax-xent';
import { CalibrationBins, ProbabilityBins, validationCounts, type Outcome, type OutcomeFilter, type ValidationCounts } from '../reference/validation-stats';
import { Accuracy, AccuracyBindings, countsLayout, OutcomeWords, parseCounts, parseOutcome, writeSelection, } from './accuracy';
import { pad4, readBuffer } from './buffers';
import { KernelContext } from './context';
import { shaderSources } from './shaders';
import { StepUniform } from './step-uniform';
import { emptyBuffer, padRows, runDispatches, upload } from './test-util';

interface GpuRun {
  counts: ValidationCounts;
  outcomes: Outcome[];
  select(filter: OutcomeFilter): Promise<{ count: number; rows: number[] }>;
}

/** Runs the kernel over `rows` in batches of `batch` (each at its own step slot), then offers selections. */
async function run(logits: Float32Array, labels: Uint32Array, rows: number, classes: number, batch = rows, withOutcomes = true): Promise<GpuRun> {
  const { device } = await testGpu();
  const ctx = new KernelContext(device);
  const stride = pad4(classes);
  const kernel = new Accuracy(ctx);
  const counts = emptyBuffer(device, countsLayout(classes).words);
  const outcomes = emptyBuffer(device, withOutcomes ? rows * OutcomeWords : 4);
  const batches = Math.ceil(rows / batch);
  const steps = new StepUniform(device, batches, 'test.steps');
  for (let i = 0; i < batches; i++) {
    const n = Math.min(batch, rows - i * batch);
    steps.set(i, { step: 0, batchStart: i * batch, slot: i, lr: 0 });
    steps.flush();
    const part = padRows(logits.subarray(i * batch * classes, (i * batch + n) * classes), n, classes, stride);
    const d = await kernel.plan(
      { rows: n, classes, stride },
      { logits: { buffer: upload(device, part) }, labels: { buffer: upload(device, labels.slice(i * batch, i * batch + n)) }, counts: { buffer: counts }, outcomes: withOutcomes ? { buffer: outcomes } : undefined, stepBuffer: steps.buffer },
      'test.accuracy',
    );
    await runDispatches(device, [d], i);
  }
  const words = new Uint32Array(await readBuffer(device, counts, 0, countsLayout(classes).words * 4));
  if (!withOutcomes) return { counts: parseCounts(words, classes), outcomes: [], select: () => Promise.reject(new Error('no outcomes')) };
  const rowWords = new Uint32Array(await readBuffer(device, outcomes, 0, rows * OutcomeWords * 4));
  const selection = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const selected = emptyBuffer(device, 1 + 2 * rows);
  const select = await kernel.planSelect(rows, { outcomes: { buffer: outcomes }, selection, selected: { buffer: selected } }, 'test.select');
  return {
    counts: parseCounts(words, classes),
    outcomes: Array.from({ length: rows }, (_, i) => parseOutcome(rowWords, i * OutcomeWords)),
    async select(filter) {
      device.queue.writeBuffer(selected, 0, new Uint32Array(1));
      writeSelection(device, selection, rows, filter);
      await runDispatches(device, [select]);
      const w = new Uint32Array(await readBuffer(device, selected, 0, (1 + 2 * rows) * 4));
      return { count: w[0], rows: Array.from({ length: Math.min(w[0], rows) }, (_, k) => w[1 + 2 * k]).sort((a, b) => a - b) };
    },
  };
}

function reference(logits: Float32Array, labels: Uint32Array, rows: number, classes: number) {
  const outcomes: Outcome[] = [];
  return { counts: validationCounts(logits, labels, rows, classes, undefined, outcomes), outcomes };
}

const trace = (m: Uint32Array, c: number) => Array.from({ length: c }, (_, i) => m[i * c + i]).reduce((a, b) => a + b, 0);

/** Exact integers; fixed-point sums within half a unit per row; probabilities within f32 rounding. */
function expectSame(gpu: GpuRun, ref: ReturnType<typeof reference>, rows: number, classes: number): void {
  expect(gpu.counts.correct).toBe(ref.counts.correct);
  expect(gpu.counts.invalid).toBe(ref.counts.invalid);
  expect(Array.from(gpu.counts.confusion)).toEqual(Array.from(ref.counts.confusion));
  expect(trace(gpu.counts.confusion, classes)).toBe(gpu.counts.correct);
  const cal = gpu.counts.calibration;
  const refCal = ref.counts.calibration;
  expect(cal.binRows).toEqual(refCal.binRows);
  expect(cal.binCorrect).toEqual(refCal.binCorrect);
  expect(cal.trueHistogram).toEqual(refCal.trueHistogram);
  const tol = rows * 2 ** -24 + 1e-5 * rows;
  cal.binConfidence.forEach((v, b) => expect(Math.abs(v - refCal.binConfidence[b])).toBeLessThanOrEqual(tol));
  expect(Math.abs(cal.trueProbability - refCal.trueProbability)).toBeLessThanOrEqual(tol);
  let maxDiff = 0;
  gpu.outcomes.forEach((o, i) => {
    const r = ref.outcomes[i];
    expect(o.top, `row ${i}`).toEqual(r.top);
    expect(o.label).toBe(r.label);
    [...o.probs, o.pTrue].forEach((p, k) => (maxDiff = Math.max(maxDiff, Math.abs(p - [...r.probs, r.pTrue][k]))));
  });
  expect(maxDiff, 'largest |p_gpu − p_ref|').toBeLessThanOrEqual(1e-5);
}

/** Seeded logits whose confidences and true-class probabilities stay ≥ 1e-4 from every bin edge. */
function awayFromEdges(rows: number, classes: number, seed: number, scale: number) {
  const logits = randomArray(rows * classes, seed, scale);
  const labels = Uint32Array.from({ length: rows }, (_, i) => (i * 7 + (i >> 3)) % classes);
  labels[rows - 1] = classes - 1;
  for (let i = 0; i < rows; i++) {
    for (let tries = 0; ; tries++) {
      const o = validationCounts(logits.subarray(i * classes, (i + 1) * classes), [labels[i]], 1, classes);
      // Only inner edges matter: 0 is always bin 0 and 1 is always the last bin.
      const near = (p: number, bins: number) => {
        const k = Math.round(p * bins);
        return k > 0 && k < bins && Math.abs(p * bins - k) < 1e-4 * bins;
      };
      const conf = o.calibration.binConfidence.reduce((a, b) => a + b, 0);
      if (!near(conf, CalibrationBins) && !near(o.calibration.trueProbability, ProbabilityBins)) break;
      logits[i * classes + (tries % classes)] += 0.0137;
    }
  }
  return { logits, labels };
}

describe('fused validation statistics vs the CPU reference', () => {
  it('binds what the WGSL declares', () => {
    const declared = new Map<string, { binding: number; kind: string }>();
    for (const m of shaderSources.accuracy.matchAll(/@group\(0\)\s*@binding\((\d+)\)\s*var<([^>]+)>\s*(\w+)/g)) {
      const space = m[2].replace(/\s/g, '');
      declared.set(m[3], { binding: Number(m[1]), kind: space === 'uniform' ? 'uniform' : space === 'storage,read' ? 'read' : 'rw' });
    }
    expect(Object.fromEntries(declared)).toEqual(AccuracyBindings);
  });

  it.each([
    [130, 10, 130, 4],
    [1000, 7, 333, 3],
    [65, 3, 65, 8],
    [97, 2, 50, 2],
    [257, 13, 100, 6],
  ])('%i rows × %i classes in batches of %i (logit scale %i): counts, matrix and bins exact', async (rows, classes, batch, scale) => {
    const { logits, labels } = awayFromEdges(rows, classes, rows * 31 + classes, scale);
    // Make about a third of the rows right with a clear margin.
    for (let i = 0; i < rows; i += 3) logits[i * classes + labels[i]] += scale;
    const ref = reference(logits, labels, rows, classes);
    expect(ref.counts.correct).toBe(accuracy(logits, labels, rows, classes, false));
    const gpu = await run(logits, labels, rows, classes, batch);
    expectSame(gpu, ref, rows, classes);
    expect(gpu.counts.confusion.reduce((a, b) => a + b, 0) + gpu.counts.invalid).toBe(rows);
  });

  it('ties pick the first index; NaN rows are invalid, in no cell; ±80 and ±Inf stay finite', async () => {
    const c = 4;
    const logits = Float32Array.from([
      1, 3, 3, 0, // tie between 1 and 2: argmax 1 (label 1: right)
      1, 3, 3, 0, // same row, label 2: wrong, a (2, 1) cell
      2, 2, 2, 2, // all equal: argmax 0, top 0, 1, 2 at 1/4 each
      0, NaN, 9, 0, // NaN: invalid even though 2 is the max
      NaN, 0, 0, 0, // NaN first
      -Infinity, -1, Infinity, 0, // +Inf takes probability 1
      80, -80, 79, 0, // large logits: p ≈ (0.73, 0, 0.27, 0)
      0, 0, 0, 5, // label = last class
    ]);
    const labels = Uint32Array.from([1, 2, 0, 2, 1, 2, 2, 3]);
    const ref = reference(logits, labels, 8, c);
    expect(ref.counts.correct).toBe(accuracy(logits, labels, 8, c, false));
    expect(ref.counts.correct).toBe(4);
    expect(ref.counts.invalid).toBe(2);
    expect(ref.outcomes[2]).toMatchObject({ top: [0, 1, 2], probs: [0.25, 0.25, 0.25] });
    expect(ref.outcomes[5]).toMatchObject({ top: [2, 3, 1], pTrue: 1 });
    expect(ref.outcomes[5].probs[0]).toBe(1);
    expect(ref.outcomes[5].probs[1]).toBeLessThan(1e-37); // e^−88: clamped, not e^−∞
    expect(ref.outcomes[6].top).toEqual([0, 2, 3]);
    const gpu = await run(logits, labels, 8, c);
    expectSame(gpu, ref, 8, c);
    expect(gpu.outcomes[3].top).toEqual([]);
    expect(gpu.counts.confusion[2 * c + 1]).toBe(1);
  });

  it('selects a cell, every mistake, and the invalid rows', async () => {
    const rows = 300;
    const classes = 5;
    const logits = randomArray(rows * classes, 9, 3);
    const labels = Uint32Array.from({ length: rows }, (_, i) => i % classes);
    logits[17 * classes] = NaN;
    const ref = reference(logits, labels, rows, classes);
    const gpu = await run(logits, labels, rows, classes, 128);
    const rowsWhere = (f: (o: Outcome) => boolean) => ref.outcomes.flatMap((o, i) => (f(o) ? [i] : []));
    const cell = await gpu.select({ trueClass: 3, predClass: 1 });
    expect(cell.rows).toEqual(rowsWhere((o) => o.label === 3 && o.top[0] === 1));
    expect(cell.count).toBe(ref.counts.confusion[3 * classes + 1]);
    const wrong = await gpu.select({ wrongOnly: true });
    expect(wrong.rows).toEqual(rowsWhere((o) => o.top.length > 0 && o.top[0] !== o.label));
    expect(wrong.count).toBe(rows - ref.counts.correct - ref.counts.invalid);
    expect((await gpu.select({ predClass: 'invalid' })).rows).toEqual([17]);
  });

  it('a batch needing more than 65,535 workgroups is folded into a 2-D grid', async () => {
    const rows = 65_535 * 64 + 1000;
    const c = 4;
    const logits = new Float32Array(rows * c);
    const labels = new Uint32Array(rows);
    for (let i = 0; i < rows; i++) {
      const hot = (i * 2654435761) >>> 30; // 0..3
      logits[i * c + hot] = 1;
      labels[i] = i % 5 === 0 ? (hot + 1) % c : hot; // every fifth row wrong
    }
    // Without outcomes: 4.2 M rows of them would pass the 128 MiB binding limit.
    const gpu = await run(logits, labels, rows, c, rows, false);
    const ref = validationCounts(logits, labels, rows, c);
    expect(gpu.counts.correct).toBe(ref.correct);
    expect(Array.from(gpu.counts.confusion)).toEqual(Array.from(ref.confusion));
    // Σ confidence crosses 2^32 in fixed point: the carry into the high word is exercised.
    expect(ref.calibration.binConfidence.reduce((a, b) => a + b, 0) * 2 ** 24).toBeGreaterThan(2 ** 32);
    expect(Math.abs(gpu.counts.calibration.trueProbability - ref.calibration.trueProbability)).toBeLessThan(rows * 2 ** -24 + 1e-3);
  });
});

describe('train accuracy (count_correct) vs the CPU reference', () => {
  it('counts each batch at its step slot: odd batches, 13 classes, ties, NaN rows, label = last class', async () => {
    const { device } = await testGpu();
    const ctx = new KernelContext(device);
    const kernel = new Accuracy(ctx);
    const [rows, classes, batch] = [301, 13, 97];
    const stride = pad4(classes);
    const logits = randomArray(rows * classes, 77, 2);
    const labels = Uint32Array.from({ length: rows }, (_, i) => (i * 7) % classes);
    for (let i = 0; i < rows; i += 4) logits[i * classes + labels[i]] += 3;
    for (let i = 1; i < rows; i += 10) logits.fill(5, i * classes, (i + 1) * classes); // all tied: argmax 0
    for (let i = 2; i < rows; i += 25) logits[i * classes + labels[i]] = NaN; // a NaN row is wrong
    const batches = Math.ceil(rows / batch);
    const correct = emptyBuffer(device, batches + 1);
    const steps = new StepUniform(device, batches, 'test.steps');
    const want: number[] = [];
    for (let i = 0; i < batches; i++) {
      const n = Math.min(batch, rows - i * batch);
      // Slots in reverse: each batch lands where its step says.
      steps.set(i, { step: 0, batchStart: i * batch, slot: batches - 1 - i, lr: 0 });
      steps.flush();
      const part = logits.subarray(i * batch * classes, (i * batch + n) * classes);
      const y = labels.slice(i * batch, i * batch + n);
      want[batches - 1 - i] = accuracy(part, y, n, classes, false);
      const d = await kernel.planCorrect({ rows: n, classes, stride }, { logits: { buffer: upload(device, padRows(part, n, classes, stride)) }, labels: { buffer: upload(device, y) }, correct: { buffer: correct }, stepBuffer: steps.buffer }, 'test.correct');
      await runDispatches(device, [d], i);
    }
    const got = Array.from(new Uint32Array(await readBuffer(device, correct, 0, (batches + 1) * 4)));
    expect(got).toEqual([...want, 0]);
    // The same counts as the validation statistics' `correct` (its trace).
    expect(want.reduce((a, b) => a + b, 0)).toBe(validationCounts(logits, labels, rows, classes).correct);
  });
});
