// Model files in the page: a file whose class count or tensors do not fit is refused with a message
// naming which (picked or dropped); a checkpoint goes browser → CLI → browser and keeps training; an
// opened run is evaluated on the loaded dataset; Export ONNX shows onnxruntime-web's parity check first.
import onnxProto from 'onnx-proto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from '../helpers/cli';
import { decodeRunFile, encodeRunFile } from '../../src/io/checkpoint';
import { FORMAT, type Manifest } from '../../src/io/manifest';
import { writeSafetensors } from '../../src/io/safetensors';
import { flatNet } from '../../src/model/architecture';
import { defaultConfig } from '../../src/model/config';
import { dropFiles } from './drop-page';
import { labBrowser, waitForStatus } from './lab-page';
import { download, records } from './run-files-page';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'classifier-lab-files-'));
// One page for the whole file; the browser's afterEach holds it to no console errors, uncaught
// exceptions or CSP violations.
const labs = labBrowser();
let page: Page;
let cli: { cli: string; remove: () => void };

beforeAll(async () => {
  cli = buildCli();
  page = await labs.open('?model=softmax&epochs=4&limit=2048&seed=5');
  await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
});
afterAll(async () => {
  cli?.remove();
  rmSync(dir, { recursive: true, force: true });
});

/** A softmax model file for `classes` classes of 1×28×28 images (valid on its own). */
function softmaxFile(classes: number): Manifest {
  return {
    format: FORMAT,
    architecture: { name: 'softmax', inputShape: [1, 28, 28], numClasses: classes, net: flatNet([{ type: 'flatten' }, { type: 'dense', in: 784, out: classes }]), init: { kind: 'normal', sigma: 0.01 } },
    weightLayout: 'pytorch', config: { ...defaultConfig }, classNames: Array.from({ length: classes }, (_, i) => `kind ${i}`),
    normalization: { kind: 'scale', scale: 1 / 255 }, dataset: { name: 'elsewhere', train: 10, val: 2 }, history: [], epochsDone: 1, createdAt: '2025-01-01T00:00:00.000Z',
  };
}

const notices = () => page.getByTestId('banner').textContent();
const pick = (name: string, bytes: Uint8Array) => page.getByTestId('open-model-input').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });

describe('model files in the page', () => {
  it('refuses a file for 3 classes, and a file whose tensor does not match its manifest, naming which; nothing changes', async () => {
    const three = encodeRunFile({ manifest: softmaxFile(3), params: new Map([['layers.1.weight', new Float32Array(3 * 784)], ['layers.1.bias', new Float32Array(3)]]), optimizerState: new Map() });
    await pick('three.safetensors', three);
    await expect.poll(notices, { timeout: 30_000 }).toContain(
      'three.safetensors was not opened: three.safetensors: The model has 3 classes (kind 0, kind 1, kind 2), but the dataset has 10 (T-shirt/top, Trouser, Pullover, Dress, Coat, …): load a dataset with 3 classes, or train a new model',
    );
    // Dropped on the page (the data drop zone hands weights over): a tensor of the wrong shape.
    const m = softmaxFile(10);
    const bad = writeSafetensors([
      { name: 'layers.1.bias', dtype: 'F32', shape: [10], data: new Float32Array(10) },
      { name: 'layers.1.weight', dtype: 'F32', shape: [10, 783], data: new Float32Array(7830) },
    ], { format: FORMAT, manifest: JSON.stringify(m) });
    await dropFiles(page, [{ name: 'bad.safetensors', bytes: bad }]);
    await expect.poll(notices, { timeout: 30_000 }).toContain("bad.safetensors: the tensors do not match the manifest's softmax architecture: layers.1.weight is 10×783, the architecture needs 10×784");
    expect(await page.getByTestId('opened-model').count()).toBe(0);
    expect(await page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']) => [el.store!.state.status, el.store!.state.records.length])).toEqual(['idle', 0]);
  });

  it('browser → CLI → browser: a checkpoint trains on in the CLI, comes back, evaluates and keeps training', async () => {
    await page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']) => {
      let pressed = false;
      el.store!.subscribe((s) => {
        if (!pressed && s.records.some((r) => r.split === 'val')) {
          pressed = true;
          el.shadowRoot!.querySelector('run-controls')!.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid=stop-button]')!.click();
        }
      });
    });
    await page.getByTestId('train-button').click();
    expect(await waitForStatus(page, ['stopped'])).toBe('stopped');
    const first = await download(page, 'save-checkpoint-button');
    expect(first.name).toBe('fashion-mnist-softmax-checkpoint.safetensors');
    const a = decodeRunFile(first.bytes, first.name).manifest;
    expect(a.contents).toBe('checkpoint');
    expect(a.epochsDone).toBeGreaterThanOrEqual(1);
    expect(a.epochsDone).toBeLessThan(3);
    await writeFile(join(dir, 'a.safetensors'), first.bytes);

    const until = a.epochsDone + 1;
    const r = await runCli(cli.cli, ['train', '--resume', join(dir, 'a.safetensors'), '--until-epoch', String(until), '--checkpoint', join(dir, 'b.safetensors')]);
    expect(r.code, r.stderr).toBe(0);
    const bBytes = new Uint8Array(await readFile(join(dir, 'b.safetensors')));
    const b = decodeRunFile(bBytes, 'b.safetensors').manifest;
    expect(b.epochsDone).toBe(until);
    expect(b.history.slice(0, a.history.length)).toEqual(a.history);

    await pick('b.safetensors', bBytes);
    await page.getByTestId('opened-model').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('opened-model').textContent()).toContain(`checkpoint of softmax on Fashion-MNIST, ${until} of 4 epochs`);
    expect(await records(page)).toEqual(b.history);
    // Evaluated on the loaded validation split: the accuracy the run itself measured at its last epoch.
    await page.getByTestId('evaluate-button').click();
    await page.getByTestId('evaluation').waitFor({ timeout: 60_000 });
    const lastAcc = b.history.filter((x) => x.key === 'acc' && x.split === 'val').at(-1)!.value;
    expect(Number(await page.getByTestId('evaluation').getAttribute('data-acc'))).toBe(lastAcc);

    await page.getByTestId('continue-opened-button').click();
    expect(await waitForStatus(page, ['done'])).toBe('done');
    const after = await records(page);
    expect(after.slice(0, b.history.length)).toEqual(b.history);
    expect(after.filter((x) => x.key === 'acc' && x.split === 'val').map((x) => x.epoch)).toEqual([1, 2, 3, 4]);
  });

  it('Export ONNX shows onnxruntime-web\'s check on 256 validation examples, then downloads the graph', async () => {
    const file = await download(page, 'onnx-button');
    expect(file.name).toBe('fashion-mnist-softmax.onnx');
    const check = page.getByTestId('onnx-check');
    expect(await check.getAttribute('data-ok')).toBe('true');
    expect(await check.getAttribute('data-rows')).toBe('256');
    expect(await check.getAttribute('data-agree')).toBe('256');
    expect(Number(await check.getAttribute('data-max-diff'))).toBeLessThanOrEqual(1e-4);
    expect(await check.textContent()).toMatch(/onnxruntime-web 1\.30\.0 \(wasm, 1 thread\) on 256 validation examples: largest logit difference \S+, every argmax agrees/);
    const model = onnxProto.onnx.ModelProto.decode(file.bytes);
    expect(model.opsetImport.map((o) => Number(o.version))).toEqual([13]);
    expect(model.graph!.output!.map((o) => o.name)).toEqual(['logits', 'probabilities']);
  });
});
