// The store's run-file slice: a restored run brings its settings, curves and the loaded dataset as its
// own (so Continue is allowed), and the ONNX line says what the runtime found.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../model/config';
import type { MetricRecord } from '../model/metrics';
import type { DatasetSummary } from '../worker/protocol';
import { onnxSummary } from './run-files-state';
import { runActions, TrainingStore } from './training-store';

const summary: DatasetSummary = {
  name: 'Fashion-MNIST', format: 'idx', files: [], shape: [1, 28, 28], classNames: Array.from({ length: 10 }, (_, i) => String(i)),
  counts: { train: 60000, val: 10000 }, classCounts: { train: [], val: [] }, splitNote: '',
};

describe('run files in the store', () => {
  it('restoreRun sets the run config, copies the curves and makes the loaded dataset the run\'s, so Continue is on', () => {
    const store = new TrainingStore({ ...defaultConfig });
    store.setGpu({ state: 'failed', message: 'none' });
    store.useDataset(summary, 'fashion-mnist');
    const records: MetricRecord[] = [{ step: 8, epoch: 1, key: 'acc', split: 'val', value: 0.7 }];
    const config = { ...defaultConfig, model: 'mlp' as const, epochs: 4 };
    store.restoreRun(config, records, 'stopped');
    const s = store.state;
    expect(s.runConfig).toEqual(config);
    expect(s.records).toEqual(records);
    expect(s.records).not.toBe(records);
    expect(s.runDataset).toBe(summary);
    expect(runActions(s)).toMatchObject({ continue: true, export: true, stop: false });
    store.restoreRun(config, records, 'done');
    expect(runActions(store.state)).toMatchObject({ continue: false, export: true });
  });

  it('setFiles patches the slice and leaves the rest', () => {
    const store = new TrainingStore({ ...defaultConfig });
    store.setFiles({ task: 'onnx' });
    store.setFiles({ onnx: { filename: 'a.onnx' } });
    expect(store.state.files).toEqual({ task: 'onnx', onnx: { filename: 'a.onnx' } });
    store.setFiles({ task: undefined });
    expect(store.state.files.task).toBeUndefined();
  });

  it('onnxSummary names the runtime, the rows, the largest difference and the argmax agreement', () => {
    const check = { rows: 256, maxAbsDiff: 3.2e-6, argmaxAgree: 256, withinTolerance: true, runtime: 'onnxruntime-web 1.30.0 (wasm, 1 thread)' };
    expect(onnxSummary(check)).toBe('onnxruntime-web 1.30.0 (wasm, 1 thread) on 256 validation examples: largest logit difference 3.2e-6, every argmax agrees');
    expect(onnxSummary({ ...check, argmaxAgree: 250 })).toContain('argmax agrees on 250 of 256');
  });
});
