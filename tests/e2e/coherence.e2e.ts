// What you see is what trains (#13): each defect a new user met, reproduced in headless Chromium. The form
// shows the values the next action uses; results belong to a named (run, dataset) or are cleared; one
// status at a time; readable charts; resume and "more epochs" offered where they work; warnings before
// waste; dismissable banners; focus, a phone's width, dark mode and the model select's name.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dropFiles } from './drop-page';
import { labBrowser, plotted, values, waitForStatus } from './lab-page';
import { download, notices } from './run-files-page';

const labs = labBrowser();

const state = (page: Page) => page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']) => {
  const s = el.store!.state;
  return { status: s.status, runConfig: s.runConfig, config: s.config, records: s.records.length, files: s.files };
});

async function ready(page: Page): Promise<void> {
  await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
  await expect.poll(() => page.getByTestId('train-button').isEnabled(), { timeout: 60_000 }).toBe(true);
}

/** Clicks Stop from inside the page as soon as the first train point arrives (SwiftShader is quick). */
async function stopAtFirstPoint(page: Page): Promise<void> {
  await page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']) => {
    let pressed = false;
    el.store!.subscribe((s) => {
      if (!pressed && s.records.some((r) => r.split === 'train')) {
        pressed = true;
        el.shadowRoot!.querySelector('run-controls')!.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid=stop-button]')!.click();
      }
    });
  });
}

/** The element focused inside the page's shadow roots, by test id. */
const focusedTestId = (page: Page) =>
  page.evaluate(() => {
    let a: Element | null = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    return a?.getAttribute('data-testid') ?? a?.tagName.toLowerCase() ?? null;
  });

describe('#13 defects', () => {
  it('1. a form field shows the value the next action uses (model switch, Stop → edit → Continue)', async () => {
    // backend=webgpu: slow enough here for Stop and the running form to be seen (the WebAssembly backend is not).
    const page = await labs.open('?model=mlp&epochs=3&limit=2048&batch-size=32&backend=webgpu');
    await ready(page);
    await page.getByTestId('field-batchSize').fill('0');
    await page.getByTestId('field-weightDecay').fill('-1');
    await page.getByTestId('field-initSigma').fill('0');
    expect(await page.getByTestId('field-batchSize').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('train-button').isEnabled()).toBe(false);
    // Softmax's d2l settings replace the three fields: they show what Train will use, and the URL agrees.
    await page.getByTestId('model-select').selectOption('softmax');
    expect(await page.getByTestId('field-batchSize').inputValue()).toBe('256');
    expect(await page.getByTestId('field-weightDecay').inputValue()).toBe('0');
    expect(await page.getByTestId('field-initSigma').inputValue()).toBe('0.01');
    expect(await page.locator('model-form [aria-invalid=true]').count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('batch-size')).toBe('256');
    expect(await page.getByTestId('train-button').isEnabled()).toBe(true);

    await page.getByTestId('field-batchSize').fill('32');
    // Long enough that the continued run is still training when the form is read (it is stopped below).
    await page.getByTestId('field-epochs').fill('200');
    await stopAtFirstPoint(page);
    await page.getByTestId('train-button').click();
    expect(await waitForStatus(page, ['stopped'])).toBe('stopped');
    // A stopped run's settings are named beside the field that now differs.
    await page.getByTestId('field-lr').fill('0.5');
    expect(await page.getByTestId('field-lr-run').textContent()).toBe('The run keeps 0.1; this applies to the next Train.');
    await page.getByTestId('continue-button').click();
    // While it runs, the form shows the run's own settings, read-only.
    await page.getByTestId('form-bound').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('field-lr').inputValue()).toBe('0.1');
    expect(await page.getByTestId('field-lr').isEnabled()).toBe(false);
    await page.getByTestId('stop-button').click();
    expect(await waitForStatus(page, ['stopped'])).toBe('stopped');
    const s = await state(page);
    expect([s.runConfig?.lr, s.config.lr]).toEqual([0.1, 0.5]);
    expect(await page.getByTestId('field-lr').inputValue()).toBe('0.5');
    expect(await page.getByTestId('field-lr-run').textContent()).toContain('The run keeps 0.1');
  });

  it('2. a new dataset clears the old run\'s results; Evaluate says which dataset it ran on', async () => {
    const page = await labs.open('?model=softmax&epochs=1&limit=1024');
    await ready(page);
    await page.getByTestId('train-button').click();
    expect(await waitForStatus(page, ['done'])).toBe('done');
    expect(await page.getByTestId('run-label').textContent()).toContain('softmax on Fashion-MNIST');
    const model = await download(page, 'export-button');
    await page.getByTestId('onnx-button').click();
    await page.getByTestId('onnx-check').waitFor({ timeout: 120_000 });

    await page.getByTestId('builtin-select').selectOption('mnist');
    await expect.poll(() => page.getByTestId('dataset-name').textContent(), { timeout: 60_000 }).toBe('MNIST');
    expect(values((await plotted(page.getByTestId('chart-loss')))[1])).toEqual([]);
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('idle');
    expect(await page.getByTestId('onnx-check').count()).toBe(0);
    expect(await page.getByTestId('run-label').count()).toBe(0);
    expect(await page.getByTestId('export-button').isEnabled()).toBe(false);

    // The Fashion-MNIST model opened on MNIST is evaluated on MNIST, and says so.
    await page.getByTestId('open-model-input').setInputFiles({ name: model.name, mimeType: 'application/octet-stream', buffer: Buffer.from(model.bytes) });
    await page.getByTestId('opened-model').waitFor({ timeout: 60_000 });
    await page.getByTestId('evaluate-button').click();
    const evaluation = page.getByTestId('evaluation');
    await evaluation.waitFor({ timeout: 60_000 });
    expect(await evaluation.getAttribute('data-dataset')).toBe('MNIST');
    expect(await evaluation.textContent()).toMatch(/^\s*On MNIST's validation split \(1,000 examples\)/);
    await page.getByTestId('builtin-select').selectOption('fashion-mnist');
    await expect.poll(() => page.getByTestId('dataset-name').textContent(), { timeout: 60_000 }).toBe('Fashion-MNIST');
    expect(await page.getByTestId('opened-model').count()).toBe(0);
  });

  it('3. one status at a time: start-up has its own phase, never "No run yet" beside a run', async () => {
    const page = await labs.open('?model=lenet&epochs=1&limit=512&backend=webgpu');
    await ready(page);
    expect(await page.getByTestId('run-status').textContent()).toBe('No run yet. Press Train to start.');
    // Every frame: the board's status line(s) and whether the progress line says anything.
    await page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']) => {
      const frames: { status: string; texts: string[]; phase: string }[] = [];
      (window as unknown as { frames13: typeof frames }).frames13 = frames;
      const board = el.shadowRoot!.querySelector('progress-board')!;
      const tick = () => {
        const lines = [...board.shadowRoot!.querySelectorAll('run-status')].map((r) => r.shadowRoot!.querySelector('[data-testid=run-status]'));
        const progress = board.shadowRoot!.querySelector('progress-line')!.shadowRoot!.textContent ?? '';
        frames.push({
          status: lines[0]?.getAttribute('data-status') ?? '',
          phase: lines[0]?.getAttribute('data-phase') ?? '',
          texts: [...lines.map((l) => l?.textContent ?? ''), progress.includes('No run yet') ? 'No run yet (progress line)' : ''].filter(Boolean),
        });
        requestAnimationFrame(tick);
      };
      tick();
    });
    await page.getByTestId('train-button').click();
    expect(await waitForStatus(page, ['done'])).toBe('done');
    const frames = await page.evaluate(() => (window as unknown as { frames13: { status: string; texts: string[]; phase: string }[] }).frames13);
    expect(frames.every((f) => f.texts.length <= 1)).toBe(true);
    expect(frames.filter((f) => f.status !== 'idle').every((f) => !f.texts.some((t) => t.includes('No run yet')))).toBe(true);
    const starting = frames.filter((f) => f.status === 'training' && f.phase !== '');
    expect(starting.length).toBeGreaterThan(0);
    expect(starting.some((f) => /^Starting: Compiling kernels… \d+\/\d+$/.test(f.texts[0]))).toBe(true);
    expect(frames.at(-1)!.texts[0]).toMatch(/^Done\. After epoch 1:/);
  });

  it('4. charts: accuracy on 0–100 % (or zoomed), titled axes, distinct short tick labels for any loss', async () => {
    const page = await labs.open('?model=softmax&epochs=3');
    await ready(page);
    // The points of a run whose accuracy is 0 and whose loss reached 1e31 (a tiny CSV, a huge learning rate).
    await page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']) => {
      const s = el.store!;
      s.beginRun(s.state.config, false);
      for (const [epoch, loss] of [[0.5, 2.3], [1, 1e31], [1.5, 2e31], [2, 3.2e31], [3, 3.5e31]] as const) s.addRecord({ step: epoch * 10, epoch, key: 'loss', split: 'train', value: loss });
      for (const epoch of [1, 2, 3]) {
        s.addRecord({ step: epoch * 10, epoch, key: 'loss', split: 'val', value: 1e31 * epoch });
        s.addRecord({ step: epoch * 10, epoch, key: 'acc', split: 'val', value: 0 });
      }
      s.setStatus('done');
    });
    const axis = (id: string) => page.getByTestId(id).evaluate((c) => (c as unknown as { yAxis: { title: string; ticks: string[]; min: number; max: number } }).yAxis);
    await expect.poll(async () => (await axis('chart-acc')).ticks.length, { timeout: 10_000 }).toBeGreaterThan(2);
    const acc = await axis('chart-acc');
    expect([acc.title, acc.min, acc.max]).toEqual(['accuracy', 0, 1]);
    expect(acc.ticks.every((t) => /^\d{1,3} %$/.test(t) && Number(t.slice(0, -2)) <= 100)).toBe(true);
    expect(new Set(acc.ticks).size).toBe(acc.ticks.length);
    const loss = await axis('chart-loss');
    expect(loss.title).toBe('loss');
    expect(loss.ticks.length).toBeGreaterThanOrEqual(3);
    expect(new Set(loss.ticks).size).toBe(loss.ticks.length);
    expect(loss.ticks.every((t) => t.length <= 7 && !t.includes('+'))).toBe(true);
    // Zoomed, the accuracy axis fits the (constant) data and still reads as distinct percentages.
    await page.getByTestId('acc-zoom').check();
    await expect.poll(async () => (await axis('chart-acc')).max, { timeout: 10_000 }).toBeLessThan(0.1);
    const zoomed = await axis('chart-acc');
    expect(zoomed.min).toBe(0);
    expect(new Set(zoomed.ticks).size).toBe(zoomed.ticks.length);
    expect(zoomed.ticks.every((t) => t.endsWith(' %'))).toBe(true);
  });

  it('5. a finished run offers "Train N more epochs", which continues it over a recomputed schedule; errors go once fixed', async () => {
    const page = await labs.open('?model=softmax&epochs=1&limit=1024&schedule=cosine');
    await ready(page);
    // A bad file's error goes away once a dataset loads.
    await dropFiles(page, [{ name: 'bad.csv', bytes: new TextEncoder().encode('a,label\n1,x\n0x1F,y\n') }]);
    await expect.poll(() => notices(page), { timeout: 30_000 }).toHaveLength(1);
    await page.getByTestId('builtin-select').selectOption('mnist');
    await expect.poll(() => page.getByTestId('dataset-name').textContent(), { timeout: 60_000 }).toBe('MNIST');
    expect(await notices(page)).toEqual([]);

    await page.getByTestId('train-button').click();
    expect(await waitForStatus(page, ['done'])).toBe('done');
    expect(await page.getByTestId('more-button').textContent()).toContain('Train 1 more epoch');
    await page.getByTestId('more-epochs').fill('2');
    expect((await page.getByTestId('more-button').textContent())?.trim()).toBe('Train 2 more epochs');
    await page.getByTestId('more-button').click();
    await expect.poll(async () => (await state(page)).runConfig?.epochs, { timeout: 30_000 }).toBe(3);
    expect(await waitForStatus(page, ['done'])).toBe('done');
    const [accX, , valAcc] = await plotted(page.getByTestId('chart-acc'));
    expect(accX.filter((_, i) => valAcc[i] !== null)).toEqual([1, 2, 3]);
    expect((await notices(page)).join('\n')).toContain('The cosine learning-rate schedule is recomputed over 3 epochs instead of 1');
  });

  it('7. warnings before waste: learning rate, a batch larger than the data, a tiny validation split, a diverging loss', async () => {
    const page = await labs.open('?model=softmax&epochs=1&lr=20');
    await ready(page);
    expect(await page.getByTestId('field-lr-warning').textContent()).toBe('above 10: the loss will most likely diverge');
    await page.getByTestId('field-lr').fill('1e-7');
    expect(await page.getByTestId('field-lr-warning').textContent()).toBe('below 1e-6: the weights will barely move');
    await page.getByTestId('field-lr').fill('0.1');
    expect(await page.getByTestId('field-lr-warning').count()).toBe(0);
    // 60 rows: a 54 / 6 split; a batch of 256 is larger than the training split.
    const rows = Array.from({ length: 60 }, (_, i) => `${i % 7},${(i * 3) % 5},${i % 2}`);
    await dropFiles(page, [{ name: 'tiny.csv', bytes: new TextEncoder().encode(`a,b,label\n${rows.join('\n')}\n`) }]);
    await expect.poll(() => page.getByTestId('count-val').textContent(), { timeout: 30_000 }).toBe('6');
    expect(await page.getByTestId('validation-warning').textContent()).toContain('The validation split has only 6 examples');
    expect(await page.getByTestId('field-batchSize-warning').textContent()).toBe('larger than the 54 training examples: every step is one batch of all of them');
    expect(await page.getByTestId('train-button').isEnabled()).toBe(true);

    // Back on images: a huge learning rate makes the loss grow a millionfold, and the run says so before ∞.
    await page.getByTestId('builtin-select').selectOption('fashion-mnist');
    await expect.poll(() => page.getByTestId('dataset-name').textContent(), { timeout: 60_000 }).toBe('Fashion-MNIST');
    await page.getByTestId('field-lr').fill('1e20');
    await page.getByTestId('field-batchSize').fill('32');
    await page.getByTestId('field-limit').fill('320');
    await page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']) => {
      const seen: string[] = [];
      (window as unknown as { statuses13: string[] }).statuses13 = seen;
      el.store!.subscribe((s) => seen.at(-1) !== `${s.status}: ${s.statusMessage ?? ''}` && seen.push(`${s.status}: ${s.statusMessage ?? ''}`));
    });
    await page.getByTestId('train-button').click();
    await waitForStatus(page, ['done', 'diverged']);
    const statuses = await page.evaluate(() => (window as unknown as { statuses13: string[] }).statuses13);
    const diverging = statuses.findIndex((s) => s.startsWith('training: Diverging: the train loss grew from'));
    expect(diverging).toBeGreaterThanOrEqual(0);
    const ended = statuses.findIndex((s) => s.startsWith('diverged'));
    expect(ended === -1 || ended > diverging).toBe(true);
  });

  it('8. banners: each can be dismissed, and all at once', async () => {
    const page = await labs.open('?model=softmax&epochs=zero&lr=fast&seed=-1');
    await ready(page);
    await expect.poll(() => notices(page)).toHaveLength(3);
    await page.locator('notice-list [data-testid=dismiss]').first().click();
    expect(await notices(page)).toHaveLength(2);
    await page.getByTestId('dismiss-all').click();
    expect(await page.getByTestId('banner').count()).toBe(0);
  });

  it('9. focus moves to Stop when a run starts and back to Train when it ends; the model select is named "Model"', async () => {
    const page = await labs.open('?model=softmax&epochs=1&limit=512');
    await ready(page);
    expect(await page.getByRole('combobox', { name: 'Model', exact: true }).count()).toBe(1);
    await page.getByTestId('train-button').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedTestId(page), { timeout: 60_000 }).toBe('stop-button');
    expect(await waitForStatus(page, ['done'])).toBe('done');
    await expect.poll(() => focusedTestId(page), { timeout: 10_000 }).toBe('train-button');
  });

  it('9. on a 390 px phone the class bars have width and the counts stay inside the card', async () => {
    const page = await labs.open('?model=softmax');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
    const layout = await page.locator('class-bars').evaluate((el) => {
      const card = el.getBoundingClientRect();
      const root = el.shadowRoot!;
      return {
        tracks: [...root.querySelectorAll('.track')].map((t) => t.getBoundingClientRect().width),
        countsRight: Math.max(...[...root.querySelectorAll('.count')].map((c) => c.getBoundingClientRect().right)),
        cardRight: card.right,
        pageWidth: document.documentElement.scrollWidth,
      };
    });
    expect(Math.min(...layout.tracks)).toBeGreaterThan(20);
    expect(layout.countsRight).toBeLessThanOrEqual(layout.cardRight + 0.5);
    expect(layout.pageWidth).toBeLessThanOrEqual(390);
  });

  it('9. dark mode (prefers-color-scheme) darkens the page, the cards and the charts', async () => {
    const page = await labs.open('?model=softmax');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
    const luminance = (rgb: string) => {
      const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    };
    const colors = await page.evaluate(() => {
      const card = document.querySelector('lab-app')!.shadowRoot!.querySelector('dataset-card')!.shadowRoot!.querySelector('.card')!;
      const chart = document.querySelector('lab-app')!.shadowRoot!.querySelector('progress-board')!.shadowRoot!.querySelector('metric-chart')!;
      return { body: getComputedStyle(document.body).backgroundColor, text: getComputedStyle(document.body).color, card: getComputedStyle(card).backgroundColor, axis: (chart as unknown as { axisColor: string }).axisColor };
    });
    expect(luminance(colors.body)).toBeLessThan(0.15);
    expect(luminance(colors.card)).toBeLessThan(0.2);
    expect(luminance(colors.text)).toBeGreaterThan(0.7);
    expect(luminance(colors.axis.startsWith('#') ? `${parseInt(colors.axis.slice(1, 3), 16)},${parseInt(colors.axis.slice(3, 5), 16)},${parseInt(colors.axis.slice(5, 7), 16)}` : colors.axis)).toBeGreaterThan(0.5);
  });
});
