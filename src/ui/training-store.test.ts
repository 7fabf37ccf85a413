// The store's transitions and what the run buttons allow in each state.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../model/config';
import type { DatasetSummary } from '../worker/protocol';
import { TrainingStore, runActions } from './training-store';

const summary: DatasetSummary = {
  name: 'fashion-mnist',
  format: 'idx',
  files: [],
  shape: [1, 28, 28],
  classNames: ['a', 'b'],
  counts: { train: 2, val: 2 },
  classCounts: { train: [1, 1], val: [1, 1] },
  splitNote: '',
};

function readyStore(): TrainingStore {
  const s = new TrainingStore({ ...defaultConfig });
  s.setGpu({ state: 'ready', info: { adapter: 'test', maxBufferSize: 1, maxStorageBufferBindingSize: 1 } });
  s.setDataset({ state: 'ready', summary });
  return s;
}

describe('runActions', () => {
  it('allows nothing before the GPU answered and the dataset is loaded', () => {
    const s = new TrainingStore({ ...defaultConfig });
    expect(runActions(s.state)).toEqual({ train: false, stop: false, continue: false, more: false, export: false });
    s.setDataset({ state: 'ready', summary });
    expect(runActions(s.state).train).toBe(false);
    s.setDataset({ state: 'failed', message: 'bad file' });
    s.setGpu({ state: 'ready', info: { adapter: 'test', maxBufferSize: 1, maxStorageBufferBindingSize: 1 } });
    expect(runActions(s.state).train).toBe(false);
  });

  it('allows Train without an adapter: the engine falls back to its CPU reference', () => {
    const s = new TrainingStore({ ...defaultConfig });
    s.setGpu({ state: 'failed', message: 'no adapter' });
    s.setDataset({ state: 'ready', summary });
    expect(runActions(s.state).train).toBe(true);
  });

  it('follows a run: train → stop → continue → done → export', () => {
    const s = readyStore();
    expect(runActions(s.state)).toEqual({ train: true, stop: false, continue: false, more: false, export: false });
    s.beginRun(s.state.config, false);
    expect(runActions(s.state)).toEqual({ train: false, stop: true, continue: false, more: false, export: false });
    s.setStatus('stopping');
    expect(runActions(s.state)).toEqual({ train: false, stop: false, continue: false, more: false, export: false });
    s.setStatus('stopped');
    expect(runActions(s.state)).toEqual({ train: true, stop: false, continue: true, more: false, export: true });
    s.setExporting(true);
    expect(runActions(s.state).export).toBe(false);
    s.setExporting(false);
    s.setStatus('done');
    expect(runActions(s.state)).toEqual({ train: true, stop: false, continue: false, more: true, export: true });
    s.setFiles({ task: 'resuming' });
    expect(runActions(s.state)).toMatchObject({ train: false, more: false });
    s.setFiles({ task: undefined });
    s.setStatus('diverged', 'loss is NaN at epoch 1, step 3');
    expect(runActions(s.state).export).toBe(true);
    s.setStatus('error', 'The GPU device was lost');
    expect(runActions(s.state)).toEqual({ train: true, stop: false, continue: false, more: false, export: true });
  });

  it('blocks Train while a form field does not parse', () => {
    const s = readyStore();
    s.setConfig({}, { lr: 'a number > 0' });
    expect(runActions(s.state).train).toBe(false);
    s.setConfig({ lr: 0.5 }, {});
    expect(runActions(s.state).train).toBe(true);
    expect(s.state.config.lr).toBe(0.5);
  });
});

describe('TrainingStore', () => {
  it('keeps the curves on resume and clears them on a fresh run', () => {
    const s = readyStore();
    const seen: number[] = [];
    s.subscribe((st) => seen.push(st.records.length));
    s.beginRun(s.state.config, false);
    s.addRecord({ step: 1, epoch: 0.5, key: 'loss', split: 'train', value: 1 });
    s.setStatus('stopped');
    s.beginRun(s.state.config, true);
    expect(s.state.records).toHaveLength(1);
    s.beginRun(s.state.config, false);
    expect(s.state.records).toHaveLength(0);
    expect(seen).toContain(1);
  });

  it('shows each notice once and dismisses it by id, or all at once', () => {
    const s = new TrainingStore({ ...defaultConfig });
    s.notify('error', 'No WebGPU adapter');
    s.notify('error', 'No WebGPU adapter');
    expect(s.state.notices).toHaveLength(1);
    s.dismiss(s.state.notices[0].id);
    expect(s.state.notices).toEqual([]);
    s.notify('error', 'one');
    s.notify('warning', 'two');
    s.dismissAll();
    expect(s.state.notices).toEqual([]);
  });

  it('a notice on a topic replaces the earlier one, and a success on it clears it', () => {
    const s = new TrainingStore({ ...defaultConfig });
    s.notify('error', 'The saved run could not be resumed: other data', 'resuming');
    s.notify('error', 'The GPU device was lost', 'gpu');
    s.notify('warning', 'The GPU device was lost; training continues on a new device', 'gpu');
    expect(s.state.notices.map((n) => n.message)).toEqual(['The saved run could not be resumed: other data', 'The GPU device was lost; training continues on a new device']);
    s.clearTopic('resuming');
    expect(s.state.notices.map((n) => n.topic)).toEqual(['gpu']);
  });

  it('a run rewound to a checkpoint keeps only the checkpoint\'s records', () => {
    const s = readyStore();
    s.beginRun(s.state.config, false);
    for (let i = 0; i < 5; i++) s.addRecord({ step: i, epoch: i / 5, key: 'loss', split: 'train', value: 1 });
    const before = s.state.records;
    s.rewind(2);
    expect(s.state.records).toHaveLength(2);
    expect(s.state.records).not.toBe(before);
  });
});
