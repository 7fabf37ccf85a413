// Export → "PyTorch project (.zip)" and "Export dataset (.npz)" in the page: a short run's project unzips
// to model.py, train.py, … with the run and its data (after the limit), and the project's train.py takes
// the run on in PyTorch (Debian's python3-torch); the dataset download holds the same arrays.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRunFile } from '../../src/io/checkpoint';
import { labBrowser, waitForStatus } from './lab-page';
import { download } from './run-files-page';
import { python, PYTHON, runPy, torchMissing } from '../helpers/torch';

const missing = torchMissing();
const dir = mkdtempSync(join(tmpdir(), 'classifier-lab-pytorch-'));
const labs = labBrowser();
let page: Page;

beforeAll(async () => {
  page = await labs.open('?model=softmax&epochs=1&limit=512&batch-size=128&seed=3');
  await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(missing !== null)(`the page's PyTorch export${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('downloads a project that train.py continues, and the run\'s dataset as .npz', async () => {
    await page.getByTestId('train-button').click();
    expect(await waitForStatus(page, ['done'])).toBe('done');
    const zip = await download(page, 'pytorch-button');
    expect(zip.name).toBe('fashion-mnist-softmax-pytorch.zip');
    const files = unzipSync(zip.bytes);
    for (const [name, bytes] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), bytes);
    }
    const project = join(dir, 'fashion-mnist-softmax-pytorch');
    expect(Object.keys(files).map((f) => f.slice(f.indexOf('/') + 1)).sort()).toEqual(['README.md', 'data.npz', 'labdata.py', 'labio.py', 'model.py', 'predict.py', 'requirements.txt', 'run.safetensors', 'train.py']);
    const r = await runPy(PYTHON, ['train.py', '--epochs', '2', '--max-steps', '2'], project);
    expect(r.code, r.stderr).toBe(0);
    const run = decodeRunFile(files['fashion-mnist-softmax-pytorch/run.safetensors'], 'run.safetensors');
    expect(run.manifest.position).toMatchObject({ epoch: 1, step: 0, stepsPerEpoch: 4 });

    const npz = await download(page, 'dataset-button');
    expect(npz.name).toBe('fashion-mnist.npz');
    writeFileSync(join(dir, npz.name), npz.bytes);
    const same = await python(`
import numpy as np
a, b = np.load(${JSON.stringify(join(dir, npz.name))}), np.load('data.npz')
print(all(np.array_equal(a[k], b[k]) for k in ('x_train', 'y_train', 'x_val', 'y_val')), a['x_train'].shape)`, project);
    expect(same.trim()).toBe('True (512, 1, 28, 28)');
  });
});
