// The lab end to end in headless Chromium on real WebGPU, against the production build: the built-in
// dataset loads, softmax trains and both charts draw, Stop/Continue resumes, Export gives a file that
// parses, and nothing logs an error along the way.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../src/io/safetensors';
import { NO_WEBGPU_FLAGS, labBrowser, launchChromium, openLab, plotted, values, waitForStatus } from './lab-page';

const epochShown = async (page: Page) => Number(await page.getByTestId('progress-epoch').getAttribute('data-epoch'));

const labs = labBrowser();
const open = labs.open;

describe('a softmax run on a 4,096-example subset', () => {
  let page: Page;

  it('loads the built-in Fashion-MNIST dataset with its counts, classes and samples', async () => {
    page = await open('?model=softmax&epochs=2&limit=4096');
    await expect.poll(() => page.getByTestId('adapter').getAttribute('data-state'), { timeout: 60_000 }).toBe('ready');
    await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('count-train').textContent()).toBe('60,000');
    expect(await page.getByTestId('count-val').textContent()).toBe('10,000');
    expect(await page.getByTestId('class-count').textContent()).toBe('10');
    expect(await page.getByTestId('feature-shape').textContent()).toBe('1×28×28');
    expect(await page.getByTestId('class-row').count()).toBe(10);
    expect(await page.getByTestId('class-row').first().textContent()).toMatch(/T-shirt\/top\s+6,000 \/ 1,000/);
    // The sample grid is drawn: its canvas holds images, not a blank area.
    const inked = await page.getByTestId('sample-grid').evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i] > 40) n++;
      return { width: canvas.width, height: canvas.height, inked: n / (px.length / 4) };
    });
    expect(inked.width).toBeGreaterThan(28);
    expect(inked.inked).toBeGreaterThan(0.1);
    // The URL's settings reached the form.
    expect(await page.getByTestId('model-select').inputValue()).toBe('softmax');
    expect(await page.getByTestId('field-epochs').inputValue()).toBe('2');
    expect(await page.getByTestId('field-limit').inputValue()).toBe('4096');
    expect(await page.getByTestId('architecture').textContent()).toContain('Flatten → Dense 784→10 · 7,850 parameters');
    expect(await page.getByTestId('train-button').isEnabled()).toBe(true);
    expect(await page.getByTestId('export-button').isEnabled()).toBe(false);
  });

  it('trains 2 epochs: both charts draw and the train loss falls', async () => {
    await page.getByTestId('train-button').click();
    expect(await waitForStatus(page, ['done', 'diverged', 'error', 'stopped'])).toBe('done');

    const [x, train, val] = await plotted(page.getByTestId('chart-loss'));
    const trainLoss = values(train);
    const valLoss = values(val);
    expect(trainLoss.length).toBeGreaterThanOrEqual(2);
    expect(valLoss).toHaveLength(2);
    expect(x.filter((_, i) => val[i] !== null)).toEqual([1, 2]);
    // Train points sit at fractional epochs within (0, 2].
    expect(x.filter((_, i) => train[i] !== null).every((e) => e !== null && e > 0 && e <= 2)).toBe(true);
    expect(x.some((e, i) => train[i] !== null && e !== null && !Number.isInteger(e))).toBe(true);
    expect(trainLoss.every(Number.isFinite)).toBe(true);
    expect(trainLoss[trainLoss.length - 1]).toBeLessThan(trainLoss[0]);
    expect(valLoss[1]).toBeLessThan(valLoss[0]);

    // Accuracy: train points (the training steps' own argmax) where the train loss has them, validation at epoch ends.
    const [accX, trainAcc, acc] = await plotted(page.getByTestId('chart-acc'));
    expect(accX.filter((_, i) => acc[i] !== null)).toEqual([1, 2]);
    expect(values(acc).every((a) => a > 0.1 && a <= 1)).toBe(true);
    expect(accX.filter((_, i) => trainAcc[i] !== null)).toEqual(x.filter((_, i) => train[i] !== null));
    expect(values(trainAcc).every((a) => a > 0 && a <= 1)).toBe(true);

    expect(await epochShown(page)).toBe(2);
    expect(await page.getByTestId('export-button').isEnabled()).toBe(true);
    // A finished run offers more epochs of itself instead of Continue.
    expect(await page.getByTestId('continue-button').count()).toBe(0);
    expect(await page.getByTestId('more-button').isEnabled()).toBe(true);
  });

  it('exports <dataset>-<model>.safetensors holding the dense layer (10, 784) and its bias', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-button').click()]);
    expect(download.suggestedFilename()).toBe('fashion-mnist-softmax.safetensors');
    const bytes = new Uint8Array(await readFile(await download.path()));
    const file = readSafetensors(bytes, download.suggestedFilename());
    expect([...file.tensors.keys()].sort()).toEqual(['layers.1.bias', 'layers.1.weight']);
    const weight = file.tensors.get('layers.1.weight')!;
    const bias = file.tensors.get('layers.1.bias')!;
    expect(weight.dtype).toBe('F32');
    expect(weight.shape).toEqual([10, 784]);
    expect(bias.shape).toEqual([10]);
    expect(Array.from(weight.data as Float32Array).every(Number.isFinite)).toBe(true);
    // Trained, not the initial normal(0, 0.01) draw with zero biases.
    expect(Array.from(bias.data as Float32Array).some((b) => b !== 0)).toBe(true);
    expect(file.metadata.format).toBe('classifier-lab/1');
    const manifest = JSON.parse(file.metadata.manifest);
    expect(manifest.architecture.name).toBe('softmax');
    expect(manifest.config.epochs).toBe(2);
    expect(manifest.config.limit).toBe(4096);
    expect(manifest.epochsDone).toBe(2);
    // The file's metric history is the curve the page drew.
    const drawn = await plotted(page.getByTestId('chart-acc'));
    const saved = manifest.history.filter((r: { key: string; split: string }) => r.key === 'acc' && r.split === 'val');
    expect(saved.map((r: { epoch: number; value: number }) => [r.epoch, r.value])).toEqual(drawn[0].flatMap((x, i) => (drawn[2][i] === null ? [] : [[x, drawn[2][i]]])));
    const savedTrain = manifest.history.filter((r: { key: string; split: string }) => r.key === 'acc' && r.split === 'train');
    expect(savedTrain.map((r: { epoch: number; value: number }) => [r.epoch, r.value])).toEqual(drawn[0].flatMap((x, i) => (drawn[1][i] === null ? [] : [[x, drawn[1][i]]])));
  });
});

describe('Stop then Continue', () => {
  // Enough epochs that the run is still going when Stop lands after the first validation point.
  const EPOCHS = 10;

  it('resumes the stopped run: earlier points stay, more are added and the epoch counter goes on', async () => {
    // On the GPU (SwiftShader here): the WebAssembly backend, which auto may pick, finishes before Stop lands.
    const page = await open(`?model=softmax&epochs=${EPOCHS}&limit=4096&backend=webgpu`);
    const loss = page.getByTestId('chart-loss');
    const acc = page.getByTestId('chart-acc');
    const app = page.locator('lab-app');
    await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('train-button').isEnabled(), { timeout: 60_000 }).toBe(true);

    await page.getByTestId('train-button').click();
    await expect.poll(async () => values((await plotted(acc))[2]).length, { timeout: 120_000, interval: 100 }).toBeGreaterThanOrEqual(1);
    await page.getByTestId('stop-button').click();
    expect(await waitForStatus(page, ['stopped'])).toBe('stopped');
    expect(await page.getByTestId('continue-button').isEnabled()).toBe(true);
    expect(await page.getByTestId('export-button').isEnabled()).toBe(true);

    const before = await plotted(loss);
    const epochBefore = await epochShown(page);
    const valBefore = values(before[2]).length;
    expect(valBefore).toBeGreaterThanOrEqual(1);
    expect(epochBefore).toBeLessThan(EPOCHS);

    // Every epoch the progress line shows from here on, read from the store as it changes.
    await app.evaluate((el: HTMLElementTagNameMap['lab-app']) => {
      const seen: number[] = [];
      (window as unknown as { epochsSeen: number[] }).epochsSeen = seen;
      el.store!.subscribe((s) => s.progress && seen.push(s.progress.epoch));
    });
    await page.getByTestId('continue-button').click();
    expect(await waitForStatus(page, ['done'])).toBe('done');

    const epochsSeen = await page.evaluate(() => (window as unknown as { epochsSeen: number[] }).epochsSeen);
    expect(epochsSeen.length).toBeGreaterThan(0);
    expect(Math.min(...epochsSeen)).toBe(epochBefore);
    expect(epochsSeen.at(-1)).toBe(EPOCHS);
    expect(await epochShown(page)).toBe(EPOCHS);

    const after = await plotted(loss);
    // The curve before Stop is kept as it was; Continue appended to it.
    expect(after[0].slice(0, before[0].length)).toEqual(before[0]);
    expect(after[1].slice(0, before[1].length)).toEqual(before[1]);
    expect(after[0].length).toBeGreaterThan(before[0].length);
    expect(values(after[1]).every(Number.isFinite)).toBe(true);
    // One validation point per epoch end and no train point twice: the run went on, it did not restart.
    expect(after[0].filter((_, i) => after[2][i] !== null)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
    expect(values((await plotted(acc))[2])).toHaveLength(EPOCHS);
    const trainX = await app.evaluate((el: HTMLElementTagNameMap['lab-app']) =>
      el.store!.state.records.filter((r) => r.key === 'loss' && r.split === 'train').map((r) => r.epoch),
    );
    expect(trainX.every((x, i) => i === 0 || x > trainX[i - 1])).toBe(true);
    expect(trainX.at(-1)).toBe(EPOCHS);
  });
});

describe('Stop on the WebAssembly backend', () => {
  it('lands between ranges of steps, although that backend computes on the engine worker\'s own thread', async () => {
    const page = await open('?model=softmax&epochs=50&backend=wasm');
    await expect.poll(() => page.getByTestId('train-button').isEnabled(), { timeout: 60_000 }).toBe(true);
    await page.getByTestId('train-button').click();
    await expect.poll(async () => values((await plotted(page.getByTestId('chart-loss')))[1]).length, { timeout: 120_000, interval: 100 }).toBeGreaterThanOrEqual(1);
    await page.getByTestId('stop-button').click();
    expect(await waitForStatus(page, ['stopped'])).toBe('stopped');
    expect(await epochShown(page)).toBeLessThan(50);
  });
});

describe('without a WebGPU adapter', () => {
  it('says what is missing, keeps form and URL in step, and trains on the WebAssembly backend', async () => {
    const noGpu = await launchChromium(NO_WEBGPU_FLAGS);
    try {
      const lab = await openLab(noGpu, '?model=softmax&epochs=1&limit=1024&lr=abc', false);
      labs.watch(lab);
      const page = lab.page;
      await expect.poll(() => page.getByTestId('adapter').getAttribute('data-state'), { timeout: 60_000 }).toBe('failed');
      const banner = page.getByTestId('banner');
      await expect.poll(() => banner.textContent(), { timeout: 10_000 }).toContain('No WebGPU adapter was found');
      expect(await banner.textContent()).toContain('Ignored URL parameter lr="abc"');
      expect(await page.getByTestId('field-lr').inputValue()).toBe('0.1');
      await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('count-train').textContent()).toBe('60,000');

      // The form: a bad value blocks Train and says why; edits go to the URL; the MLP shows its hidden sizes.
      await page.getByTestId('field-epochs').fill('two');
      expect(await page.getByTestId('train-button').isEnabled()).toBe(false);
      expect(await page.getByTestId('field-epochs').getAttribute('aria-invalid')).toBe('true');
      await page.getByTestId('field-epochs').fill('1');
      expect(await page.getByTestId('train-button').isEnabled()).toBe(true);
      await page.getByTestId('model-select').selectOption('mlp');
      expect(await page.getByTestId('field-hidden').inputValue()).toBe('256');
      expect(new URL(page.url()).searchParams.get('hidden')).toBe(null);
      await page.getByTestId('field-hidden').fill('128,64');
      expect(new URL(page.url()).searchParams.get('hidden')).toBe('128,64');
      // A preset sets the whole model and optimizer; an edit after it makes the settings custom.
      await page.getByTestId('preset-select').selectOption('lenet-lab');
      expect(await page.getByTestId('model-select').inputValue()).toBe('lenet');
      expect(await page.getByTestId('field-optimizer').inputValue()).toBe('adam');
      expect(await page.getByTestId('field-schedule').inputValue()).toBe('cosine');
      expect(await page.getByTestId('field-pool').inputValue()).toBe('max');
      expect(await page.getByTestId('field-momentum').count()).toBe(0);
      expect(await page.getByTestId('architecture').textContent()).toContain('Conv');
      expect(new URL(page.url()).search).toContain('&optimizer=adam&schedule=cosine&init=he&activation=relu&pool=max');
      await page.getByTestId('field-optimizer').selectOption('momentum');
      expect(await page.getByTestId('field-momentum').inputValue()).toBe('0.9');
      expect(await page.getByTestId('preset-select').inputValue()).toBe('');
      await page.getByTestId('field-momentum').fill('1.5');
      expect(await page.getByTestId('train-button').isEnabled()).toBe(false);
      await page.getByTestId('field-optimizer').selectOption('sgd');
      expect(await page.getByTestId('train-button').isEnabled()).toBe(true);
      expect(new URL(page.url()).searchParams.get('optimizer')).toBe(null);
      await page.getByTestId('model-select').selectOption('softmax');
      expect(await page.getByTestId('field-hidden').count()).toBe(0);
      expect(new URL(page.url()).search).toBe('?model=softmax&epochs=1&batch-size=256&lr=0.1&seed=0&limit=1024');

      // With no adapter, auto takes the WebAssembly kernels (threads: the page is cross-origin isolated) and says so.
      await page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']) => {
        const said: string[] = [];
        (window as unknown as { statusSaid: string[] }).statusSaid = said;
        el.store!.subscribe((s) => s.statusMessage && said.push(s.statusMessage));
      });
      await page.getByTestId('train-button').click();
      expect(await waitForStatus(page, ['done'])).toBe('done');
      const said = await page.evaluate(() => (window as unknown as { statusSaid: string[] }).statusSaid);
      expect(said.find((m) => m.startsWith('Training on')), said.join(' | ')).toMatch(/^Training on WebAssembly, \d+ threads?: no WebGPU adapter/);
      expect(values((await plotted(page.getByTestId('chart-acc')))[2])).toHaveLength(1);
      // The insight views get the WebAssembly backend's confusion matrix: 100 cells over the 10,000 validation examples.
      await page.getByTestId('insight-panel').getByTestId('confusion-matrix').waitFor({ timeout: 10_000 });
      const counts = await page.getByTestId('cell').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
      expect(counts).toHaveLength(100);
      expect(counts.reduce((a, n) => a + n, 0)).toBe(10_000);
    } finally {
      await noGpu.close();
    }
  });
});
