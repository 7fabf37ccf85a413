// Bring your own data, in headless Chromium on real WebGPU: CSV, an image-folder zip, a gzipped IDX pair
// and a keras-style .npz dropped on the page (real drop events) each update the card and train two
// epochs; a malformed file is refused in the banner while the dataset, the run and its curves stay.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../src/io/safetensors';
import { enc } from '../../src/data/fixtures/make';
import { blobsCsv, blobsNpz, labelFirstCsv, shapesIdxGz, shapesZip } from './drop-data';
import { bannerText, cardFields, dropFiles, trainTwoEpochs, waitForDataset } from './drop-page';
import { labBrowser, plotted } from './lab-page';

const labs = labBrowser();

async function open(query: string, dataset = 'Fashion-MNIST'): Promise<Page> {
  const page = await labs.open(query);
  await waitForDataset(page, dataset);
  return page;
}

describe('dropping files on the page', () => {
  let page: Page;

  it('a CSV: the card shows what was understood, and softmax trains two epochs on it', async () => {
    page = await open('?model=softmax&epochs=2&batch=32&lr=0.1');
    expect(await page.locator('[data-testid=model-select] option[value=lenet]').isDisabled()).toBe(false);
    await dropFiles(page, [{ name: 'blobs.csv', bytes: blobsCsv() }]);
    await waitForDataset(page, 'blobs');
    expect(await cardFields(page)).toEqual({
      name: 'blobs',
      train: '270',
      val: '30',
      shape: '4',
      classes: '3',
      rows: [expect.stringMatching(/setosa\s+90 \/ 10/), expect.stringMatching(/versicolor\s+90 \/ 10/), expect.stringMatching(/virginica\s+90 \/ 10/)],
    });
    expect(await page.getByTestId('split-note').textContent()).toContain('stratified 90/10');
    expect(await page.getByTestId('sample-grid').count()).toBe(0);
    expect(await page.getByTestId('architecture').textContent()).toContain('Flatten → Dense 4→3 · 15 parameters');
    expect(await page.getByTestId('builtin-select').inputValue()).toBe('');
    // The model list adapts: the convolutional models are offered for images only, and say why not here.
    expect(await page.locator('[data-testid=model-select] option[value=lenet]').isDisabled()).toBe(true);
    expect(await page.getByTestId('model-unfit').textContent()).toContain('LeNet needs images (channels × height × width); this dataset has flat rows of 4 features');
    await trainTwoEpochs(page, 'blobs');
  });

  it('an image-folder zip: class bars and sample images, and two epochs of training', async () => {
    await dropFiles(page, [{ name: 'shapes.zip', bytes: shapesZip() }], 'progress-board');
    await waitForDataset(page, 'shapes');
    const card = await cardFields(page);
    expect([card.train, card.val, card.shape, card.classes]).toEqual(['216', '24', '1×8×8', '3']);
    expect(card.rows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual(['cross 72 / 8', 'horizontal 72 / 8', 'vertical 72 / 8']);
    const inked = await page.getByTestId('sample-grid').evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i] > 120) n++;
      return n / (px.length / 4);
    });
    expect(inked).toBeGreaterThan(0.1);
    await trainTwoEpochs(page, 'shapes');
  });

  it('a malformed file: the banner names the file and row, and the dataset, the run and its curves stay', async () => {
    const card = await cardFields(page);
    const curves = await plotted(page.getByTestId('chart-loss'));
    await dropFiles(page, [{ name: 'ragged.csv', bytes: enc('a,b,label\n1,2,x\n3,4\n5,6,y\n') }]);
    await expect.poll(() => bannerText(page), { timeout: 30_000 }).toContain('ragged.csv, row 3: has 2 fields, expected 3');
    expect(await bannerText(page)).toContain('shapes stays');
    await waitForDataset(page, 'shapes');
    expect(await cardFields(page)).toEqual(card);
    expect(await plotted(page.getByTestId('chart-loss'))).toEqual(curves);
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('done');
    expect(await page.getByTestId('export-button').isEnabled()).toBe(true);
    expect(await page.getByTestId('train-button').isEnabled()).toBe(true);
  });

  it('a gzipped IDX pair, decompressed in the browser, trains two epochs', async () => {
    const { images, labels } = shapesIdxGz();
    await dropFiles(page, [
      { name: 'train-labels-idx1-ubyte.gz', bytes: labels },
      { name: 'train-images-idx3-ubyte.gz', bytes: images },
    ]);
    await waitForDataset(page, 'train-labels-idx1-ubyte');
    const card = await cardFields(page);
    expect([card.train, card.val, card.shape, card.classes]).toEqual(['216', '24', '1×8×8', '3']);
    expect(await page.locator('dataset-card').evaluate((el) => el.shadowRoot!.querySelector('.source')!.textContent!.trim())).toBe('IDX+GZIP · 2 files');
    await trainTwoEpochs(page, 'train-labels-idx1-ubyte');
  });

  it('a keras-style .npz (x_train, y_train, x_test, y_test) keeps its split and trains two epochs', async () => {
    await dropFiles(page, [{ name: 'blobs.npz', bytes: blobsNpz() }]);
    await waitForDataset(page, 'blobs');
    const card = await cardFields(page);
    expect([card.train, card.val, card.shape, card.classes]).toEqual(['240', '60', '6', '2']);
    expect(await page.getByTestId('split-note').textContent()).not.toContain('90/10');
    await trainTwoEpochs(page, 'blobs');
  });
});

describe('the picker, the options and what is not a dataset', () => {
  it('names the column a CSV needs, and loads it once the label column is set', async () => {
    const page = await open('?model=softmax&epochs=2&batch=32');
    await page.getByTestId('file-input').setInputFiles([{ name: 'flowers.csv', mimeType: 'text/csv', buffer: Buffer.from(labelFirstCsv()) }]);
    await expect.poll(() => bannerText(page), { timeout: 30_000 }).toContain('flowers.csv, row 2: column "flower" (1): "setosa" is not a number');
    expect(await page.getByTestId('dataset-name').textContent()).toBe('Fashion-MNIST');
    await page.getByTestId('data-options').locator('summary').click();
    await page.getByTestId('option-labelColumn').fill('flower');
    await page.getByTestId('reload-files').click();
    await waitForDataset(page, 'flowers');
    const card = await cardFields(page);
    expect([card.train, card.val, card.shape, card.classes]).toEqual(['108', '12', '4', '3']);
  });

  it('shows the progress of a large file while the worker parses it', async () => {
    const page = await open('?model=softmax');
    // A 24 MB CSV made in the page; an animation-frame loop records the drop zone's progress bar meanwhile.
    const seen = await page.evaluate(async () => {
      const parts = ['a,b,c,d,e,f,g,h,label\n'];
      for (let i = 0, size = 0; size < 24 * 1024 * 1024; i++) {
        const line = `${i % 97},${i % 89},${i % 83},${i % 79},${i % 73},${i % 71},${i % 67},${i % 61},${i % 5}\n`;
        parts.push(line);
        size += line.length;
      }
      const dt = new DataTransfer();
      dt.items.add(new File(parts, 'big.csv'));
      const app = document.querySelector('lab-app')!;
      const zone = () => app.shadowRoot!.querySelector('drop-zone')!.shadowRoot!;
      const frames: { value: number; text: string }[] = [];
      const done = new Promise<void>((resolve) => {
        const frame = () => {
          const bar = zone().querySelector('progress');
          if (bar) frames.push({ value: bar.value, text: zone().querySelector('.progress span')!.textContent!.trim() });
          const d = app.store!.state.dataset;
          if (d.state === 'ready' && d.summary.name === 'big' && !app.store!.state.loading) resolve();
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
      app.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, composed: true, cancelable: true }));
      await done;
      return frames;
    });
    const partial = seen.filter((f) => f.value > 0 && f.value < 100);
    expect(partial.length, JSON.stringify(seen.slice(0, 5))).toBeGreaterThan(0);
    expect(partial[0].text).toMatch(/^Loading big\.csv… \d+ %$/);
    expect(partial.map((f) => f.value)).toEqual([...partial.map((f) => f.value)].sort((x, y) => x - y));
    expect(await page.getByTestId('load-progress').count()).toBe(0);
    expect((await cardFields(page)).classes).toBe('5');
  });

  it('switches to the built-in MNIST and back; the URL names it, and a link to it opens on it', async () => {
    const page = await open('?model=softmax');
    await page.getByTestId('builtin-select').selectOption('mnist');
    await waitForDataset(page, 'MNIST');
    expect([(await cardFields(page)).train, (await cardFields(page)).val]).toEqual(['9,000', '1,000']);
    expect(new URL(page.url()).searchParams.get('dataset')).toBe('mnist');
    await page.getByTestId('builtin-select').selectOption('fashion-mnist');
    await waitForDataset(page, 'Fashion-MNIST');
    expect((await cardFields(page)).train).toBe('60,000');
    expect(new URL(page.url()).searchParams.get('dataset')).toBe(null);

    const linked = await open('?model=softmax&dataset=mnist', 'MNIST');
    expect(await linked.getByTestId('builtin-select').inputValue()).toBe('mnist');
  });

  it('sends a dropped .safetensors file to the weights import instead of the loader', async () => {
    const page = await open('?model=softmax');
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { imports: string[] }).imports = seen;
      window.addEventListener('import-weights', (e) => seen.push((e as Event & { file: File }).file.name));
    });
    const weights = writeSafetensors([{ name: 'layers.1.bias', dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) }], { format: 'classifier-lab/1' });
    await dropFiles(page, [{ name: 'model.safetensors', bytes: weights }]);
    await expect.poll(() => page.evaluate(() => (window as unknown as { imports: string[] }).imports)).toEqual(['model.safetensors']);
    expect(await page.getByTestId('dataset-name').textContent()).toBe('Fashion-MNIST');
  });

  it('loads nothing while a run trains; a new dataset clears the stopped run (Continue, Export, curves) and Train starts over', async () => {
    // The whole of Fashion-MNIST for 50 epochs: far longer than this test, so Stop always lands mid-run.
    const page = await open('?model=softmax&epochs=50&batch=64');
    await page.getByTestId('train-button').click();
    await expect.poll(() => page.getByTestId('stop-button').isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByTestId('open-files').isDisabled()).toBe(true);
    await dropFiles(page, [{ name: 'blobs.csv', bytes: blobsCsv() }]);
    await expect.poll(() => page.getByTestId('drop-note').textContent()).toBe('Stop training to load another dataset.');
    expect(await page.getByTestId('dataset-name').textContent()).toBe('Fashion-MNIST');
    await page.getByTestId('stop-button').click();
    await expect.poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 60_000 }).toBe('stopped');
    expect(await page.getByTestId('continue-button').isEnabled()).toBe(true);

    await dropFiles(page, [{ name: 'blobs.csv', bytes: blobsCsv() }]);
    await waitForDataset(page, 'blobs');
    // The stopped run belonged to Fashion-MNIST: its curves, status and Export go with it (#13 item 2).
    expect(await page.getByTestId('continue-button').isEnabled()).toBe(false);
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('idle');
    expect(await page.getByTestId('export-button').isEnabled()).toBe(false);
    expect(await page.getByTestId('train-button').isEnabled()).toBe(true);
  });
});
