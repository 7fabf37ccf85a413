// The start-up autotune on real WebGPU: it times candidates of large problems and keeps one of them,
// caches the choice per adapter (a second tuner over the same store times nothing), leaves small
// problems to the heuristic, and the choice lands in KernelContext.blockChoices through Matmul.plan.
// Which variant wins is the adapter's business: nothing here depends on timings.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../tests/helpers/gpu';
import { Autotuner, convMargin, kernelsVersion, memoryChoiceStore, pickConv, pinChoices, timeVariants } from './autotune';
import { KernelContext } from './context';
import { Conv, convBlockName, convBlocks, convGeometry, convProblemKey, heuristicConvBlock, heuristicConvChoice, type ConvSpec } from './conv';
import { candidates, heuristicVariant, Matmul, matmulFlops, problemKey, subgroupsOfFour, type MatmulProblem } from './matmul';
import { emptyBuffer } from './test-util';

const big: MatmulProblem = { layout: 'nn', rows: 256, cols: 256, inner: 784, epilogue: 'biasRelu' };
const small: MatmulProblem = { layout: 'tn', rows: 64, cols: 12, inner: 32, epilogue: 'biasGrad' };

describe('Autotuner', () => {
  it('times a few candidates of a large problem, keeps one of them and caches it per adapter', async () => {
    const gpu = await testGpu();
    const kc = new KernelContext(gpu.device);
    const store = memoryChoiceStore();
    const tuner = new Autotuner(kc, 'test adapter', store, { reps: 1, maxRows: 64, maxCandidates: 3 });
    const offered = candidates(subgroupsOfFour(gpu.device));
    const chosen = await tuner.choose(big, offered);
    const [record] = tuner.records;
    expect(record.problem).toBe(problemKey(big));
    expect(Object.keys(record.times!)).toHaveLength(3);
    for (const ms of Object.values(record.times!)) expect(ms).toBeGreaterThanOrEqual(0);
    expect(Object.keys(record.times!)).toContain(chosen.name);
    expect(record.chosen).toBe(chosen.name);
    expect(offered.map((v) => v.name)).toContain(chosen.name);
    expect((await store.load())[`${kernelsVersion} test adapter`]).toEqual({ [problemKey(big)]: chosen.name });

    // Another tuner over the same store (a later run on this adapter) takes the cached choice.
    const again = new Autotuner(new KernelContext(gpu.device), 'test adapter', store);
    expect((await again.choose(big, offered)).name).toBe(chosen.name);
    expect(again.records).toEqual([{ problem: problemKey(big), chosen: chosen.name }]);
    tuner.destroy();
    again.destroy();
  });

  it('leaves small problems to the heuristic, and the choice is pinned through Matmul.plan', async () => {
    const gpu = await testGpu();
    const kc = new KernelContext(gpu.device);
    const tuner = new Autotuner(kc, 'test adapter');
    kc.tuner = tuner;
    const mm = new Matmul(kc);
    const d = await mm.plan(small, {
      a: { buffer: emptyBuffer(gpu.device, 32 * 64) }, b: { buffer: emptyBuffer(gpu.device, 32 * 12) },
      c: { buffer: emptyBuffer(gpu.device, 64 * 12) }, db: { buffer: emptyBuffer(gpu.device, 12) },
    }, 'test.small');
    expect(d.variant).toBe(heuristicVariant(small, mm.subgroups).name);
    expect(tuner.records).toEqual([]);
    expect(kc.blockChoices.get(problemKey(small))).toBe(d.variant);
    tuner.destroy();
  });

  it('tunes a product below the threshold when a pass launches it often enough (a Winograd pass: 36 times)', async () => {
    const gpu = await testGpu();
    const tuner = new Autotuner(new KernelContext(gpu.device), 'test adapter', memoryChoiceStore(), { reps: 1, maxCandidates: 2 });
    const p: MatmulProblem = { layout: 'nn', rows: 512, cols: 16, inner: 16, epilogue: 'none' };
    const offered = candidates(subgroupsOfFour(gpu.device));
    expect(matmulFlops(p)).toBeLessThan(8e6);
    expect(await tuner.choose(p, offered)).toEqual(heuristicVariant(p, subgroupsOfFour(gpu.device)));
    expect(tuner.records).toEqual([]);
    const chosen = await tuner.choose({ ...p, launches: 36 }, offered);
    expect(tuner.records.map((r) => [r.problem, Object.keys(r.times!).length, r.chosen])).toEqual([[problemKey(p), 2, chosen.name]]);
    tuner.destroy();
  });

  it('a conv candidate replaces the heuristic\'s block only when it takes under convMargin of its time', () => {
    // Just under the margin — taken; just over it — noise, the heuristic's stays.
    expect(pickConv({ sg14x8: 10, sg16x8: 10 * convMargin - 0.01, sg8x8: 12 }, 'sg14x8')).toBe('sg16x8');
    expect(pickConv({ sg14x8: 10, sg16x8: 10 * convMargin + 0.01, sg8x8: 12 }, 'sg14x8')).toBe('sg14x8');
    // LeNet's first forward in one of the rounds that measured convMargin: sg16x8 timed 0.90 of sg14x8's.
    expect(pickConv({ sg14x8: 9.99, sg16x8: 9.01, sg8x8: 14.35 }, 'sg14x8')).toBe('sg14x8');
    // The heuristic's the fastest: kept; the fastest of several clearing the margin: taken.
    expect(pickConv({ winograd: 3, sg16x8: 5 }, 'winograd')).toBe('winograd');
    expect(pickConv({ '8x16': 10, winograd: 4, sg8x16: 6 }, '8x16')).toBe('winograd');
    // Without a time of the heuristic's (not in the pool), the fastest.
    expect(pickConv({ '8x8': 5, '16x4': 4 }, 'sg4x8')).toBe('16x4');
    expect(pickConv({ a: 10, b: 8 }, 'a', 0.7)).toBe('a');
  });

  it('pins recorded choices (a manifest\'s kernels) into the context', async () => {
    const kc = new KernelContext((await testGpu()).device);
    pinChoices(kc, { [problemKey(big)]: '8x8' });
    expect(kc.blockChoices.get(problemKey(big))).toBe('8x8');
  });

  it('timeVariants gives a time for every variant asked', async () => {
    const gpu = await testGpu();
    const kc = new KernelContext(gpu.device);
    const vs = candidates(subgroupsOfFour(gpu.device)).slice(0, 2);
    const times = await timeVariants(kc, { ...big, rows: 32 }, vs, 1);
    expect(Object.keys(times)).toEqual(vs.map((v) => v.name));
    for (const ms of Object.values(times)) expect(Number.isFinite(ms) && ms >= 0).toBe(true);
  });

  it('conv passes: a large pass times a few blocks and keeps one, cached per adapter; Conv pins it in blockChoices', async () => {
    const gpu = await testGpu();
    const kc = new KernelContext(gpu.device);
    const store = memoryChoiceStore();
    const tuner = new Autotuner(kc, 'test adapter', store, { reps: 1, maxCandidates: 2, maxConvRows: 2 });
    kc.tuner = tuner;
    const s: ConvSpec = { rows: 64, inC: 6, h: 14, w: 14, outC: 16, kernel: 5, stride: 1, padding: 0 };
    const conv = new Conv(kc);
    const chosen = await conv.choose(s, 'forward');
    const [record] = tuner.records;
    expect(record.problem).toBe(convProblemKey(s, 'forward'));
    expect(Object.keys(record.times!)).toHaveLength(2);
    expect(Object.keys(record.times!)).toContain(convBlockName(heuristicConvChoice(s, 'forward', undefined, conv.subgroups)));
    expect(record.chosen).toBe(convBlockName(chosen));
    expect(kc.blockChoices.get(convProblemKey(s, 'forward'))).toBe(convBlockName(chosen));
    expect((await store.load())[`${kernelsVersion} test adapter`]).toEqual({ [convProblemKey(s, 'forward')]: convBlockName(chosen) });
    // A small pass keeps the heuristic's block without timing.
    const tiny: ConvSpec = { ...s, rows: 1, h: 5, w: 5 };
    expect(await conv.choose(tiny, 'weight_grad')).toEqual(heuristicConvBlock(tiny, 'weight_grad'));
    expect(tuner.records).toHaveLength(1);
    // A pinned choice (a manifest's kernels) wins over tuning.
    const other = convBlocks.find((b) => convBlockName(b) !== convBlockName(chosen))!;
    const pinned = new KernelContext(gpu.device);
    pinChoices(pinned, { [convProblemKey(s, 'input_grad')]: convBlockName(other) });
    expect(await new Conv(pinned).choose(s, 'input_grad')).toEqual(other);
    tuner.destroy();
  });

  it('conv passes: a 3×3 stride-1 pass times Winograd beside the blocks and keeps pickConv\'s choice; a pinned Winograd plans its transforms and 36 GEMMs', async () => {
    const gpu = await testGpu();
    const kc = new KernelContext(gpu.device);
    const tuner = new Autotuner(kc, 'test adapter', memoryChoiceStore(), { reps: 1, maxCandidates: 2, maxConvRows: 2 });
    kc.tuner = tuner;
    const s: ConvSpec = { rows: 128, inC: 8, h: 9, w: 9, outC: 8, kernel: 3, stride: 1, padding: 1 };
    const conv = new Conv(kc);
    const chosen = await conv.choose(s, 'input_grad');
    const record = tuner.records.find((r) => r.problem === convProblemKey(s, 'input_grad'))!;
    const times = Object.entries(record.times!);
    // Winograd (the heuristic's here), then the first preferred block no wider than the layer's two vec4
    // columns: a subgroup block, as SwiftShader has subgroups of 4.
    expect(conv.subgroups).toBe(true);
    expect(times.map(([name]) => name)).toEqual(['winograd', 'sg16x8']);
    expect(convBlockName(chosen)).toBe(pickConv(record.times!, 'winograd'));
    tuner.destroy();
    const pinned = new KernelContext(gpu.device);
    pinChoices(pinned, { [convProblemKey(s, 'forward')]: 'winograd' });
    const e = (floats: number) => ({ buffer: gpu.device.createBuffer({ size: floats * 4, usage: GPUBufferUsage.STORAGE }) });
    const g = convGeometry(s);
    const list = await new Conv(pinned).forward(s, 'relu', { x: e(s.rows * g.xStride), w: e(g.kRows * g.c4 * 4), bias: e(g.c4 * 4), y: e(s.rows * g.yStride) }, 'test.forward');
    expect(list.map((d) => d.label.replace('test.forward.', ''))).toEqual(['winoWeight', 'winoInput', ...Array.from({ length: 36 }, (_, i) => `winoGemm${i}`), 'winoOutput']);
    // The GEMMs count the direct conv's products between them (effective GFLOP/s), and are conv dispatches.
    expect(list.reduce((a, d) => a + d.flops, 0)).toBe(2 * s.rows * g.pixels * s.outC * g.k);
    expect(new Set(list.map((d) => d.family))).toEqual(new Set(['conv']));
  });
});
