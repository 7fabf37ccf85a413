// The WebAssembly backend's own checks against the CPU reference beyond the shared training suite
// (training.test.ts): the validation statistics of issue 12 (confusion matrix, invalid rows, calibration
// bins, per-row outcomes and their selection) and a training step through the augmenting gather.
import { firstExamples } from '../../tests/helpers/dataset-slice';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltin } from '../data/builtin';
import { readFromDir } from '../data/builtin-node';
import type { Dataset } from '../data/dataset';
import { applyPreset, defaultConfig, presets, type TrainConfig } from './config';
import { CpuBackend } from './cpu-backend';
import { DataModule } from './data-module';
import { initParams } from './params';
import { WasmBackend } from './wasm-backend';
import { buildArchitecture } from './zoo';

let full: Dataset;
beforeAll(async () => {
  full = await loadBuiltin('fashion-mnist', readFromDir());
});

const slice = (train: number, val: number): Dataset => firstExamples(full, train, val);

async function pair(config: TrainConfig, data: Dataset, extra: { augment?: { crop: number; flip: boolean } } = {}) {
  const arch = buildArchitecture(config, data.shape, data.classNames.length);
  const params = initParams(arch, config.seed);
  const run = { arch, data, batchSize: config.batchSize, weightDecay: config.weightDecay, optimizer: config.optimizer, momentum: config.momentum, seed: config.seed, ...extra };
  const wasm = await WasmBackend.create({ ...run, threads: 3, valBatch: 128 });
  wasm.writeParams(params);
  return { wasm, cpu: new CpuBackend({ ...run, params }) };
}

describe('wasm validation statistics vs the CPU reference', () => {
  it('LeNet after a few steps, 333 validation rows in batches of 128: loss, matrix, bins and selections', async () => {
    const config = { ...applyPreset(defaultConfig, presets['lenet-lab']), batchSize: 64 };
    const data = slice(256, 333);
    const { wasm, cpu } = await pair(config, data);
    const order = new DataModule(data, 64, 0).order(0);
    const lrs = new Float32Array(4).fill(0.01);
    wasm.beginEpoch(order, lrs, 0);
    await wasm.trainSteps(0, 4);
    cpu.writeParams(await wasm.readParams());
    const [w, c] = [await wasm.validate(), await cpu.validate()];
    expect(w.count).toBe(333);
    expect(Math.abs(w.lossSum - c.lossSum)).toBeLessThanOrEqual(1e-4 * c.lossSum);
    // f32 logits vs f64: an argmax may flip only on a near-tie, so the counts agree exactly here.
    expect(w.correct).toBe(c.correct);
    expect(w.invalid).toBe(0);
    expect(Array.from(w.confusion!)).toEqual(Array.from(c.confusion!));
    let trace = 0;
    for (let k = 0; k < 10; k++) trace += w.confusion![k * 10 + k];
    expect(trace).toBe(w.correct);
    expect(w.calibration!.binRows).toEqual(c.calibration!.binRows);
    expect(w.calibration!.binCorrect).toEqual(c.calibration!.binCorrect);
    expect(w.calibration!.trueHistogram).toEqual(c.calibration!.trueHistogram);
    w.calibration!.binConfidence.forEach((v, b) => expect(Math.abs(v - c.calibration!.binConfidence[b])).toBeLessThanOrEqual(1e-4));
    expect(Math.abs(w.calibration!.trueProbability - c.calibration!.trueProbability)).toBeLessThanOrEqual(1e-4);
    // A matrix cell's rows and every mistake, most confident first, as the reference lists them.
    expect(wasm.outcomes.passes).toBe(1);
    const cell = { trueClass: 0, predClass: 6 };
    const [ws, cs] = [await wasm.outcomes.select(cell), await cpu.outcomes.select(cell)];
    expect(ws.length).toBe(w.confusion![6]);
    expect(ws.map((r) => r.index)).toEqual(cs.map((r) => r.index));
    const mistakes = await wasm.outcomes.select({ wrongOnly: true });
    expect(mistakes.length).toBe(333 - w.correct);
    expect(mistakes.map((r) => r.index)).toEqual((await cpu.outcomes.select({ wrongOnly: true })).map((r) => r.index));
    const [row] = await wasm.outcomes.rows([mistakes[0].index]);
    const [ref] = await cpu.outcomes.rows([mistakes[0].index]);
    expect(row.top).toEqual(ref.top);
    row.probs.forEach((p, k) => expect(Math.abs(p - ref.probs[k])).toBeLessThanOrEqual(1e-5));
    wasm.destroy();
  });
});

describe('wasm training through the augmenting gather', () => {
  it('one LeNet step with crop 2 + flip in epoch 1 (the epoch keys the draws): every tensor within 1e-6 of the reference', async () => {
    const config = { ...applyPreset(defaultConfig, presets['lenet-d2l']), batchSize: 50 };
    const data = slice(100, 20);
    const augment = { crop: 2, flip: true };
    const { wasm, cpu } = await pair(config, data, { augment });
    const order = new DataModule(data, 50, 0).order(1);
    const lrs = new Float32Array(2).fill(0.1);
    // Epoch 1 starts at global step 2 (two steps an epoch).
    wasm.beginEpoch(order, lrs, 2);
    cpu.beginEpoch(order, lrs, 2);
    const [lw, lc] = [await wasm.trainSteps(0, 1), await cpu.trainSteps(0, 1)];
    expect(Math.abs(lw.sums[0] - lc.sums[0])).toBeLessThanOrEqual(1e-5 * lc.sums[0]);
    const [pw, pc] = [await wasm.readParams(), await cpu.readParams()];
    for (const [name, ref] of pc) {
      const got = pw.get(name)!;
      let m = 0;
      for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(got[i] - ref[i]));
      expect(m, name).toBeLessThanOrEqual(1e-6);
    }
    wasm.destroy();
  });
});
