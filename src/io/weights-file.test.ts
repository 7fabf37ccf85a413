// The weights file end to end on small real models: round trips (export and checkpoint), files as
// Python's safetensors would write them, and one refusal per way a file can fail its manifest.

import { describe, expect, it } from 'vitest';
import { flatNet, type Architecture } from '../model/architecture';
import { defaultConfig } from '../model/config';
import { FORMAT, parseManifest, type Manifest } from './manifest';
import { readSafetensors, writeSafetensors, type TensorEntry } from './safetensors';
import { checkClassCount, decodeWeights, denseFromFile, denseToFile, encodeWeights, weightSpecs } from './weights-file';

/** LeNet-BN in miniature: conv → BN2d → ReLU → maxpool → flatten → dense → BN1d → ReLU → dense. */
function lenetBn(): Architecture {
  return {
    name: 'lenet-bn',
    inputShape: [1, 4, 4],
    numClasses: 3,
    net: flatNet([
      { type: 'conv2d', in: 1, out: 2, kernel: 3, stride: 1, padding: 1 },
      { type: 'batchnorm', features: 2, spatial: true, eps: 1e-5, momentum: 0.1 },
      { type: 'relu' },
      { type: 'maxpool2d', kernel: 2, stride: 2 },
      { type: 'flatten' },
      { type: 'dense', in: 8, out: 5 },
      { type: 'batchnorm', features: 5, spatial: false, eps: 1e-5, momentum: 0.1 },
      { type: 'relu' },
      { type: 'dense', in: 5, out: 3 },
    ]),
    init: { kind: 'normal', sigma: 0.01 },
  };
}

function manifestOf(architecture: Architecture): Manifest {
  return {
    format: FORMAT,
    architecture,
    weightLayout: 'pytorch',
    config: { ...defaultConfig, model: 'lenet-bn', optimizer: 'adam' },
    classNames: ['cat', 'dog', 'ünïcode ✓'],
    normalization: { kind: 'scale', scale: 1 / 255 },
    dataset: { name: 'tiny', train: 90, val: 10 },
    history: [
      { step: 1, epoch: 0.5, key: 'loss', split: 'train', value: 1.0986 },
      { step: 2, epoch: 1, key: 'acc', split: 'val', value: 0.4 },
    ],
    epochsDone: 1,
    adapter: 'swiftshader (Google)',
    createdAt: '2025-01-01T00:00:00.000Z',
  };
}

/** Deterministic, varied values (including subnormals and -0) for every tensor of the architecture. */
function paramsOf(arch: Architecture, slots: string[] = []): Map<string, Float32Array> {
  const params = new Map<string, Float32Array>();
  let seed = 1;
  const fill = (n: number) => Float32Array.from({ length: n }, (_, i) => (i === 0 ? -0 : i === 1 ? 1e-40 : Math.sin(seed++) * 10 ** ((seed % 7) - 3)));
  for (const s of weightSpecs(arch)) params.set(s.name, fill(s.shape.reduce((a, b) => a * b, 1)).map((v) => (s.name.endsWith('running_var') ? Math.abs(v) : v)));
  for (const slot of slots) {
    for (const s of weightSpecs(arch)) if (!s.name.includes('running')) params.set(`optim.${s.name}.${slot}`, fill(s.shape.reduce((a, b) => a * b, 1)));
  }
  return params;
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

/** A file written straight through the safetensors writer, bypassing encodeWeights' own checks. */
function rawFile(manifest: Manifest | string, params: Map<string, Float32Array>, edit?: (t: TensorEntry[]) => void): Uint8Array {
  const tensors: TensorEntry[] = [];
  const shapes = new Map(weightSpecs(typeof manifest === 'string' ? lenetBn() : manifest.architecture).map((s) => [s.name, s.shape]));
  for (const [name, data] of params) tensors.push({ name, dtype: 'F32', shape: shapes.get(name) ?? [data.length], data });
  edit?.(tensors);
  return writeSafetensors(tensors, { format: FORMAT, manifest: typeof manifest === 'string' ? manifest : JSON.stringify(manifest) });
}

describe('encodeWeights / decodeWeights', () => {
  it('round-trips a checkpoint (parameters, BatchNorm statistics, Adam state) bit for bit', () => {
    const manifest = manifestOf(lenetBn());
    const params = paramsOf(manifest.architecture, ['m', 'v']);
    const bytes = encodeWeights(manifest, params);
    const back = decodeWeights(bytes, 'run.safetensors');
    expect(back.manifest).toEqual(manifest);
    expect([...back.params.keys()].sort()).toEqual([...params.keys()].sort());
    for (const [name, data] of params) expect(bits(back.params.get(name)!), name).toEqual(bits(data));
    expect(params.size).toBe(14 + 2 * 10);
  });

  it('writes PyTorch names, layouts and the manifest as the format fixes them', () => {
    const manifest = manifestOf(lenetBn());
    const file = readSafetensors(encodeWeights(manifest, paramsOf(manifest.architecture)));
    expect(file.metadata.format).toBe('classifier-lab/1');
    expect(JSON.parse(file.metadata.manifest)).toEqual(manifest);
    const shapes = Object.fromEntries([...file.tensors].map(([n, t]) => [n, [t.dtype, ...t.shape].join(' ')]));
    expect(shapes).toEqual({
      'layers.0.weight': 'F32 2 1 3 3',
      'layers.0.bias': 'F32 2',
      'layers.1.weight': 'F32 2',
      'layers.1.bias': 'F32 2',
      'layers.1.running_mean': 'F32 2',
      'layers.1.running_var': 'F32 2',
      'layers.5.weight': 'F32 5 8',
      'layers.5.bias': 'F32 5',
      'layers.6.weight': 'F32 5',
      'layers.6.bias': 'F32 5',
      'layers.6.running_mean': 'F32 5',
      'layers.6.running_var': 'F32 5',
      'layers.8.weight': 'F32 3 5',
      'layers.8.bias': 'F32 3',
    });
  });

  it('keeps a diverged history value (JSON has no NaN) as NaN', () => {
    const manifest = manifestOf(lenetBn());
    manifest.history.push({ step: 3, epoch: 1.5, key: 'loss', split: 'train', value: NaN });
    const back = decodeWeights(encodeWeights(manifest, paramsOf(manifest.architecture)), 'x.safetensors');
    expect(back.manifest.history[2].value).toBeNaN();
  });

  it('reads a file as Python would write it: save_file(state_dict, metadata), header in another order', () => {
    const arch: Architecture = {
      name: 'softmax', inputShape: [2], numClasses: 2, net: flatNet([{ type: 'flatten' }, { type: 'dense', in: 2, out: 2 }]), init: { kind: 'normal', sigma: 0.01 },
    };
    const manifest = { ...manifestOf(arch), classNames: ['no', 'yes'] };
    const meta = JSON.stringify({ manifest: JSON.stringify(manifest), format: 'classifier-lab/1' });
    const header = new TextEncoder().encode(
      `{"layers.1.weight": {"dtype": "F32", "shape": [2, 2], "data_offsets": [8, 24]}, "__metadata__": ${meta}, "layers.1.bias": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}`,
    );
    const bytes = new Uint8Array(8 + header.length + 24);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
    bytes.set(header, 8);
    bytes.set(new Uint8Array(new Float32Array([0.5, -0.5, 1, 2, 3, 4]).buffer), 8 + header.length);
    const back = decodeWeights(bytes, 'torch.safetensors');
    expect([...back.params.get('layers.1.bias')!]).toEqual([0.5, -0.5]);
    expect([...back.params.get('layers.1.weight')!]).toEqual([1, 2, 3, 4]);
    expect(back.manifest.classNames).toEqual(['no', 'yes']);
  });
});

describe('decodeWeights refuses a file that does not fit its manifest, saying which tensor', () => {
  const manifest = manifestOf(lenetBn());
  const good = () => paramsOf(manifest.architecture);
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['missing tensor', () => {
      const p = good();
      p.delete('layers.6.running_var');
      return rawFile(manifest, p);
    }, /w.safetensors: the tensors do not match the manifest's lenet-bn architecture: missing layers.6.running_var \(5\)/],
    ['unexpected tensor', () => rawFile(manifest, good().set('layers.2.weight', new Float32Array(2))), /unexpected tensor layers.2.weight/],
    ['wrong shape', () => rawFile(manifest, good(), (t) => {
      t.find((x) => x.name === 'layers.5.weight')!.shape = [8, 5];
    }), /layers.5.weight is 8×5, the architecture needs 5×8/],
    ['wrong dtype', () => rawFile(manifest, good(), (t) => {
      const x = t.find((e) => e.name === 'layers.8.bias')!;
      Object.assign(x, { dtype: 'F16', data: new Uint16Array(3) });
    }), /layers.8.bias is F16, not F32/],
    ['optimizer state for a non-parameter', () => rawFile(manifest, good().set('optim.layers.1.running_mean.m', new Float32Array(2))), /unexpected tensor optim.layers.1.running_mean.m/],
    ['incomplete optimizer state', () => rawFile(manifest, good().set('optim.layers.0.bias.momentum', new Float32Array(2))), /optimizer state "momentum" is incomplete: missing optim.layers.0.weight.momentum \(2×1×3×3\), optim.layers.1.weight.momentum \(2\), .*optim.layers.8.bias.momentum \(3\)$/],
    ['NaN value', () => rawFile(manifest, good(), (t) => {
      (t.find((x) => x.name === 'layers.5.weight')!.data as Float32Array)[2 * 8 + 3] = NaN;
    }), /w.safetensors, byte \d+: tensor layers.5.weight holds NaN at \[2, 3\] \(element 19\)/],
    ['infinite value', () => rawFile(manifest, good(), (t) => {
      (t.find((x) => x.name === 'layers.0.weight')!.data as Float32Array)[17] = -Infinity;
    }), /tensor layers.0.weight holds -Infinity at \[1, 0, 2, 2\] \(element 17\)/],
    ['plain safetensors file', () => writeSafetensors([{ name: 'w', dtype: 'F32', shape: [1], data: new Float32Array(1) }]), /w.safetensors: not a Classifier Lab weights file \(its __metadata__ has no "format"/],
    ['another format', () => writeSafetensors([], { format: 'pt' }), /format "pt" is not one this lab reads \("classifier-lab\/1"\)/],
    ['no manifest', () => writeSafetensors([], { format: FORMAT }), /the __metadata__ has no "manifest"/],
    ['manifest not JSON', () => rawFile('{"format":', good()), /w.safetensors: manifest: not valid JSON/],
    ['manifest inconsistent', () => rawFile({ ...manifest, classNames: ['a', 'b'] }, good()), /w.safetensors: manifest.classNames: expected a list of 3 names \(numClasses\), found \["a","b"\]/],
    ['malformed container', () => {
      const whole = rawFile(manifest, good());
      return whole.subarray(0, whole.length - 10);
    }, /w.safetensors, byte \d+: tensor "[^"]+": data_offsets .* run past the end of the file/],
  ];
  it.each(cases)('%s', (_, make, message) => {
    expect(refusal(() => decodeWeights(make(), 'w.safetensors'))).toMatch(message);
  });

  it('lists at most eight problems in full', () => {
    const p = good();
    for (let i = 0; i < 11; i++) p.set(`extra.${i}`, new Float32Array(1));
    expect(refusal(() => decodeWeights(rawFile(manifest, p), 'w.safetensors'))).toMatch(/architecture: unexpected tensor extra.0; (unexpected tensor extra.\d+; ){7}and 3 more$/);
  });

  it('gives the exact byte of a bad value', () => {
    const bytes = rawFile(manifest, good(), (t) => {
      (t.find((x) => x.name === 'layers.8.weight')!.data as Float32Array)[4] = NaN;
    });
    const at = Number(/byte (\d+)/.exec(refusal(() => decodeWeights(bytes, 'w.safetensors')))![1]);
    expect(Number.isNaN(new DataView(bytes.buffer).getFloat32(at, true))).toBe(true);
  });
});

describe('encodeWeights refuses what it could not read back', () => {
  const manifest = manifestOf(lenetBn());
  it('non-finite weights, naming the tensor and index', () => {
    const p = paramsOf(manifest.architecture);
    p.get('layers.8.bias')![1] = NaN;
    expect(refusal(() => encodeWeights(manifest, p))).toBe('Cannot write the weights file: layers.8.bias[1] (element 1) is NaN');
  });
  it('tensors that do not fit the architecture', () => {
    const p = paramsOf(manifest.architecture);
    p.set('layers.5.weight', new Float32Array(7));
    p.delete('layers.0.bias');
    expect(refusal(() => encodeWeights(manifest, p))).toMatch(/layers.5.weight is 7, the architecture needs 5×8; missing layers.0.bias \(2\)/);
  });
  it('a manifest that would not parse back', () => {
    const bad = { ...manifest, config: { ...manifest.config, lr: NaN } };
    expect(refusal(() => encodeWeights(bad, paramsOf(manifest.architecture)))).toMatch(/Cannot write the weights file: manifest.config.lr: expected a number > 0, found null/);
  });
});

describe('parseManifest', () => {
  const json = (edit: (m: Record<string, any>) => void) => {
    const m = JSON.parse(JSON.stringify(manifestOf(lenetBn())));
    edit(m);
    return JSON.stringify(m);
  };
  const cases: [string, (m: Record<string, any>) => void, string][] = [
    ['format', (m) => (m.format = 'classifier-lab/2'), 'manifest.format: expected "classifier-lab/1", found "classifier-lab/2"'],
    ['layout', (m) => delete m.weightLayout, 'manifest.weightLayout: expected "pytorch", found nothing'],
    // The architecture is compiled as a graph: a refusal names the layer's path (flat models: layers.{i}).
    ['layer type', (m) => (m.architecture.net[0].layers[2].type = 'gelu'), 'manifest.architecture.net: layers.2: unknown layer type "gelu" (one of flatten, dense, conv2d'],
    ['layer field', (m) => (m.architecture.net[0].layers[5].out = 0), 'manifest.architecture.net: layers.5: out must be a whole number from 1 to 1048576, found 0'],
    ['dropout p', (m) => m.architecture.net[0].layers.splice(2, 0, { type: 'dropout', p: 1 }), 'manifest.architecture.net: layers.2: p must be a number in [0, 1), found 1'],
    ['shapes chain', (m) => (m.architecture.net[0].layers[5].in = 9), 'manifest.architecture.net: layers.5: input has 8 features, the layer expects 9'],
    ['BatchNorm width', (m) => (m.architecture.net[0].layers[1].features = 3), 'manifest.architecture.net: layers.1: input has 2 channels, the layer expects 3'],
    ['output width', (m) => (m.architecture.numClasses = 4), 'manifest.architecture.net: layers.8: the net must end in 4 outputs (one per class), its last layer gives 3'],
    ['container field', (m) => (m.architecture.net[0].body = []), 'manifest.architecture.net: layers: a sequential container has no field "body"'],
    ['class ids', (m) => (m.classIds = [4, 70000, 9]), 'manifest.classIds[1]: expected a label from 0 to 65,535, found 70000'],
    ['class id count', (m) => (m.classIds = [4, 9]), 'manifest.classIds: expected a list of 3 labels (numClasses), found [4,9]'],
    ['input shape', (m) => (m.architecture.inputShape = [1, 4, 4.5]), 'manifest.architecture.inputShape[2]: expected an integer ≥ 1, found 4.5'],
    ['class name', (m) => (m.classNames[1] = 7), 'manifest.classNames[1]: expected a string, found 7'],
    ['config', (m) => (m.config.batchSize = 0), 'manifest.config.batchSize: expected a whole number ≥ 1, found 0'],
    ['config type', (m) => (m.config.hidden = '256'), 'manifest.config.hidden: expected sizes like 256 or 256,128, found "256"'],
    ['normalisation', (m) => (m.normalization = { kind: 'standardize', mean: [0], std: [1] }), 'manifest.normalization.mean: expected a list of 16 numbers (one per input feature), found [0]'],
    ['history', (m) => (m.history[0].split = 'test'), 'manifest.history[0].split: expected train or val, found "test"'],
    ['dataset', (m) => (m.dataset.train = -1), 'manifest.dataset.train: expected an integer ≥ 0, found -1'],
    ['root', (m) => Object.keys(m).forEach((k) => delete m[k]), 'manifest.format: expected "classifier-lab/1", found nothing'],
  ];
  it.each(cases)('%s', (_, edit, message) => {
    expect(refusal(() => parseManifest(json(edit)))).toContain(message);
  });
  it('reads a file written before graphs: a flat `layers` list is the sequential named layers', () => {
    const old = json((m) => {
      m.architecture.layers = m.architecture.net[0].layers;
      delete m.architecture.net;
    });
    const parsed = parseManifest(old);
    expect(parsed.architecture.net).toEqual(manifestOf(lenetBn()).architecture.net);
    expect(weightSpecs(parsed.architecture).map((t) => t.name)).toContain('layers.6.running_var');
  });

  it('keeps the numeric label of each class', () => {
    expect(parseManifest(json((m) => (m.classIds = [3, 7, 65535]))).classIds).toEqual([3, 7, 65535]);
  });

  it('keeps fields it does not know', () => {
    expect((parseManifest(json((m) => (m.resume = { epoch: 3 }))) as unknown as Record<string, unknown>).resume).toEqual({ epoch: 3 });
  });
});

describe('checkClassCount', () => {
  const manifest = manifestOf(lenetBn());
  it('accepts the same count and refuses another, naming both sides', () => {
    expect(() => checkClassCount(manifest, ['a', 'b', 'c'])).not.toThrow();
    expect(() => checkClassCount(manifest, 3)).not.toThrow();
    expect(refusal(() => checkClassCount(manifest, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']))).toBe(
      'The model has 3 classes (cat, dog, ünïcode ✓), but the dataset has 10 (0, 1, 2, 3, 4, …): load a dataset with 3 classes, or train a new model',
    );
  });
});

describe('dense weight layouts', () => {
  it('GPU (in, out) ↔ file (out, in): the file is PyTorch\'s Linear.weight, and the two are inverses', () => {
    const inF = 3;
    const outF = 2;
    const gpu = Float32Array.from({ length: inF * outF }, (_, k) => k + 1);
    const file = denseToFile(gpu, inF, outF);
    for (let i = 0; i < inF; i++) for (let o = 0; o < outF; o++) expect(file[o * inF + i]).toBe(gpu[i * outF + o]);
    // y = x·W (GPU) equals PyTorch's y = W_file·x.
    const x = [0.5, -1, 2];
    for (let o = 0; o < outF; o++) {
      const gpuY = x.reduce((s, xi, i) => s + xi * gpu[i * outF + o], 0);
      const torchY = x.reduce((s, xi, i) => s + file[o * inF + i] * xi, 0);
      expect(torchY).toBe(gpuY);
    }
    expect([...denseFromFile(file, inF, outF)]).toEqual([...gpu]);
    expect(() => denseToFile(gpu, 4, 2)).toThrow('6 values do not make a 4×2 matrix');
  });
});
