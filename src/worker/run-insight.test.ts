// "What the model learned" through the engine in Node on real WebGPU (Dawn): the per-epoch confusion
// matrix agrees with the accuracy, a cell's examples are that cell's rows (most confident first), the
// CPU forward on the weights copy agrees with the GPU's outcomes, and the inside of LeNet has its
// filters and activation maps. The CPU reference backend lists the same examples.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testGpu } from '../../tests/helpers/gpu';
import { nodePlatform } from '../cli/node-platform';
import { defaultConfig, type TrainConfig } from '../model/config';
import type { EpochSummary, RunStatus } from '../model/metrics';
import type { EpochValidation, TestReport } from './insight-types';
import { encodeIdx } from '../data/idx';
import { decodeRunFile } from '../io/checkpoint';
import type { Manifest } from '../io/manifest';
import { initParams } from '../model/params';
import { buildArchitecture } from '../model/zoo';
import { LabEngine } from './lab-engine';
import { lookInside } from './model-inside';
import { predictWith } from './own-input';

const engine = new LabEngine({ ...nodePlatform(), acquireGpu: async () => ({ ok: true, gpu: await testGpu() }) });
beforeAll(() => engine.init());
afterAll(() => engine.destroy());

async function train(e: LabEngine, config: TrainConfig): Promise<{ validations: EpochValidation[]; epochs: EpochSummary[] }> {
  const validations: EpochValidation[] = [];
  const epochs: EpochSummary[] = [];
  const statuses: RunStatus[] = [];
  await e.train(config, { metric: () => {}, progress: () => {}, status: (s) => statuses.push(s), epoch: (s) => epochs.push(s), validation: (v) => validations.push(v) }, false);
  expect(statuses.at(-1)).toBe('done');
  return { validations, epochs };
}

const trace = (m: Uint32Array, c: number) => Array.from({ length: c }, (_, i) => m[i * c + i]).reduce((a, b) => a + b, 0);

describe('run insight on the GPU', () => {
  it('softmax: per-epoch matrices, a cell\'s examples, own input on the weights copy', async () => {
    await engine.loadBuiltin('fashion-mnist');
    const { validations, epochs } = await train(engine, { ...defaultConfig, model: 'softmax', epochs: 2, limit: 2048, backend: 'webgpu' });
    expect(validations.map((v) => v.epoch)).toEqual([1, 2]);
    for (const [i, v] of validations.entries()) {
      expect(v.count).toBe(10_000);
      expect(v.invalid).toBe(0);
      expect(v.confusion.reduce((a, b) => a + b, 0)).toBe(10_000);
      expect(trace(v.confusion, 10) / v.count).toBe(epochs[i].val_acc);
      expect(v.calibration.binRows.reduce((a, b) => a + b, 0)).toBe(10_000);
    }
    const last = validations[1];
    // The largest off-diagonal cell.
    let best = { t: 0, p: 1, n: -1 };
    for (let t = 0; t < 10; t++) for (let p = 0; p < 10; p++) if (t !== p && last.confusion[t * 10 + p] > best.n) best = { t, p, n: last.confusion[t * 10 + p] };
    const page = await engine.examples({ trueClass: best.t, predClass: best.p, limit: 12 });
    expect(page.total).toBe(best.n);
    expect(page.epoch).toBe(2);
    expect(page.shown).toHaveLength(Math.min(12, best.n));
    expect(page.shape).toEqual([1, 28, 28]);
    for (const ex of page.shown) {
      expect(ex.label).toBe(best.t);
      expect(ex.top[0]).toBe(best.p);
      expect(ex.top).toHaveLength(3);
      expect(ex.features).toBeInstanceOf(Uint8Array);
      expect(ex.features.length).toBe(784);
    }
    const conf = page.shown.map((e) => e.probs[0]);
    expect(conf).toEqual([...conf].sort((a, b) => b - a));
    // The exported model, opened again and evaluated, counts the same matrix (same weights, same data).
    const exported = await engine.exportWeights();
    await engine.openRun(exported.bytes, exported.filename);
    const evaluation = await engine.evaluate();
    expect(Array.from(evaluation.validation!.confusion)).toEqual(Array.from(last.confusion));
    expect(evaluation.validation!.calibration.binRows).toEqual(last.calibration.binRows);
    const wrong = await engine.examples({ wrongOnly: true, limit: 5 });
    expect(wrong.total).toBe(10_000 - trace(last.confusion, 10));
    expect(wrong.shown[0].probs[0]).toBeGreaterThanOrEqual(page.shown[0].probs[0]);

    // The CPU forward on the weights copy gives the GPU's probabilities for the same examples.
    const rows = page.shown.length;
    const x = new Uint8Array(rows * 784);
    page.shown.forEach((e, r) => x.set(e.features as Uint8Array, r * 784));
    const pred = await engine.predict(x, rows);
    expect(pred.weights).toBe('epoch 2');
    let maxDiff = 0;
    page.shown.forEach((e, r) => e.top.forEach((c, k) => (maxDiff = Math.max(maxDiff, Math.abs(pred.probs[r * 10 + c] - e.probs[k])))));
    expect(maxDiff, 'max |p_cpu − p_gpu|').toBeLessThan(1e-5);

    const inside = await engine.inside(page.shown[0].index);
    expect(inside.dense).toMatchObject({ units: 10, tileShape: [1, 28, 28] });
    expect(inside.dense!.weights.length).toBe(7840);
    expect(inside.convs).toEqual([]);
    expect(inside.example.label).toBe(best.t);
  });
});

describe('the best epoch', () => {
  it('is kept by validation loss and exported with exactly that epoch\'s weights', async () => {
    const config: TrainConfig = { ...defaultConfig, model: 'softmax', epochs: 3, limit: 1024, lr: 0.5, backend: 'webgpu' };
    const { epochs } = await train(engine, config);
    const losses = epochs.map((e) => e.val_loss);
    const bestEpoch = losses.indexOf(Math.min(...losses)) + 1;
    const best = await engine.exportWeights({ which: 'best' });
    expect(best.filename).toBe(`fashion-mnist-softmax-best-epoch${bestEpoch}.safetensors`);
    const file = decodeRunFile(best.bytes, best.filename);
    expect(file.manifest.epochsDone).toBe(bestEpoch);
    expect(file.manifest.contents).toBe('export');
    expect(file.optimizerState.size).toBe(0);
    const kept = await engine.keepRun();
    expect(kept.best).toMatchObject({ epoch: bestEpoch, by: 'val-loss', value: losses[bestEpoch - 1] });
    // The same run stopped at the best epoch ends with the same weights, bit for bit (same seed, same device).
    await train(engine, { ...config, epochs: bestEpoch });
    const last = decodeRunFile((await engine.exportWeights()).bytes, 'last');
    const bytes = (t: Float32Array) => Buffer.from(t.buffer, t.byteOffset, t.byteLength);
    expect([...last.params.keys()].sort()).toEqual([...file.params.keys()].sort());
    for (const [name, t] of last.params) expect(bytes(file.params.get(name)!).equals(bytes(t)), name).toBe(true);
  });
});

describe('a test split', () => {
  it('is evaluated once, when the run finishes, on the final weights, and kept with the run', async () => {
    const images = (n: number, seed: number) => encodeIdx('u8', [n, 4, 4], Array.from({ length: n * 16 }, (_, i) => (i * 37 + seed * 11 + ((i * i) % 13)) % 256));
    const labels = (n: number) => encodeIdx('u8', [n], Array.from({ length: n }, (_, i) => (i * 5) % 3));
    const file = (name: string, bytes: Uint8Array) => new File([bytes as Uint8Array<ArrayBuffer>], name);
    const summary = await engine.loadFiles(
      [file('train-images', images(96, 1)), file('train-labels', labels(96)), file('val-images', images(40, 2)), file('val-labels', labels(40)), file('t10k-images', images(27, 3)), file('t10k-labels', labels(27))],
      undefined, { testFiles: ['t10k-*'] },
    );
    expect(summary.counts).toEqual({ train: 96, val: 40, test: 27 });
    const reports: TestReport[] = [];
    const statuses: RunStatus[] = [];
    const validations: EpochValidation[] = [];
    await engine.train({ ...defaultConfig, model: 'softmax', epochs: 2, batchSize: 32, backend: 'webgpu' }, {
      metric: () => {}, progress: () => {}, status: (st) => statuses.push(st), validation: (v) => validations.push(v), test: (r) => reports.push(r),
    }, false);
    expect(reports).toHaveLength(1);
    const r = reports[0];
    expect(r.epoch).toBe(2);
    expect(r.count).toBe(27);
    expect(r.confusion.reduce((a, b) => a + b, 0) + r.invalid).toBe(27);
    expect(trace(r.confusion, 3) / 27).toBe(r.acc);
    // Validation saw the 40 validation examples every epoch; the test split only once.
    expect(validations.map((v) => v.count)).toEqual([40, 40]);
    const kept = await engine.keepRun();
    expect(kept.test).toEqual(r);
  });
});

describe('inside LeNet (reference forward on a copy of the weights)', () => {
  it('has the filters and activation maps of every conv layer, and no dense tile', () => {
    const config = { ...defaultConfig, model: 'lenet' as const };
    const arch = buildArchitecture(config, [1, 28, 28], 10);
    const file = { manifest: { architecture: arch, config, normalization: { kind: 'scale', scale: 1 / 255 } } as unknown as Manifest, params: initParams(arch, 0), optimizerState: new Map() };
    const x = new Uint8Array(4 * 784).map((_, i) => (i * 37) % 256);
    const inside = lookInside(file, { x, y: Uint32Array.from([3, 1, 4, 1]), count: 4 }, 2);
    expect(inside.convs.map((c) => c.shape)).toEqual([[6, 1, 5, 5], [16, 6, 5, 5]]);
    expect(inside.convs.map((c) => c.activationShape)).toEqual([[6, 28, 28], [16, 10, 10]]);
    expect(inside.convs[0].activation.every(Number.isFinite)).toBe(true);
    expect(inside.dense).toBeUndefined();
    expect(inside.example).toMatchObject({ index: 2, label: 4, shape: [1, 28, 28] });
    expect(Array.from(inside.example.features)).toEqual(Array.from(x.subarray(2 * 784, 3 * 784)));
    expect(() => lookInside(file, { x, y: new Uint32Array(4), count: 4 }, 4)).toThrow('No validation example 4');
    const p = predictWith(file, x.subarray(0, 784), 1);
    expect(p.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });
});

describe('run insight on the CPU reference', () => {
  it('lists the same cell as the GPU would: most confident first, from the reference outcomes', async () => {
    await engine.loadBuiltin('fashion-mnist');
    const { validations } = await train(engine, { ...defaultConfig, model: 'softmax', epochs: 1, limit: 512, backend: 'reference' });
    const v = validations[0];
    expect(trace(v.confusion, 10)).toBe(Math.round(v.acc * v.count));
    const page = await engine.examples({ trueClass: 6, predClass: 0, limit: 4 });
    expect(page.total).toBe(v.confusion[6 * 10 + 0]);
    page.shown.forEach((e) => expect([e.label, e.top[0]]).toEqual([6, 0]));
    const conf = page.shown.map((e) => e.probs[0]);
    expect(conf).toEqual([...conf].sort((a, b) => b - a));
  });
});
