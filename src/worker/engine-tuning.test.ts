// The engine's run asks the autotuner for every large problem of its training step, conv passes as well
// as matmul products (real WebGPU, Dawn): a choice cached for this adapter is taken, pinned, recorded in
// the run's kernel choices and shown by the step's profile. Cached choices other than the heuristic's
// tell a tuned pass from one that fell back to the heuristic, without timing anything.
import { afterAll, describe, expect, it } from 'vitest';
import { testGpu } from '../../tests/helpers/gpu';
import { nodePlatform } from '../cli/node-platform';
import { kernelsVersion, memoryChoiceStore } from '../gpu/autotune';
import { convBlockName, convProblemKey, heuristicConvBlock, type ConvPass, type ConvSpec } from '../gpu/conv';
import { defaultConfig } from '../model/config';
import type { StartupProgress } from './protocol';
import { LabEngine } from './lab-engine';

const store = memoryChoiceStore();
const engine = new LabEngine({ ...nodePlatform(), acquireGpu: async () => ({ ok: true, gpu: await testGpu() }), kernelChoices: store });
afterAll(() => engine.destroy());

describe('autotuned choices in a run', () => {
  it("take the cached block of each of the training step's conv passes and the cached matmul variant", async () => {
    const gpu = await testGpu();
    const batch = 128;
    // LeNet's first conv (1→6, 5×5 pad 2 on 28×28): its forward and weight gradient; the first dense layer's product.
    const conv1: ConvSpec = { rows: batch, inC: 1, h: 28, w: 28, outC: 6, kernel: 5, stride: 1, padding: 2 };
    const notHeuristic = (pass: ConvPass) => (convBlockName(heuristicConvBlock(conv1, pass)) === '4x4' ? '8x4' : '4x4');
    const cached = {
      [convProblemKey(conv1, 'forward')]: notHeuristic('forward'),
      [convProblemKey(conv1, 'weight_grad')]: notHeuristic('weight_grad'),
      [`nn:${batch}:120:400`]: '4x4',
    };
    await store.save({ [`${kernelsVersion} ${gpu.description}`]: cached });

    await engine.init();
    await engine.loadBuiltin('fashion-mnist');
    const startup: StartupProgress[] = [];
    await engine.train({ ...defaultConfig, model: 'lenet', epochs: 1, limit: 256, batchSize: batch, backend: 'webgpu' }, {
      metric: () => {}, progress: () => {}, status: () => {}, startup: (e) => startup.push(e),
    }, false);
    const r = (await engine.profile())!;
    expect(Object.fromEntries(Object.keys(cached).map((k) => [k, r.kernelChoices[k]]))).toEqual(cached);
    const variant = (label: string) => r.kernels.find((k) => k.label === label)?.variant;
    expect([variant('layers.0.forward'), variant('layers.0.backward.dWPartial'), variant('layers.7.forward')]).toEqual(Object.values(cached));
    expect(startup.filter((e) => e.phase === 'tune').map((e) => e.message)).toEqual(expect.arrayContaining([
      'Tuning conv… (forward, 1→6 5×5/1 on 28×28)', 'Tuning conv… (weight grad, 1→6 5×5/1 on 28×28)', `Tuning matmul… (${batch}×120×400)`,
    ]));
  });
});
