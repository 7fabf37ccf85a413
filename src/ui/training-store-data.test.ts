// The store around dataset loads: progress while the old dataset stays, the built-in's name, and no
// Continue once another dataset has replaced the one the stopped run trained on.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../model/config';
import type { DatasetSummary } from '../worker/protocol';
import { TrainingStore, runActions } from './training-store';

const summary = (name: string): DatasetSummary => ({
  name,
  format: 'csv',
  files: [`${name}.csv`],
  shape: [4],
  classNames: ['a', 'b'],
  counts: { train: 9, val: 1 },
  classCounts: { train: [5, 4], val: [1, 0] },
  splitNote: '',
});

function ready(): TrainingStore {
  const s = new TrainingStore({ ...defaultConfig });
  s.setGpu({ state: 'ready', info: { adapter: 'test', maxBufferSize: 1, maxStorageBufferBindingSize: 1 } });
  s.useDataset(summary('first'), '');
  return s;
}

describe('dataset loads in the store', () => {
  it('keeps the loaded dataset while another loads, with its progress', () => {
    const s = ready();
    s.setLoading({ what: 'big.csv', progress: { file: 'big.csv', bytesDone: 5, bytesTotal: 10 } });
    expect(s.state.dataset).toEqual({ state: 'ready', summary: summary('first') });
    expect(s.state.loading?.progress?.bytesDone).toBe(5);
    s.setLoading(undefined);
    s.useDataset(summary('mnist'), 'mnist');
    expect([s.state.builtin, s.state.loading]).toEqual(['mnist', undefined]);
  });

  it('a new dataset clears the run shown for the old one: curves, status, Continue and Export', () => {
    const s = ready();
    s.beginRun(s.state.config, false);
    s.addRecord({ step: 1, epoch: 0.5, key: 'loss', split: 'train', value: 1 });
    s.setStatus('stopped');
    s.setFiles({ onnx: { filename: 'first-softmax.onnx' } });
    expect(runActions(s.state).continue).toBe(true);
    s.useDataset(summary('second'), '');
    expect(s.state).toMatchObject({ status: 'idle', records: [], runConfig: undefined, files: { onnx: undefined } });
    expect(runActions(s.state)).toMatchObject({ continue: false, train: true, export: false });
    // A fresh run takes the new dataset as its own.
    s.beginRun(s.state.config, false);
    s.setStatus('stopped');
    expect(runActions(s.state).continue).toBe(true);
  });
});
