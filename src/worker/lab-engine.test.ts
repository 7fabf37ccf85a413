// The engine end to end in Node on real WebGPU (Dawn): built-in dataset, a short run, and an export
// that decodes back to exactly the trained tensors.
import { afterAll, describe, expect, it } from 'vitest';
import { testGpu } from '../../tests/helpers/gpu';
import { nodePlatform } from '../cli/node-platform';
import { decodeWeights } from '../io/weights-file';
import { defaultConfig } from '../model/config';
import type { EpochSummary, MetricRecord, RunStatus } from '../model/metrics';
import { LabEngine } from './lab-engine';

const engine = new LabEngine({ ...nodePlatform(), acquireGpu: async () => ({ ok: true, gpu: await testGpu() }) });
afterAll(() => engine.destroy());

describe('LabEngine', () => {
  it('trains softmax for 2 epochs, plots points, stops and continues, and exports a file that loads back bit for bit', async () => {
    await engine.init();
    const summary = await engine.loadBuiltin('fashion-mnist');
    expect(summary.counts).toEqual({ train: 60000, val: 10000 });
    expect(summary.classNames).toHaveLength(10);
    expect(summary.samples?.count).toBe(40);

    const records: MetricRecord[] = [];
    const epochs: EpochSummary[] = [];
    const statuses: RunStatus[] = [];
    const events = { metric: (r: MetricRecord) => records.push(r), progress: () => {}, status: (s: RunStatus) => statuses.push(s), epoch: (e: EpochSummary) => epochs.push(e) };
    const config = { ...defaultConfig, model: 'softmax' as const, epochs: 2, limit: 2048 };
    // Stop right after the first train point arrives, then continue to the end.
    const first = engine.train(config, { ...events, metric: (r) => { events.metric(r); if (records.length === 1) void engine.stop(); } }, false);
    await first;
    expect(statuses).toContain('stopped');
    await engine.train(config, events, true);
    expect(statuses.at(-1)).toBe('done');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(epochs[1].train_loss).toBeLessThan(epochs[0].train_loss);
    const val = records.filter((r) => r.split === 'val' && r.key === 'acc');
    expect(val.map((r) => r.epoch)).toEqual([1, 2]);

    const file = await engine.exportWeights();
    expect(file.filename).toBe('fashion-mnist-softmax.safetensors');
    const decoded = decodeWeights(file.bytes, file.filename);
    const params = await engine.readParams();
    expect([...decoded.params.keys()].sort()).toEqual(['layers.1.bias', 'layers.1.weight']);
    expect(decoded.params.get('layers.1.weight')!.length).toBe(10 * 784);
    for (const [name, t] of params) expect(Buffer.from(decoded.params.get(name)!.buffer).equals(Buffer.from(t.buffer, t.byteOffset, t.byteLength)), name).toBe(true);
    expect(decoded.manifest.epochsDone).toBe(2);
    expect(decoded.manifest.history.length).toBe(records.length);
    expect(decoded.manifest.classNames[9]).toBe('Ankle boot');
  });
});
