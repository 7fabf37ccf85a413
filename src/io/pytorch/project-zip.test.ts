// The page's route (the engine's exportPytorch / exportDataset, as Export → "PyTorch project (.zip)" and
// "Export dataset (.npz)" call them): the zip unpacks to a project whose train.py takes a step, with its
// data or, exported without it, with the dataset download; the .npz holds the run's arrays (after its limit).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultsFor } from '../../model/config';
import { decodeRunFile } from '../checkpoint';
import { cpuEngine, fashionSubset, tempDir, trainLab } from './test-util';
import { python, PYTHON, runPy, torchMissing } from '../../../tests/helpers/torch';

const missing = torchMissing();

describe.skipIf(missing !== null)(`the page's PyTorch export${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const tmp = tempDir('lab-project-zip-');
  afterAll(() => tmp.remove());

  it('exportPytorch zips a runnable project; exportDataset gives the data for one exported without it', async () => {
    const data = await fashionSubset(300, 50);
    const engine = await cpuEngine(data);
    await trainLab(engine, { ...defaultsFor('softmax'), epochs: 1, batchSize: 64, limit: 200, seed: 1 }, false);
    const unpack = (bytes: Uint8Array, into: string) => {
      const files = unzipSync(bytes);
      for (const [name, content] of Object.entries(files)) {
        mkdirSync(dirname(join(into, name)), { recursive: true });
        writeFileSync(join(into, name), content);
      }
      return Object.keys(files);
    };
    const full = await engine.exportPytorch();
    expect(full.filename).toBe('fashion-mnist-300-50-softmax-pytorch.zip');
    const names = unpack(full.bytes, join(tmp.dir, 'full'));
    expect(names.sort()).toEqual(['README.md', 'data.npz', 'labdata.py', 'labio.py', 'model.py', 'predict.py', 'requirements.txt', 'run.safetensors', 'train.py'].map((f) => `fashion-mnist-300-50-softmax-pytorch/${f}`));
    const dir = join(tmp.dir, 'full', 'fashion-mnist-300-50-softmax-pytorch');
    const r = await runPy(PYTHON, ['train.py', '--epochs', '2', '--max-steps', '1'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(decodeRunFile(readFileSync(join(dir, 'checkpoint.safetensors')), 'c').manifest.position).toMatchObject({ epoch: 1, step: 1, stepsPerEpoch: 4 });

    const bare = await engine.exportPytorch({ data: false });
    unpack(bare.bytes, join(tmp.dir, 'bare'));
    const bareDir = join(tmp.dir, 'bare', 'fashion-mnist-300-50-softmax-pytorch');
    const npz = await engine.exportDataset();
    expect(npz.filename).toBe('fashion-mnist-300-50.npz');
    writeFileSync(join(tmp.dir, npz.filename), npz.bytes);
    const shapes = JSON.parse(await python(`
import json, numpy as np
z = np.load(${JSON.stringify(join(tmp.dir, npz.filename))})
print(json.dumps({k: [list(z[k].shape), str(z[k].dtype)] for k in ('x_train', 'y_train', 'x_val', 'y_val')} | {'meta': json.loads(bytes(z['meta']).decode())['limit']}))`, tmp.dir));
    expect(shapes).toEqual({ x_train: [[200, 1, 28, 28], 'uint8'], y_train: [[200], 'uint32'], x_val: [[50, 1, 28, 28], 'uint8'], y_val: [[50], 'uint32'], meta: 200 });
    const b = await runPy(PYTHON, ['train.py', '--epochs', '2', '--max-steps', '1', '--data', join(tmp.dir, npz.filename)], bareDir);
    expect(b.code, b.stderr).toBe(0);
    engine.destroy();
  }, 300_000);
});
