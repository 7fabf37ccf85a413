// Runs side by side in headless Chromium: each finished run is kept (IndexedDB), Export best gives the
// best epoch's file (the same run stopped there ends with its weights, bit for bit), two runs overlay on
// one chart with a legend of the settings that differ, a rename survives a reload, a delete removes the
// run, and a save past the quota asks before dropping the oldest weights.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { decodeRunFile } from '../../src/io/checkpoint';
import { labBrowser, plotted, values, waitForStatus } from './lab-page';

const labs = labBrowser();

async function train(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('train-button').getAttribute('aria-disabled'), { timeout: 60_000 }).toBe('false');
  await page.getByTestId('train-button').click();
  expect(await waitForStatus(page, ['done'])).toBe('done');
}

const rows = (page: Page) => page.getByTestId('run-row');

describe('runs side by side', () => {
  let page: Page;

  it('keeps a finished run and exports its best epoch', async () => {
    page = await labs.open('?model=softmax&epochs=3&limit=2048&backend=webgpu&lr=0.5');
    await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
    await train(page);
    await expect.poll(() => rows(page).count(), { timeout: 30_000 }).toBe(1);
    const valLoss = values((await plotted(page.getByTestId('chart-loss')))[2]);
    const best = valLoss.indexOf(Math.min(...valLoss)) + 1;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-best-button').click()]);
    expect(download.suggestedFilename()).toBe(`fashion-mnist-softmax-best-epoch${best}.safetensors`);
    const file = decodeRunFile(new Uint8Array(await readFile(await download.path())), download.suggestedFilename());
    expect(file.manifest.epochsDone).toBe(best);
    expect(file.manifest.history.filter((r) => r.split === 'val' && r.key === 'loss').map((r) => r.value)).toEqual(valLoss.slice(0, best));
    expect(await page.getByTestId('runs-storage').textContent()).toMatch(/1 run kept in this browser · checkpoints \d+\.\d MB of 500\.0 MB/);
    // The same run stopped at the best epoch ends with the best export's weights, bit for bit (same seed, same device).
    await page.getByTestId('field-epochs').fill(String(best));
    await train(page);
    await expect.poll(() => rows(page).count(), { timeout: 30_000 }).toBe(2);
    const [last] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-button').click()]);
    const again = decodeRunFile(new Uint8Array(await readFile(await last.path())), last.suggestedFilename());
    expect([...again.params.keys()].sort()).toEqual([...file.params.keys()].sort());
    const bytes = (t: Float32Array) => Buffer.from(t.buffer, t.byteOffset, t.byteLength);
    for (const [name, t] of again.params) expect(bytes(t).equals(bytes(file.params.get(name)!)), name).toBe(true);
  });

  it('overlays two runs with a legend of the settings that differ', async () => {
    await page.getByTestId('field-epochs').fill('3');
    await page.getByTestId('field-lr').fill('0.1');
    await train(page);
    await expect.poll(() => rows(page).count(), { timeout: 30_000 }).toBe(3);
    // The first run (lr 0.5) and this one (lr 0.1), both 3 epochs: only the learning rate differs.
    await rows(page).nth(0).getByTestId('run-overlay').check();
    await rows(page).nth(2).getByTestId('run-overlay').check();
    const legend = await page.getByTestId('overlay-entry').allTextContents();
    expect(legend).toHaveLength(2);
    expect(legend[0]).toContain('(lr=0.5)');
    expect(legend[1]).toContain('(lr=0.1)');
    const data = await page.locator('runs-overlay').evaluate((el) => (el as unknown as { plotted: (number | null)[][] }).plotted);
    expect(data[0]).toEqual([1, 2, 3]);
    expect(data.slice(1).map((c) => c.every((v) => v !== null && v > 0 && v <= 1))).toEqual([true, true]);
    if (process.env.LAB_SCREENSHOTS === '1') await page.getByTestId('runs-panel').screenshot({ path: 'docs/runs.png' });
  });

  it('a rename survives a reload; a delete removes the run', async () => {
    await page.getByTestId('run-name').first().fill('high lr');
    await page.getByTestId('run-name').first().press('Enter');
    await page.getByTestId('run-name').first().blur();
    await expect.poll(() => page.getByTestId('run-name').first().inputValue()).toBe('high lr');
    await page.reload();
    await expect.poll(() => rows(page).count(), { timeout: 30_000 }).toBe(3);
    expect(await page.getByTestId('run-name').first().inputValue()).toBe('high lr');
    await page.getByTestId('run-delete').first().click();
    await expect.poll(() => rows(page).count()).toBe(2);
    expect(await page.getByTestId('run-name').first().inputValue()).not.toBe('high lr');
  });

  it('past the quota, asks before dropping the oldest run\'s weights; its history stays', async () => {
    // A quota just above what the kept run's weights take: the next run's weights pass it.
    type Quota = { runs: { store: { quota: number; used(): Promise<number> } } };
    const quota = await page.locator('lab-app').evaluate(async (el) => {
      const store = (el as unknown as Quota).runs.store;
      store.quota = (await store.used()) + 10_000;
      return store.quota;
    });
    await page.getByTestId('field-lr').fill('0.2');
    await train(page);
    const question = page.getByTestId('quota-question');
    await question.waitFor({ timeout: 30_000 });
    expect(await question.textContent()).toContain(`passes the ${(quota / 1e6).toFixed(1)} MB quota`);
    await page.getByTestId('quota-yes').click();
    await expect.poll(() => rows(page).count(), { timeout: 30_000 }).toBe(3);
    const first = rows(page).first();
    await expect.poll(() => first.textContent()).toContain('dropped');
    expect(await rows(page).nth(1).getByTestId('run-export-last').count()).toBe(1);
    // The dropped run's history still overlays.
    await first.getByTestId('run-overlay').check();
    expect(await page.getByTestId('overlay-entry').count()).toBe(1);
  });
});
