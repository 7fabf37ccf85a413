// Checkpoint files: round trip of model tensors, optimizer state and the run-state manifest fields;
// the manifest's new fields checked one refusal each; dataset fingerprints over real bytes.
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import { flatNet, type Architecture } from '../model/architecture';
import { defaultConfig } from '../model/config';
import { decodeRunFile, describeRunFile, encodeRunFile, optimizerSlots } from './checkpoint';
import { datasetFingerprint, fingerprintDifferences } from './dataset-fingerprint';
import { FORMAT, parseManifest, type Manifest } from './manifest';
import { weightSpecs } from './weights-file';

const mlp: Architecture = {
  name: 'mlp',
  inputShape: [6],
  numClasses: 3,
  net: flatNet([{ type: 'flatten' }, { type: 'dense', in: 6, out: 4 }, { type: 'relu' }, { type: 'dense', in: 4, out: 3 }]),
  init: { kind: 'normal', sigma: 0.01 },
};

const HASH = `sha256:${'ab'.repeat(32)}`;

function checkpointManifest(): Manifest {
  return {
    format: FORMAT,
    architecture: mlp,
    weightLayout: 'pytorch',
    config: { ...defaultConfig, model: 'mlp', hidden: [4], optimizer: 'momentum', seed: 7 },
    classNames: ['a', 'b', 'c'],
    normalization: { kind: 'standardize', mean: [0, 1, 2, 3, 4, 5], std: [1, 1, 1, 2, 2, 2] },
    dataset: { name: 'tiny', train: 20, val: 5 },
    history: [{ step: 3, epoch: 0.6, key: 'loss', split: 'train', value: 1.05 }],
    epochsDone: 2,
    createdAt: '2025-01-01T00:00:00.000Z',
    contents: 'checkpoint',
    position: { epoch: 2, step: 3, globalStep: 13, stepsPerEpoch: 5, epochLossSum: 12.5, epochRows: 12 },
    rng: { kind: 'counter', seed: 7, step: 13 },
    optimizer: { kind: 'momentum', slots: ['momentum'], steps: 13 },
    fingerprint: { name: 'tiny', train: 20, val: 5, shape: [6], classes: 3, hash: HASH },
    kernels: { 'nn:256:4:8': '4x2' },
    kernelsVersion: 'matmul-2 conv-2',
  };
}

function tensors(arch: Architecture, slots: string[]) {
  let k = 1;
  const fill = (n: number) => Float32Array.from({ length: n }, () => Math.sin(k++) / 3);
  const params = new Map(weightSpecs(arch).map((s) => [s.name, fill(s.shape.reduce((a, b) => a * b, 1)).map((v) => (s.name.endsWith('running_var') ? Math.abs(v) : v))]));
  const state = new Map<string, Float32Array>();
  for (const slot of slots) for (const [name, t] of params) state.set(`optim.${name}.${slot}`, fill(t.length));
  return { params, state };
}

const bits = (a: Float32Array) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('accepted');
}

describe('checkpoint files', () => {
  it('round-trip model tensors, optimizer state and every run-state field bit for bit', () => {
    const m = checkpointManifest();
    const { params, state } = tensors(mlp, ['momentum']);
    const back = decodeRunFile(encodeRunFile({ manifest: m, params, optimizerState: state }), 'ck.safetensors');
    expect([...back.params.keys()].sort()).toEqual([...params.keys()].sort());
    expect([...back.optimizerState.keys()].sort()).toEqual([...state.keys()].sort());
    for (const [name, t] of params) expect(bits(back.params.get(name)!)).toEqual(bits(t));
    for (const [name, t] of state) expect(bits(back.optimizerState.get(name)!)).toEqual(bits(t));
    expect(back.manifest.position).toEqual(m.position);
    expect(back.manifest.rng).toEqual(m.rng);
    expect(back.manifest.fingerprint).toEqual(m.fingerprint);
    expect(back.manifest.kernels).toEqual(m.kernels);
    expect(back.manifest.kernelsVersion).toBe('matmul-2 conv-2');
    expect(optimizerSlots(back.optimizerState)).toEqual(['momentum']);
    expect(describeRunFile(back.manifest)).toBe('checkpoint of mlp on tiny, epoch 3, step 3 of 5');
  });

  it('decodes from a Node Buffer that views part of a larger ArrayBuffer (as fs.readFile may give)', () => {
    const m = checkpointManifest();
    const { params, state } = tensors(mlp, ['momentum']);
    const bytes = encodeRunFile({ manifest: m, params, optimizerState: state });
    const big = new ArrayBuffer(bytes.length + 24);
    new Uint8Array(big, 12, bytes.length).set(bytes);
    const back = decodeRunFile(Buffer.from(big, 12, bytes.length), 'buffer.safetensors');
    for (const [name, t] of params) {
      const b = back.params.get(name)!;
      expect(b.buffer.byteLength).toBe(b.byteLength);
      expect(bits(b)).toEqual(bits(t));
    }
  });

  it('an export (no optimizer state) decodes too; optimizer state in an export is refused', () => {
    const m: Manifest = { ...checkpointManifest(), contents: 'export', optimizer: undefined };
    const { params, state } = tensors(mlp, ['momentum']);
    const back = decodeRunFile(encodeRunFile({ manifest: m, params, optimizerState: new Map() }), 'e.safetensors');
    expect(back.optimizerState.size).toBe(0);
    expect(refusal(() => encodeRunFile({ manifest: m, params, optimizerState: state }))).toMatch(/export with optimizer state/);
  });

  it('refuses a checkpoint whose optimizer tensors are not the slots its manifest names', () => {
    const m = checkpointManifest();
    const { params, state } = tensors(mlp, ['m', 'v']);
    expect(refusal(() => encodeRunFile({ manifest: m, params, optimizerState: state }))).toBe(
      'Cannot write the checkpoint: the manifest names optimizer slots [momentum], the tensors hold [m, v]',
    );
    expect(refusal(() => encodeRunFile({ manifest: { ...m, position: undefined }, params, optimizerState: state }))).toMatch(/no trainer position/);
  });

  it.each([
    ['contents', 'both', 'manifest.contents: expected export or checkpoint, found "both"'],
    ['position', { epoch: 2, step: 5, globalStep: 15, stepsPerEpoch: 5, epochLossSum: 0, epochRows: 0 }, 'manifest.position.step: expected a step below stepsPerEpoch (5), found 5'],
    ['position', { epoch: 2, step: 3, globalStep: 12, stepsPerEpoch: 5, epochLossSum: 0, epochRows: 0 }, 'manifest.position.globalStep: expected epoch × stepsPerEpoch + step (13), found 12'],
    ['position', { epoch: 1, step: 3, globalStep: 8, stepsPerEpoch: 5, epochLossSum: 0, epochRows: 0 }, 'manifest.position.epoch: expected the completed epochs (epochsDone = 2), found 1'],
    ['rng', { kind: 'counter', seed: 8, step: 13 }, 'manifest.rng.seed: expected the seed of the config, found 8'],
    ['rng', { kind: 'xorshift', seed: 7, step: 13 }, 'manifest.rng.kind: expected "counter", found "xorshift"'],
    ['optimizer', { kind: 'adam', slots: 'm', steps: 3 }, 'manifest.optimizer.slots: expected a list, found "m"'],
    ['fingerprint', { name: 'x', train: 1, val: 1, shape: [6], classes: 3, hash: 'md5:00' }, 'manifest.fingerprint.hash: expected sha256:<64 hex digits> or none, found "md5:00"'],
    ['fingerprint', { name: 'x', train: -1, val: 1, shape: [6], classes: 3, hash: 'none' }, 'manifest.fingerprint.train: expected an integer ≥ 0, found -1'],
  ])('the manifest refuses a bad %s', (field, value, message) => {
    const m = { ...checkpointManifest(), [field]: value };
    expect(refusal(() => parseManifest(JSON.stringify(m)))).toBe(message);
  });
});

function tinyDataset(seed: number, name = 'tiny'): Dataset {
  const x = Float32Array.from({ length: 20 * 6 }, (_, i) => Math.sin(i * seed));
  return {
    name,
    shape: [6],
    classNames: ['a', 'b', 'c'],
    train: { x: x.subarray(0, 15 * 6), y: Uint32Array.from({ length: 15 }, (_, i) => i % 3), count: 15 },
    val: { x: x.subarray(15 * 6), y: Uint32Array.from({ length: 5 }, (_, i) => i % 3), count: 5 },
    splitNote: '',
    normalization: { kind: 'scale', scale: 1 },
    source: { format: 'test', files: [] },
  };
}

describe('dataset fingerprints', () => {
  it('are stable for the same bytes, name what differs, and ignore a renamed copy', async () => {
    const a = await datasetFingerprint(tinyDataset(1));
    expect(a.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await datasetFingerprint(tinyDataset(1, 'renamed'))).toMatchObject({ hash: a.hash });
    expect(fingerprintDifferences(a, await datasetFingerprint(tinyDataset(1, 'renamed')))).toEqual([]);
    const changed = tinyDataset(1);
    changed.val.y[4] = 0;
    const b = await datasetFingerprint(changed);
    expect(fingerprintDifferences(a, b)).toEqual([expect.stringMatching(/^data hash \([0-9a-f]{12}… vs [0-9a-f]{12}…\)$/)]);
    expect(fingerprintDifferences(a, { ...a, train: 60000, shape: [1, 28, 28] })).toEqual(['feature shape (6 vs 1×28×28)', 'training examples (15 vs 60000)']);
    expect(fingerprintDifferences({ ...a, hash: 'none' }, { ...a, name: 'other' })).toEqual(['name (tiny vs other)']);
  });
});
