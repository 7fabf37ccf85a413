// Conv2d on real WebGPU against the CPU reference: forward (bias + fused activation), and the backward's
// dW, db and dX (with the producer's activation derivative), on shapes off every vec4 and workgroup size.
import { describe, expect, it } from 'vitest';
import { compareArrays, randomArray, testGpu } from '../../tests/helpers/gpu';
import { conv2dBackward, conv2dForward } from '../reference/conv';
import type { ActivationKind } from './activation';
import { readFloats } from './buffers';
import { KernelContext } from './context';
import { blockOf, Conv, convBlockName, convChoices, convRowBlocks, threadBlocks, convProblemKey, convSubgroupBlocks, heuristicConvBlock, heuristicConvChoice, parseConvBlock, subgroupBlocks, winogradFits, type ConvChoice, convBlocks, convForwardShapes, convGeometry, convInputGradKernels, convScratch, forwardEntry, inputGradEntry, weightGradEntry, convWeightGradShapes, convWeightGradFlatKernels, weightGradFlat, weightGradSplit, type ConvSpec } from './conv';
import { winogradBytes } from './conv-winograd';
import { applyActivation, activationDerivative, fromGpuMatrix, toGpuMatrix } from './zoo-test-util';
import { emptyBuffer, padRows, runDispatches, unpadRows, upload } from './test-util';

interface Case extends ConvSpec {
  activation: ActivationKind;
  inputActivation: ActivationKind;
  withDx: boolean;
}

const cases: Case[] = [
  { rows: 3, inC: 2, h: 7, w: 6, outC: 5, kernel: 3, stride: 1, padding: 1, activation: 'relu', inputActivation: 'sigmoid', withDx: true },
  { rows: 2, inC: 3, h: 9, w: 8, outC: 4, kernel: 3, stride: 2, padding: 0, activation: 'sigmoid', inputActivation: 'relu', withDx: true },
  { rows: 2, inC: 5, h: 11, w: 9, outC: 10, kernel: 3, stride: 1, padding: 0, activation: 'relu', inputActivation: 'relu', withDx: true },
  { rows: 5, inC: 1, h: 28, w: 28, outC: 6, kernel: 5, stride: 1, padding: 2, activation: 'sigmoid', inputActivation: 'none', withDx: false },
  { rows: 3, inC: 2, h: 17, w: 13, outC: 7, kernel: 5, stride: 1, padding: 2, activation: 'relu', inputActivation: 'sigmoid', withDx: true },
  { rows: 4, inC: 6, h: 14, w: 14, outC: 16, kernel: 5, stride: 1, padding: 0, activation: 'none', inputActivation: 'sigmoid', withDx: true },
  // The chapter 8 shapes: AlexNet's 11×11/4 pad 1 stem, ResNet's 7×7/2 pad 3 stem, 3×3/2 pad 1
  // downsampling, 1×1 convs (NiN, GoogLeNet, ResNet's strided shortcut), and every kernel 1–11 with
  // strides 1–4 somewhere: nothing may assume LeNet's 5×5.
  { rows: 2, inC: 3, h: 39, w: 37, outC: 5, kernel: 11, stride: 4, padding: 1, activation: 'relu', inputActivation: 'none', withDx: true },
  { rows: 3, inC: 1, h: 19, w: 17, outC: 6, kernel: 7, stride: 2, padding: 3, activation: 'relu', inputActivation: 'relu', withDx: true },
  { rows: 65, inC: 3, h: 7, w: 9, outC: 5, kernel: 3, stride: 2, padding: 1, activation: 'none', inputActivation: 'relu', withDx: true },
  { rows: 5, inC: 7, h: 6, w: 5, outC: 9, kernel: 1, stride: 1, padding: 0, activation: 'relu', inputActivation: 'sigmoid', withDx: true },
  { rows: 3, inC: 6, h: 9, w: 7, outC: 3, kernel: 1, stride: 2, padding: 0, activation: 'none', inputActivation: 'relu', withDx: true },
  { rows: 2, inC: 2, h: 13, w: 12, outC: 5, kernel: 2, stride: 2, padding: 0, activation: 'sigmoid', inputActivation: 'none', withDx: true },
  { rows: 2, inC: 3, h: 14, w: 15, outC: 6, kernel: 4, stride: 3, padding: 1, activation: 'relu', inputActivation: 'sigmoid', withDx: true },
  { rows: 2, inC: 2, h: 13, w: 11, outC: 7, kernel: 5, stride: 2, padding: 2, activation: 'relu', inputActivation: 'relu', withDx: true },
  { rows: 2, inC: 2, h: 15, w: 14, outC: 4, kernel: 6, stride: 1, padding: 2, activation: 'none', inputActivation: 'none', withDx: true },
  { rows: 2, inC: 2, h: 16, w: 13, outC: 5, kernel: 8, stride: 4, padding: 3, activation: 'relu', inputActivation: 'none', withDx: true },
  { rows: 2, inC: 2, h: 17, w: 18, outC: 3, kernel: 9, stride: 3, padding: 4, activation: 'sigmoid', inputActivation: 'relu', withDx: true },
  { rows: 2, inC: 1, h: 12, w: 14, outC: 6, kernel: 10, stride: 1, padding: 0, activation: 'none', inputActivation: 'none', withDx: true },
  { rows: 2, inC: 2, h: 11, w: 11, outC: 4, kernel: 11, stride: 1, padding: 5, activation: 'relu', inputActivation: 'sigmoid', withDx: true },
];

describe('conv2d vs CPU reference', () => {
  it.each(cases)('$rows×$inC×$h×$w → $outC@$kernel s$stride p$padding, $activation (input $inputActivation)', (c) => check(c));

  // Every generated block of every pass, on shapes whose rows and channels leave ragged blocks.
  const blockCases = [cases[0], cases[10]];
  it.each(convBlocks.map((b) => [convBlockName(b), b] as const))('block %s on every pass', async (_name, block) => {
    for (const c of blockCases) await check(c, block);
  });

  // The kernel-size specialised forwards (conv_forward_k{k}s{s}_*), every block, on shapes whose rows
  // leave ragged blocks and whose channels are not a multiple of 4 (k = 1 unrolls four input channels).
  const special: Case[] = [
    { rows: 2, inC: 7, h: 6, w: 9, outC: 9, kernel: 1, stride: 1, padding: 0, activation: 'relu', inputActivation: 'none', withDx: false },
    { rows: 2, inC: 6, h: 9, w: 11, outC: 5, kernel: 1, stride: 2, padding: 0, activation: 'none', inputActivation: 'none', withDx: false },
    { rows: 2, inC: 3, h: 9, w: 19, outC: 10, kernel: 3, stride: 1, padding: 1, activation: 'sigmoid', inputActivation: 'none', withDx: false },
    { rows: 2, inC: 3, h: 9, w: 21, outC: 6, kernel: 3, stride: 2, padding: 1, activation: 'relu', inputActivation: 'none', withDx: false },
    { rows: 2, inC: 2, h: 8, w: 23, outC: 7, kernel: 5, stride: 1, padding: 2, activation: 'none', inputActivation: 'none', withDx: false },
  ];
  it('covers every specialised kernel size and stride', () => {
    expect(special.map((c) => [c.kernel, c.stride])).toEqual(convForwardShapes);
    expect(forwardEntry(special[2], [8, 2])).toBe('conv_forward_k3s1_8x8');
    expect(forwardEntry(cases[6], [8, 2])).toBe('conv_forward_8x8');
  });
  it.each(threadBlocks(special[4], 'forward').map((b) => [convBlockName(b), b] as const))('specialised forward, block %s', async (_name, block) => {
    for (const c of special) await checkForward(c, block);
  });

  // The kernel-specialised weight gradients, each of their blocks, several chunks: row-walking
  // (conv_weight_grad_k{k}s{s}_4x*: ragged pixel rows, the last four-pixel step hangs over) where the
  // plane shrinks, and flattened-plane (…s1f_4x*) on "same" convs: planes whose pixel count is not a
  // multiple of 4 (a group of four crosses row ends and the plane's end), rows 4 and 5 wide (a group
  // holds a whole row's end and the next row's start), k = 5's two-column margins.
  const wgBlocks = convBlocks.filter((b) => b[0] === 4);
  const wgCases: Case[] = [
    { ...special[2], rows: 9, padding: 0 }, { ...special[4], h: 11, w: 14, padding: 0 },
    special[2], { ...special[2], rows: 5, inC: 5, h: 7, w: 7 }, { ...special[2], rows: 3, h: 5, w: 4 }, special[4], { ...special[4], rows: 3, h: 6, w: 5 },
  ];
  it('takes the specialised weight gradient in the four-pixel blocks of the generated shapes', () => {
    expect(wgCases.map((c) => [c.kernel, c.stride]).filter((x, i, all) => all.findIndex((y) => `${y}` === `${x}`) === i)).toEqual(convWeightGradShapes);
    expect([...new Set(wgCases.filter(weightGradFlat).map((c) => c.kernel))]).toEqual(convWeightGradFlatKernels);
    expect(wgBlocks.map((b) => weightGradEntry(wgCases[0], b))).toEqual(['conv_weight_grad_k3s1_4x4', 'conv_weight_grad_k3s1_4x8', 'conv_weight_grad_k3s1_4x16']);
    expect(wgBlocks.map((b) => weightGradEntry(special[2], b))).toEqual(['conv_weight_grad_k3s1f_4x4', 'conv_weight_grad_k3s1f_4x8', 'conv_weight_grad_k3s1f_4x16']);
    expect(weightGradEntry(special[4], [4, 1])).toBe('conv_weight_grad_k5s1f_4x4');
    expect(weightGradEntry(special[2], [8, 2])).toBe('conv_weight_grad_8x8');
    expect(weightGradEntry(special[3], [4, 2])).toBe('conv_weight_grad_4x8');
    // Rows under 4 wide keep the row walk; the flattened walk's chunks split examples, the row walk's (example, row) pairs.
    expect(weightGradEntry({ ...special[2], w: 3 }, [4, 1])).toBe('conv_weight_grad_k3s1_4x4');
    expect(weightGradSplit(special[2], [4, 1])).toEqual({ chunks: 2, chunkRows: 1 });
    expect(weightGradSplit({ ...special[2], rows: 9, padding: 0 }, [4, 1])).toEqual({ chunks: 63, chunkRows: 1 });
  });
  it.each(wgBlocks.map((b) => [convBlockName(b), b] as const))('specialised weight gradient, block %s', async (_name, block) => {
    for (const c of wgCases) await checkWeightGrad(c, block);
  });

  // The stride-1 input gradients run as forward convs on dY (conv_input_grad_k{k}s1_*), every block:
  // ragged rows, channel counts off 4 both ways (k = 1 unrolls four of dY's channels: 9 = 4 + 4 + 1),
  // padding 0 (the flipped conv pads k − 1) and k − 1 − p = 0 (k = 1; no bounds checks).
  const gradCases: Case[] = [
    { rows: 2, inC: 6, h: 7, w: 9, outC: 9, kernel: 1, stride: 1, padding: 0, activation: 'none', inputActivation: 'relu', withDx: true },
    { rows: 2, inC: 5, h: 9, w: 19, outC: 6, kernel: 3, stride: 1, padding: 1, activation: 'none', inputActivation: 'sigmoid', withDx: true },
    { rows: 3, inC: 3, h: 8, w: 11, outC: 7, kernel: 3, stride: 1, padding: 0, activation: 'none', inputActivation: 'sigmoid', withDx: true },
    { rows: 2, inC: 7, h: 8, w: 23, outC: 5, kernel: 5, stride: 1, padding: 2, activation: 'none', inputActivation: 'relu', withDx: true },
    { rows: 2, inC: 6, h: 12, w: 13, outC: 16, kernel: 5, stride: 1, padding: 0, activation: 'none', inputActivation: 'relu', withDx: true },
  ];
  it('takes the forward-shaped input gradient exactly where one is generated', () => {
    expect([...new Set(gradCases.map((c) => c.kernel))]).toEqual(convInputGradKernels);
    expect(inputGradEntry(gradCases[1], [8, 2])).toBe('conv_input_grad_k3s1_8x8');
    // Stride 2, a kernel size without entry points, padding past k − 1: the phase-grouped GEMM.
    expect(inputGradEntry(cases[1], [8, 2])).toBe('conv_input_grad_8x8');
    expect(inputGradEntry(cases[14], [8, 2])).toBe('conv_input_grad_8x8');
    expect(inputGradEntry({ ...gradCases[0], padding: 1 }, [8, 2])).toBe('conv_input_grad_8x8');
  });
  it.each(threadBlocks(gradCases[3], 'input_grad').map((b) => [convBlockName(b), b] as const))('input gradient as a forward conv, block %s', async (_name, block) => {
    for (const c of gradCases) await checkInputGrad(c, block);
  });

  describe('subgroup blocks (shaders/conv-subgroup.wgsl) vs CPU reference and their thread blocks', () => {
    // Every forward-shaped entry point in every subgroup block: the specialised forwards and the stride-1
    // input gradients as forwards, on their shapes above (ragged rows, channels off 4), and one past 1,024
    // invocations whose block count leaves the last subgroup short of lanes (585 blocks of 8 rows, 390 of
    // 16, 975 of 4: those lanes compute a block again and store nothing).
    const lanesShort: Case = { rows: 13, inC: 3, h: 15, w: 20, outC: 5, kernel: 3, stride: 1, padding: 1, activation: 'relu', inputActivation: 'sigmoid', withDx: true };
    it("runs on SwiftShader (subgroups of 4), is offered for forward-shaped passes only, and is the heuristic's form there", async () => {
      const ctx = new KernelContext((await testGpu()).device);
      const conv = new Conv(ctx);
      expect(conv.subgroups).toBe(true);
      expect(subgroupBlocks(special[4], 'forward')).toEqual(convSubgroupBlocks);
      expect(subgroupBlocks(cases[6], 'forward')).toEqual([]); // 11×11/4: no specialised forward
      expect([gradCases[3], cases[1]].map((c) => subgroupBlocks(c, 'input_grad'))).toEqual([convSubgroupBlocks, []]);
      expect(subgroupBlocks(special[4], 'weight_grad')).toEqual(wgBlocks);
      expect(subgroupBlocks(cases[1], 'weight_grad')).toEqual([]); // 3×3/2: no specialised weight gradient
      expect(convChoices(special[4], 'forward', undefined, true).map(convBlockName)).toEqual([...convBlocks, ...convRowBlocks, ...convSubgroupBlocks.map((b) => ({ subgroup: b }))].map(convBlockName));
      expect(convChoices(special[4], 'weight_grad', undefined, true).map(convBlockName)).toEqual([...convBlocks.map(convBlockName), 'sg4x4', 'sg4x8', 'sg4x16']);
      expect(convChoices(special[4], 'forward')).toEqual([...convBlocks, ...convRowBlocks]);
      // The row-width blocks are the forward-shaped passes' only: not the general forward's, not the phase-grouped input gradient's.
      expect(convChoices(cases[6], 'forward')).toEqual(convBlocks);
      expect(convChoices(cases[1], 'input_grad', undefined, true)).toEqual(convBlocks);
      expect(weightGradEntry(special[4], { subgroup: [4, 2] })).toBe('conv_weight_grad_k5s1f_sg4x8');
      expect(weightGradEntry(wgCases[0], { subgroup: [4, 1] })).toBe('conv_weight_grad_k3s1_sg4x4');
      // LeNet's first conv: 2 quads, rows 14 (two blocks a 28-wide row; 16 would compute 32 pixels, 7
      // as few but with fewer products per load), in its subgroup form; a 4×4 block has none.
      const lenet: ConvSpec = { rows: 128, inC: 1, h: 28, w: 28, outC: 6, kernel: 5, stride: 1, padding: 2 };
      expect(heuristicConvBlock(lenet, 'forward')).toEqual([14, 2]);
      expect(heuristicConvChoice(lenet, 'forward', undefined, true)).toEqual({ subgroup: [14, 2] });
      expect(heuristicConvChoice(lenet, 'forward')).toEqual([14, 2]);
      expect(heuristicConvBlock(special[4], 'forward')).toEqual([4, 1]);
      expect(heuristicConvChoice(special[4], 'forward', undefined, true)).toEqual([4, 1]);
      expect(await conv.choose(lenet, 'forward')).toEqual({ subgroup: [14, 2] });
      // Its second conv (10 wide): 4 quads in rows of 10, not 8 (16 pixels a row); its input gradient (14
      // wide, 2 quads of 6 channels) in rows of 14. The general forward (11×11/4, no row-width blocks) keeps
      // 16 rows, and a 32-wide plane too (16 wastes nothing there).
      const lenet2: ConvSpec = { rows: 128, inC: 6, h: 14, w: 14, outC: 16, kernel: 5, stride: 1, padding: 0 };
      expect(heuristicConvBlock(lenet2, 'forward')).toEqual([10, 4]);
      expect(heuristicConvChoice(lenet2, 'input_grad', undefined, true)).toEqual({ subgroup: [14, 2] });
      expect(heuristicConvBlock({ ...cases[6], rows: 128 }, 'forward')).toEqual([16, 2]); // 8 wide: 10 rows would waste less, but it has none
      expect(heuristicConvBlock({ ...lenet, h: 32, w: 32 }, 'forward')).toEqual([16, 2]);
      // A pinned row-width block where the pass has none gives way.
      ctx.blockChoices.set(convProblemKey(cases[1], 'input_grad'), '14x8');
      expect(await conv.choose(cases[1], 'input_grad')).toEqual(heuristicConvChoice(cases[1], 'input_grad', undefined, true));
      // The weight gradient's subgroup form from 16 tap groups: LeNet's first conv has 5 (1 channel × 5
      // kernel rows), a 16-channel 3×3 layer 16 (one channel's 9 taps each).
      expect(heuristicConvChoice(lenet, 'weight_grad', undefined, true)).toEqual([4, 2]);
      const wide: ConvSpec = { rows: 8, inC: 16, h: 28, w: 28, outC: 16, kernel: 3, stride: 1, padding: 1 };
      expect(heuristicConvChoice(wide, 'weight_grad', undefined, true)).toEqual({ subgroup: [4, 4] });
      expect(heuristicConvChoice({ ...wide, inC: 15 }, 'weight_grad', undefined, true)).toEqual([4, 4]);
      // A pinned subgroup block where the pass has none (a cache from another device, a hand edit) gives way.
      ctx.blockChoices.set(convProblemKey(lenet, 'weight_grad'), 'sg16x8');
      expect(await conv.choose(lenet, 'weight_grad')).toEqual(heuristicConvChoice(lenet, 'weight_grad', undefined, true));
      expect(forwardEntry(special[4], { subgroup: [16, 2] })).toBe('conv_forward_k5s1_sg16x8');
      expect(inputGradEntry(gradCases[3], { subgroup: [8, 1] })).toBe('conv_input_grad_k5s1_sg8x4');
      // Every name a pass may record parses back (a run's manifest and the tuner's cache pin them by name).
      for (const pass of ['forward', 'input_grad', 'weight_grad'] as const) {
        for (const c of [special[4], special[2]]) for (const b of convChoices(c, pass, undefined, true)) expect(parseConvBlock(convBlockName(b))).toEqual(b);
      }
      ctx.blockChoices.set(convProblemKey(special[4], 'weight_grad'), 'sg4x8');
      expect(await conv.choose(special[4], 'weight_grad')).toEqual({ subgroup: [4, 2] });
    });
    it("gives its thread block's bits", async () => {
      for (const [c, b] of [[special[4], [16, 2]], [lanesShort, [8, 1]], [special[4], [10, 4]], [lanesShort, [7, 2]]] as const) {
        expect(await checkForward(c, { subgroup: b })).toEqual(await checkForward(c, b));
        expect(await checkInputGrad(c, { subgroup: b })).toEqual(await checkInputGrad(c, b));
      }
      for (const c of [wgCases[1], special[4]]) expect(await checkWeightGrad(c, { subgroup: [4, 2] })).toEqual(await checkWeightGrad(c, [4, 2]));
    });
    it.each(convSubgroupBlocks.map((b) => [convBlockName({ subgroup: b }), b] as const))('block %s: specialised forwards and input gradients', async (_name, block) => {
      for (const c of [...special, lanesShort]) await checkForward(c, { subgroup: block });
      for (const c of [...gradCases, lanesShort]) await checkInputGrad(c, { subgroup: block });
    });
    // The specialised weight gradients (row walk and flattened plane) in each subgroup block: tap-group
    // counts off 4 (k = 5 over 2 channels: 10 groups; k = 3: one group a channel) leave lanes short.
    it.each(wgBlocks.map((b) => [convBlockName({ subgroup: b }), b] as const))('block %s: specialised weight gradients', async (_name, block) => {
      for (const c of wgCases) await checkWeightGrad(c, { subgroup: block });
    });
  });
});

describe('Winograd (F(4×4, 3×3), the weight gradient F(3×3, 2×2)) vs CPU reference', () => {
  // Planes of odd height and width (the last tiles hang over both edges), channel counts off every vec4,
  // a 1×1 plane (all of each patch but its centre is padding), and launches past 1,024 invocations
  // (workgroups of 64). Tolerances as the implicit GEMM's: the transforms add at most 4·4 terms of a sum.
  const wino: Case[] = [
    { rows: 3, inC: 5, h: 7, w: 9, outC: 6, kernel: 3, stride: 1, padding: 1, activation: 'relu', inputActivation: 'sigmoid', withDx: true },
    { rows: 2, inC: 9, h: 6, w: 5, outC: 13, kernel: 3, stride: 1, padding: 1, activation: 'sigmoid', inputActivation: 'relu', withDx: true },
    { rows: 2, inC: 3, h: 1, w: 1, outC: 2, kernel: 3, stride: 1, padding: 1, activation: 'none', inputActivation: 'none', withDx: true },
    { rows: 9, inC: 8, h: 15, w: 15, outC: 10, kernel: 3, stride: 1, padding: 1, activation: 'relu', inputActivation: 'relu', withDx: true },
  ];
  it.each(wino)('$rows×$inC×$h×$w → $outC, $activation (input $inputActivation): forward, input gradient, weight gradient, the whole layer', async (c) => {
    await checkForward(c, 'winograd');
    await checkInputGrad(c, 'winograd');
    await checkWeightGrad(c, 'winograd');
    await check(c, 'winograd');
  });

  it('is offered for every pass of 3×3 stride-1 padding-1 convs within the operand cap, and is the default where both channel counts are ≥ 8 (≥ 64 for the weight gradient)', async () => {
    const s = wino[3];
    expect([winogradFits(s, 'forward'), winogradFits(s, 'input_grad'), winogradFits(s, 'weight_grad')]).toEqual([true, true, true]);
    for (const pass of ['forward', 'input_grad', 'weight_grad'] as const) {
      expect([{ ...s, padding: 0 }, { ...s, stride: 2 }, { ...s, kernel: 5, padding: 2 }].map((x) => winogradFits(x, pass))).toEqual([false, false, false]);
    }
    expect(winogradFits(s, 'forward', winogradBytes(s))).toBe(true);
    expect(winogradFits(s, 'forward', winogradBytes(s) - 1)).toBe(false);
    expect(heuristicConvChoice(s, 'forward')).toBe('winograd');
    expect(heuristicConvChoice(s, 'forward', winogradBytes(s) - 1)).toEqual(heuristicConvBlock(s, 'forward'));
    expect(heuristicConvChoice(wino[0], 'forward')).not.toBe('winograd');
    expect(heuristicConvChoice(s, 'weight_grad')).toEqual(heuristicConvBlock(s, 'weight_grad'));
    expect(heuristicConvChoice({ ...s, inC: 64, outC: 64 }, 'weight_grad')).toBe('winograd');
    // Chosen without a tuner: the heuristic's, recorded; a pinned Winograd beyond the device's cap gives way.
    const ctx = new KernelContext((await testGpu()).device);
    const conv = new Conv(ctx);
    expect(await conv.choose(s, 'input_grad')).toBe('winograd');
    expect(ctx.blockChoices.get(convProblemKey(s, 'input_grad'))).toBe('winograd');
    const huge = { ...s, rows: 4096 };
    ctx.blockChoices.set(convProblemKey(huge, 'forward'), 'winograd');
    expect(winogradBytes(huge)).toBeGreaterThan(conv.winogradMaxBytes);
    expect(await conv.choose(huge, 'forward')).toEqual(heuristicConvChoice(huge, 'forward', conv.winogradMaxBytes, conv.subgroups));
  });
});

/** dW and db in `block`, against the reference; a rerun gives the same bits, which it returns. */
async function checkWeightGrad(c: Case, block: ConvChoice): Promise<Uint32Array> {
  const ctx = await sharedContext();
  const device = ctx.device;
  const g = convGeometry(c);
  const cp = g.c4 * 4;
  const x = randomArray(c.rows * c.inC * c.h * c.w, 11, 2);
  const w = randomArray(c.outC * g.k, 12, 0.5);
  const dy = randomArray(c.rows * c.outC * g.pixels, 13);
  const sc = convScratch(c);
  const dbOffset = Math.ceil((g.kRows * cp) / 64) * 64;
  const buf = {
    x: upload(device, padRows(x, c.rows, c.inC * c.h * c.w, g.xStride)),
    w: upload(device, toGpuMatrix(w, c.outC, g.k, g.kRows, cp)),
    dy: upload(device, padRows(dy, c.rows, c.outC * g.pixels, g.yStride)),
    dyp: emptyBuffer(device, sc.dyp),
    partials: emptyBuffer(device, sc.partials),
    grads: upload(device, new Float32Array(dbOffset + cp).fill(Number.NaN)),
  };
  const b = (k: keyof typeof buf) => ({ buffer: buf[k] });
  const list = await new Conv(ctx).backward(c, 'none', {
    x: b('x'), w: b('w'), dy: b('dy'), dyp: b('dyp'), partials: b('partials'),
    dw: { buffer: buf.grads, offset: 0, size: g.kRows * cp * 4 }, db: { buffer: buf.grads, offset: dbOffset * 4, size: cp * 4 },
  }, 'test.conv', { weight_grad: block });
  await runDispatches(device, list);
  const first = await readFloats(device, buf.grads, 0, dbOffset + cp);
  await runDispatches(device, list);
  const again = await readFloats(device, buf.grads, 0, dbOffset + cp);
  const tag = block === 'winograd' ? `winograd on ${c.rows}×${c.inC}×${c.h}×${c.w} → ${c.outC}` : `${weightGradEntry(c, block)} on ${c.rows}×${c.inC}×${c.h}×${c.w} → ${c.outC}@${c.kernel}/${c.stride} p${c.padding}, split ${JSON.stringify(weightGradSplit(c, blockOf(block)))}`;
  const ref = conv2dBackward(x, w, dy, { ...c, batch: c.rows });
  // Sums over B·OH·OW positions of products of values ≤ 2 · 1.
  const tol = 1e-5 * Math.sqrt(c.rows * g.pixels);
  const dw = compareArrays(fromGpuMatrix(first.subarray(0, g.kRows * cp), c.outC, g.k, cp), ref.dW, tol, 1e-4);
  expect(dw.ok, `dW max diff ${dw.maxDiff} (${tag})`).toBe(true);
  const db = compareArrays(first.subarray(dbOffset, dbOffset + c.outC), ref.dB, tol, 1e-4);
  expect(db.ok, `db max diff ${db.maxDiff} (${tag})`).toBe(true);
  expect(first.subarray(g.k * cp, g.kRows * cp).every((v) => v === 0) && first.subarray(dbOffset + c.outC, dbOffset + cp).every((v) => v === 0), `dW and db padding (${tag})`).toBe(true);
  expect(new Uint32Array(again.buffer).every((v, i) => v === new Uint32Array(first.buffer)[i]), `rerun bits (${tag})`).toBe(true);
  return new Uint32Array(first.buffer);
}

/** dX alone in `block` (the weight gradient in one fixed block), against the reference; a rerun gives the same bits. */
async function checkInputGrad(c: Case, block: ConvChoice): Promise<Uint32Array> {
  const ctx = await sharedContext();
  const device = ctx.device;
  const g = convGeometry(c);
  const cp = g.c4 * 4;
  const x = applyActivation(randomArray(c.rows * c.inC * c.h * c.w, 8, 2), c.inputActivation);
  const w = randomArray(c.outC * g.k, 9, 0.5);
  const dy = randomArray(c.rows * c.outC * g.pixels, 10);
  const fanIn = c.inC * c.h * c.w;
  const sc = convScratch(c);
  const dbOffset = Math.ceil((g.kRows * cp) / 64) * 64;
  const buf = {
    x: upload(device, padRows(x, c.rows, fanIn, g.xStride)),
    w: upload(device, toGpuMatrix(w, c.outC, g.k, g.kRows, cp)),
    dy: upload(device, padRows(dy, c.rows, c.outC * g.pixels, g.yStride)),
    dyp: emptyBuffer(device, sc.dyp),
    partials: emptyBuffer(device, sc.partials),
    columns: emptyBuffer(device, sc.columns),
    grads: emptyBuffer(device, dbOffset + cp),
    dx: upload(device, new Float32Array(c.rows * g.xStride).fill(Number.NaN)),
  };
  const b = (k: keyof typeof buf) => ({ buffer: buf[k] });
  const list = await new Conv(ctx).backward(c, c.inputActivation, {
    x: b('x'), w: b('w'), dy: b('dy'), dyp: b('dyp'), partials: b('partials'), columns: b('columns'), dx: b('dx'),
    dw: { buffer: buf.grads, offset: 0, size: g.kRows * cp * 4 }, db: { buffer: buf.grads, offset: dbOffset * 4, size: cp * 4 },
  }, 'test.conv', { weight_grad: [4, 1], input_grad: block });
  await runDispatches(device, list);
  const first = await readFloats(device, buf.dx, 0, c.rows * g.xStride);
  await runDispatches(device, list);
  const again = await readFloats(device, buf.dx, 0, c.rows * g.xStride);
  const tag = `${block === 'winograd' ? block : inputGradEntry(c, block)} on ${c.rows}×${c.inC}×${c.h}×${c.w} → ${c.outC}@${c.kernel}/${c.stride} p${c.padding}`;
  const dxRef = activationDerivative(conv2dBackward(x, w, dy, { ...c, batch: c.rows }).dX, x, c.inputActivation);
  // Sums of Cout·k² products of values ≤ 1 · 0.5.
  const dx = compareArrays(unpadRows(first, c.rows, fanIn, g.xStride), dxRef, 1e-5 * Math.sqrt(c.outC * c.kernel * c.kernel), 1e-4);
  expect(dx.ok, `dX max diff ${dx.maxDiff} (${tag})`).toBe(true);
  expect(Array.from({ length: c.rows }, (_, r) => first.subarray(r * g.xStride + fanIn, (r + 1) * g.xStride)).every((p) => p.every((v) => v === 0)), `dX padding (${tag})`).toBe(true);
  expect(new Uint32Array(again.buffer).every((v, i) => v === new Uint32Array(first.buffer)[i]), `rerun bits (${tag})`).toBe(true);
  return new Uint32Array(first.buffer);
}

/** The forward alone in `block`, against the reference; a second run must give the same bits. */
async function checkForward(c: Case, block: ConvChoice): Promise<Uint32Array> {
  const ctx = await sharedContext();
  const device = ctx.device;
  const g = convGeometry(c);
  const cp = g.c4 * 4;
  const x = randomArray(c.rows * c.inC * c.h * c.w, 5, 2);
  const w = randomArray(c.outC * g.k, 6, 0.5);
  const bias = randomArray(c.outC, 7);
  const fanIn = c.inC * c.h * c.w;
  const outFeatures = c.outC * g.pixels;
  const buf = {
    x: upload(device, padRows(x, c.rows, fanIn, g.xStride)),
    w: upload(device, toGpuMatrix(w, c.outC, g.k, g.kRows, cp)),
    bias: upload(device, padRows(bias, 1, c.outC, cp)),
    y: upload(device, new Float32Array(c.rows * g.yStride).fill(Number.NaN)),
  };
  const b = (k: keyof typeof buf) => ({ buffer: buf[k] });
  const d = await new Conv(ctx).forward(c, c.activation, { x: b('x'), w: b('w'), bias: b('bias'), y: b('y') }, 'test.conv', block);
  await runDispatches(device, d);
  const first = await readFloats(device, buf.y, 0, c.rows * g.yStride);
  await runDispatches(device, d);
  const again = await readFloats(device, buf.y, 0, c.rows * g.yStride);
  const tag = `${block === 'winograd' ? block : forwardEntry(c, block)} on ${c.rows}×${c.inC}×${c.h}×${c.w} → ${c.outC}@${c.kernel}/${c.stride} p${c.padding}`;
  const yRef = applyActivation(conv2dForward(x, w, bias, { ...c, batch: c.rows }), c.activation);
  const fwd = compareArrays(unpadRows(first, c.rows, outFeatures, g.yStride), yRef, 1e-5 * Math.sqrt(g.k), 1e-4);
  expect(fwd.ok, `forward max diff ${fwd.maxDiff} (${tag})`).toBe(true);
  expect(Array.from({ length: c.rows }, (_, r) => first.subarray(r * g.yStride + outFeatures, (r + 1) * g.yStride)).every((p) => p.every((v) => v === 0)), `padding (${tag})`).toBe(true);
  expect(new Uint32Array(again.buffer).every((v, i) => v === new Uint32Array(first.buffer)[i]), `rerun bits (${tag})`).toBe(true);
  return new Uint32Array(first.buffer);
}

/** One kernel context for the file: each pipeline compiles once (SwiftShader takes seconds per pipeline). */
let context: Promise<KernelContext> | undefined;
const sharedContext = () => (context ??= testGpu().then((g) => new KernelContext(g.device)));

async function check(c: Case, block?: ConvChoice): Promise<void> {
  const tag = block ? ` (block ${convBlockName(block)}, ${c.rows}×${c.inC}×${c.h}×${c.w} → ${c.outC}@${c.kernel}/${c.stride} p${c.padding})` : '';
  {
    const ctx = await sharedContext();
    const device = ctx.device;
    const g = convGeometry(c);
    const cp = g.c4 * 4;
    // The input is the producer's output: in (0, 1) after a sigmoid, ≥ 0 after a ReLU.
    const x = applyActivation(randomArray(c.rows * c.inC * c.h * c.w, 1, 2), c.inputActivation);
    const w = randomArray(c.outC * g.k, 2, 0.5);
    const bias = randomArray(c.outC, 3);
    const dy = randomArray(c.rows * c.outC * g.pixels, 4);
    const fanIn = c.inC * c.h * c.w;
    const dbOffset = Math.ceil((g.kRows * cp) / 64) * 64;
    const outFeatures = c.outC * g.pixels;
    const buf = {
      x: upload(device, padRows(x, c.rows, fanIn, g.xStride)),
      w: upload(device, toGpuMatrix(w, c.outC, g.k, g.kRows, cp)),
      bias: upload(device, padRows(bias, 1, c.outC, cp)),
      // Outputs poisoned with NaN: every element, the row padding included, must be written.
      y: upload(device, new Float32Array(c.rows * g.yStride).fill(Number.NaN)),
      dy: upload(device, padRows(dy, c.rows, outFeatures, g.yStride)),
      dyp: emptyBuffer(device, convScratch(c).dyp),
      partials: emptyBuffer(device, convScratch(c).partials),
      columns: emptyBuffer(device, convScratch(c).columns),
      // dW and db as sub-ranges of one buffer, as in the gradient arena (two writable bindings of it).
      grads: emptyBuffer(device, dbOffset + cp),
      dx: upload(device, new Float32Array(c.rows * g.xStride).fill(Number.NaN)),
    };
    const b = (k: keyof typeof buf) => ({ buffer: buf[k] });
    const conv = new Conv(ctx);
    const list = [
      ...(await conv.forward(c, c.activation, { x: b('x'), w: b('w'), bias: b('bias'), y: b('y') }, 'test.conv', block)),
      ...(await conv.backward(c, c.inputActivation, { x: b('x'), w: b('w'), dy: b('dy'), dyp: b('dyp'), partials: b('partials'), dw: { buffer: buf.grads, offset: 0, size: g.kRows * cp * 4 }, db: { buffer: buf.grads, offset: dbOffset * 4, size: cp * 4 }, dx: c.withDx ? b('dx') : undefined, columns: b('columns') }, 'test.conv', block && { weight_grad: block, input_grad: block })),
    ];
    await runDispatches(device, list);

    const yRef = applyActivation(conv2dForward(x, w, bias, { ...c, batch: c.rows }), c.activation);
    const yGot = await readFloats(device, buf.y, 0, c.rows * g.yStride);
    // Forward: f32 sums of k = Cin·k² products of values ≤ 2 · 0.5.
    const fwd = compareArrays(unpadRows(yGot, c.rows, outFeatures, g.yStride), yRef, 1e-5 * Math.sqrt(g.k), 1e-4);
    expect(fwd.ok, `forward max diff ${fwd.maxDiff}${tag}`).toBe(true);
    expect(Array.from({ length: c.rows }, (_, r) => yGot.subarray(r * g.yStride + outFeatures, (r + 1) * g.yStride)).every((p) => p.every((v) => v === 0)), 'padding').toBe(true);

    const ref = conv2dBackward(x, w, dy, { ...c, batch: c.rows });
    // Gradients: sums over B·OH·OW positions (up to 3,920 here) of products of values ≤ 2.
    const dw = compareArrays(fromGpuMatrix(await readFloats(device, buf.grads, 0, g.kRows * cp), c.outC, g.k, cp), ref.dW, 1e-4 * Math.sqrt(c.rows * g.pixels), 1e-3);
    expect(dw.ok, `dW max diff ${dw.maxDiff}${tag}`).toBe(true);
    const dbGot = await readFloats(device, buf.grads, dbOffset, cp);
    const db = compareArrays(dbGot.subarray(0, c.outC), ref.dB, 1e-4 * Math.sqrt(c.rows * g.pixels), 1e-3);
    expect(db.ok, `db max diff ${db.maxDiff}${tag}`).toBe(true);
    expect([...dbGot.subarray(c.outC)].every((v) => v === 0), 'db padding').toBe(true);
    if (c.withDx) {
      const dxRef = activationDerivative(ref.dX, x, c.inputActivation);
      const dxGot = await readFloats(device, buf.dx, 0, c.rows * g.xStride);
      const dx = compareArrays(unpadRows(dxGot, c.rows, fanIn, g.xStride), dxRef, 1e-4, 1e-3);
      expect(dx.ok, `dX max diff ${dx.maxDiff}${tag}`).toBe(true);
      expect(Array.from({ length: c.rows }, (_, r) => dxGot.subarray(r * g.xStride + fanIn, (r + 1) * g.xStride)).every((p) => p.every((v) => v === 0)), 'dX padding').toBe(true);
    }
  }
}
