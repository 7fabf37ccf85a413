// "What the model learned" in headless Chromium on WebGPU (SwiftShader): the confusion matrix appears
// after an epoch and agrees with the accuracy curve, a cell lists examples of that cell, the mistakes and
// calibration views draw, a digit drawn on an MNIST-trained LeNet gets probabilities (also while a run
// trains) and the inside of the model shows conv filters and activation maps. With LAB_SCREENSHOTS=1 the
// views are saved under docs/ for the README.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { labBrowser, plotted, values, waitForStatus } from './lab-page';

const labs = labBrowser();
const shots = process.env.LAB_SCREENSHOTS === '1';
const shot = async (l: Locator, name: string) => {
  if (shots) await l.screenshot({ path: `docs/${name}.png` });
};

async function trainDone(page: Page): Promise<void> {
  await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
  await expect.poll(() => page.getByTestId('train-button').isEnabled(), { timeout: 60_000 }).toBe(true);
  await page.getByTestId('train-button').click();
  expect(await waitForStatus(page, ['done'])).toBe('done');
}

const cells = (page: Page) =>
  page.getByTestId('cell').evaluateAll((els) => els.map((e) => ({ t: Number(e.getAttribute('data-true')), p: Number(e.getAttribute('data-pred')), n: Number(e.getAttribute('data-count')) })));

describe('the confusion matrix, its examples and calibration (softmax on Fashion-MNIST)', () => {
  let page: Page;

  it('appears after each epoch: 10 × 10 cells over the 10,000 validation examples, trace = accuracy', async () => {
    page = await labs.open('?model=softmax&epochs=2&limit=4096&backend=webgpu');
    await trainDone(page);
    const panel = page.getByTestId('insight-panel');
    await panel.getByTestId('confusion-matrix').waitFor();
    const all = await cells(page);
    expect(all).toHaveLength(100);
    expect(all.reduce((a, c) => a + c.n, 0)).toBe(10_000);
    const trace = all.filter((c) => c.t === c.p).reduce((a, c) => a + c.n, 0);
    const acc = values((await plotted(page.getByTestId('chart-acc')))[2]);
    expect(trace / 10_000).toBeCloseTo(acc.at(-1)!, 12);
    expect(await page.getByTestId('epoch-shown').textContent()).toBe('2');
    expect(await page.getByTestId('class-metric-row').count()).toBe(10);
    expect(await panel.locator('thead th').nth(1).textContent()).toBe('T-shirt/top');
    // An earlier epoch, then back to the latest; the row-normalised view shows shares.
    await page.getByTestId('epoch-slider').fill('1');
    expect(await page.getByTestId('epoch-shown').textContent()).toBe('1');
    const first = await cells(page);
    expect(first.filter((c) => c.t === c.p).reduce((a, c) => a + c.n, 0) / 10_000).toBeCloseTo(acc[0], 12);
    await page.getByTestId('epoch-slider').fill('2');
    await page.getByTestId('normalise').check();
    expect(await page.getByTestId('cell').first().textContent()).toMatch(/^\d+(\.\d)?%$/);
    await shot(panel, 'confusion-matrix');
  });

  it('lists the examples of a clicked cell: true and predicted classes match the cell, most confident first', async () => {
    const worst = (await cells(page)).filter((c) => c.t !== c.p).sort((a, b) => b.n - a.n)[0];
    await page.locator(`[data-testid=cell][data-true="${worst.t}"][data-pred="${worst.p}"]`).click();
    const gallery = page.getByTestId('cell-examples');
    await gallery.getByTestId('example').first().waitFor();
    expect(Number(await gallery.getByTestId('example-count').getAttribute('data-total'))).toBe(worst.n);
    const shown = await gallery.getByTestId('example').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-label')), Number(e.getAttribute('data-pred'))]));
    expect(shown.length).toBe(Math.min(24, worst.n));
    for (const s of shown) expect(s).toEqual([worst.t, worst.p]);
    const tops = await gallery.locator('ol').evaluateAll((els) => els.map((e) => parseFloat(e.querySelector('li')!.textContent!.split(' ').at(-2)!)));
    expect(tops).toEqual([...tops].sort((a, b) => b - a));
    await shot(gallery, 'cell-examples');
  });

  it('shows the most confident mistakes and the calibration of the run', async () => {
    await page.getByTestId('tab-mistakes').click();
    const mistakes = page.getByTestId('mistakes');
    await mistakes.getByTestId('example').first().waitFor();
    const pairs = await mistakes.getByTestId('example').evaluateAll((els) => els.map((e) => [e.getAttribute('data-label'), e.getAttribute('data-pred')]));
    expect(pairs.length).toBe(24);
    for (const [label, pred] of pairs) expect(label).not.toBe(pred);
    await page.getByTestId('tab-confidence').click();
    const ece = Number(await page.getByTestId('ece').textContent());
    expect(ece).toBeGreaterThan(0);
    expect(ece).toBeLessThan(100);
    const meanP = JSON.parse((await page.getByTestId('confidence-chart').getAttribute('data-values'))!) as number[];
    expect(meanP).toHaveLength(2);
    expect(meanP.every((p) => p > 0.1 && p < 1)).toBe(true);
    expect(await page.getByTestId('reliability').locator('rect').count()).toBeGreaterThan(2);
    await shot(page.getByTestId('insight-panel'), 'calibration');
  });
});

/** Draws a stroke of `moves` pointer moves down the pad's middle (a "1"), starting at `from` (0..1). */
async function drawStroke(page: Page, moves: number): Promise<void> {
  const box = (await page.getByTestId('draw-pad').boundingBox())!;
  const x = box.x + box.width * 0.5;
  await page.mouse.move(x, box.y + box.height * 0.2);
  await page.mouse.down();
  for (let i = 1; i <= moves; i++) await page.mouse.move(x + (i % 2) * 2, box.y + box.height * (0.2 + (0.6 * i) / moves));
  await page.mouse.up();
}

describe('your own input and the inside of LeNet (MNIST)', () => {
  let page: Page;

  it('a digit drawn on an MNIST-trained LeNet gets probabilities, as it is drawn', async () => {
    // The lab's LeNet settings (ReLU, max pooling, He init, Adam) learn MNIST's digits within one short epoch.
    page = await labs.open('?dataset=mnist&model=lenet&epochs=1&limit=4096&backend=webgpu&optimizer=adam&lr=0.002&activation=relu&pool=max&init=he');
    await trainDone(page);
    await page.getByTestId('tab-input').click();
    const probs = page.getByTestId('own-probs');
    await drawStroke(page, 12);
    await expect.poll(() => probs.getAttribute('data-updates'), { timeout: 30_000 }).not.toBe('0');
    expect(await probs.locator('li').count()).toBe(10);
    const shown = await probs.locator('.num').evaluateAll((els) => els.map((e) => parseFloat(e.textContent!)));
    expect(shown.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
    // The rate of updates while drawing (reported, not asserted: the machine is shared).
    await page.getByTestId('draw-clear').click();
    const before = Number(await probs.getAttribute('data-updates'));
    const t0 = Date.now();
    await drawStroke(page, 120);
    await expect.poll(async () => Number(await probs.getAttribute('data-updates')) > before, { timeout: 10_000 }).toBe(true);
    const rate = ((Number(await probs.getAttribute('data-updates')) - before) * 1000) / (Date.now() - t0);
    // What the engine can answer back to back: LeNet's CPU forward on the weights copy, through the worker.
    const capacity = await page.locator('lab-app').evaluate(async (el: HTMLElementTagNameMap['lab-app']) => {
      const x = new Uint8Array(784).map((_, i) => ((i % 28) > 12 && (i % 28) < 16 ? 255 : 0));
      const t0 = performance.now();
      for (let i = 0; i < 40; i++) await el.session!.insight.predict(x, 1);
      return (40 * 1000) / (performance.now() - t0);
    });
    console.log(`own input on LeNet: ${rate.toFixed(1)} updates/s while drawing (120 pointer moves); ${capacity.toFixed(1)} predictions/s back to back`);
    expect(await page.getByTestId('draw-seen').evaluate((c) => (c as HTMLCanvasElement).width)).toBe(28);
    await shot(page.getByTestId('insight-panel'), 'own-input');
  });

  it('shows the conv filters and activation maps of an example', async () => {
    await page.getByTestId('tab-inside').click();
    await page.getByTestId('conv-filters').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('conv-filters').count()).toBe(2);
    expect(await page.getByTestId('activation-maps').count()).toBe(2);
    expect(await page.getByTestId('conv-filters').first().evaluate((c) => (c as HTMLCanvasElement).width)).toBe(6 * 6 - 1);
    await shot(page.getByTestId('insight-panel'), 'inside');
  });

  it('predicts while a run trains, on a copy of the latest weights', async () => {
    await page.getByTestId('field-epochs').fill('3');
    await page.getByTestId('train-button').click();
    await waitForStatus(page, ['training']);
    // Once the new run has its first train point, its weights exist.
    await expect.poll(async () => values((await plotted(page.getByTestId('chart-loss')))[1]).length, { timeout: 120_000 }).toBeGreaterThan(0);
    await page.getByTestId('tab-input').click();
    const probs = page.getByTestId('own-probs');
    await drawStroke(page, 10);
    await expect.poll(async () => (await probs.textContent()) ?? '', { timeout: 60_000 }).toMatch(/Weights of epoch/);
    // Still training: Stop can act.
    expect(await page.getByTestId('stop-button').getAttribute('aria-disabled')).toBe('false');
    await page.getByTestId('stop-button').click();
    await waitForStatus(page, ['stopped']);
  });
});
