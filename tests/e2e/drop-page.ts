// Helpers for the data e2e tests: a real `drop` event whose DataTransfer is built in the page from bytes
// the test made, the card's fields, the banner, and a two-epoch run whose curves must move.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { plotted, values } from './lab-page';

export interface TestFile {
  name: string;
  bytes: Uint8Array;
}

/** Drops `files` on `target` (dragenter, dragover, drop), as the browser does for files from the desktop. */
export async function dropFiles(page: Page, files: TestFile[], target = 'dataset-card'): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, b64: Buffer.from(f.bytes).toString('base64') }));
  await page.locator(target).first().evaluate((el, list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], f.name));
    }
    const init = { dataTransfer: dt, bubbles: true, composed: true, cancelable: true };
    el.dispatchEvent(new DragEvent('dragenter', init));
    el.dispatchEvent(new DragEvent('dragover', init));
    el.dispatchEvent(new DragEvent('drop', init));
  }, payload);
}

/** What the dataset card shows, field by field. */
export async function cardFields(page: Page) {
  const text = (id: string) => page.getByTestId(id).textContent();
  return {
    name: await text('dataset-name'),
    train: await text('count-train'),
    val: await text('count-val'),
    shape: await text('feature-shape'),
    classes: await text('class-count'),
    rows: await page.getByTestId('class-row').allTextContents(),
  };
}

/** Waits until the card names `name` and no load is running. */
export async function waitForDataset(page: Page, name: string, timeout = 60_000): Promise<void> {
  await expect.poll(() => page.getByTestId('dataset-name').textContent(), { timeout }).toBe(name);
  await expect.poll(() => page.getByTestId('load-progress').count(), { timeout }).toBe(0);
}

export const bannerText = async (page: Page) => ((await page.getByTestId('banner').count()) ? (await page.getByTestId('banner').textContent()) ?? '' : '');

/** The lab's store, read in the page. */
interface StoreView {
  status: string;
  records: number;
  runDataset?: string;
}
const storeView = (page: Page) =>
  page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']): StoreView => {
    const s = el.store!.state;
    return { status: s.status, records: s.records.length, runDataset: s.runDataset?.name };
  });

/**
 * Presses Train for a 2-epoch run on `dataset` and checks that both charts drew it: train loss falling, a
 * validation point per epoch. The store names the dataset each run began on, so an earlier run's end cannot pass for this one.
 */
export async function trainTwoEpochs(page: Page, dataset: string): Promise<void> {
  await expect.poll(() => page.getByTestId('train-button').isEnabled(), { timeout: 30_000 }).toBe(true);
  await page.getByTestId('train-button').click();
  await expect.poll(async () => { const v = await storeView(page); return v.runDataset === dataset && ['done', 'stopped', 'diverged', 'error'].includes(v.status) ? v.status : 'running'; }, { timeout: 240_000, interval: 200 }).toBe('done');
  const [x, train, val] = await plotted(page.getByTestId('chart-loss'));
  const trainLoss = values(train);
  expect(trainLoss.length).toBeGreaterThanOrEqual(2);
  expect(trainLoss.every(Number.isFinite)).toBe(true);
  expect(trainLoss.at(-1)!).toBeLessThan(trainLoss[0]);
  expect(x.filter((_, i) => val[i] !== null)).toEqual([1, 2]);
  const [accX, , acc] = await plotted(page.getByTestId('chart-acc'));
  expect(accX.filter((_, i) => acc[i] !== null)).toEqual([1, 2]);
  expect(values(acc).every((a) => a > 0 && a <= 1)).toBe(true);
}
