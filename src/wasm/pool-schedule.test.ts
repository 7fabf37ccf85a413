// The pool's scheduling under many back-to-back commands (one training step each, the trainer's worst
// case) on more threads than cores: a phase starts once the tiles before it are done, and the caller
// posts a command only after every worker has left the previous one (a worker on its way out must never
// draw the next command's tickets). Two epochs of the MLP, losses, validation and weights, bit for bit.
import { expect, it } from 'vitest';
import { firstExamples } from '../../tests/helpers/dataset-slice';
import { loadBuiltin } from '../data/builtin';
import { readFromDir } from '../data/builtin-node';
import { benchConfig } from '../cli/bench-config';
import { DataModule } from '../model/data-module';
import { initParams } from '../model/params';
import { WasmBackend } from '../model/wasm-backend';
import { buildArchitecture } from '../model/zoo';

it('many one-step commands: same bits on 1, 2 and 5 threads', async () => {
  const full = await loadBuiltin('fashion-mnist', readFromDir());
  const data = firstExamples(full, 4000, 300);
  const config = { ...benchConfig('mlp'), batchSize: 16 };
  const arch = buildArchitecture(config, data.shape, 10);
  const results: number[][] = [];
  for (const threads of [1, 2, 5]) {
    const wasm = await WasmBackend.create({ arch, data, batchSize: 16, weightDecay: 0, seed: 0, threads });
    wasm.writeParams(initParams(arch, 0));
    const dm = new DataModule(data, 16, 0);
    const losses: number[] = [];
    for (let e = 0; e < 2; e++) {
      wasm.beginEpoch(dm.order(e), new Float32Array(dm.stepsPerEpoch).fill(0.1), e * dm.stepsPerEpoch);
      for (let s = 0; s < dm.stepsPerEpoch; s++) losses.push(...(await wasm.trainSteps(s, s + 1)).sums);
      losses.push((await wasm.validate()).lossSum);
    }
    // profile() rewrites a program between commands: a worker still leaving one must not read it.
    await wasm.profile(2);
    const p = await wasm.readParams();
    for (const t of p.values()) losses.push(...t.slice(0, 50));
    wasm.destroy();
    results.push(losses);
  }
  expect(results[1]).toEqual(results[0]);
  expect(results[2]).toEqual(results[0]);
}, 120000);
