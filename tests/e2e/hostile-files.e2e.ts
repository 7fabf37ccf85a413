// Hostile files dropped on the page (#15), in headless Chromium: a gzip bomb (24 MiB of zeros in 24 KB)
// and a CSV with a 100,000-digit cell are refused in the banner with what is wrong and where, while the
// page stays responsive (no main-thread long task over 200 ms, recorded by a PerformanceObserver from
// before the drop) and the previous dataset stays loaded. Parsing runs in the worker; this is its check.
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { enc } from '../../src/data/fixtures/make';
import { blobsCsv } from './drop-data';
import { bannerText, cardFields, dropFiles, waitForDataset } from './drop-page';
import { labBrowser } from './lab-page';

const labs = labBrowser();

/** Starts recording main-thread long tasks (buffered, so none between this call and the drop is missed). */
async function watchLongTasks(page: Page): Promise<void> {
  expect(await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('longtask'))).toBe(true);
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask' });
  });
}

const longTasks = (page: Page) => page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);

describe('hostile files dropped on the page', () => {
  it('a gzip bomb and a 100,000-digit CSV cell are refused; the page stays responsive and the dataset stays', async () => {
    const page = await labs.open('?model=softmax');
    await waitForDataset(page, 'Fashion-MNIST');
    await dropFiles(page, [{ name: 'blobs.csv', bytes: blobsCsv() }]);
    await waitForDataset(page, 'blobs');
    const card = await cardFields(page);
    await watchLongTasks(page);

    const bomb = new Uint8Array(gzipSync(new Uint8Array(24 * 1024 * 1024)));
    expect(bomb.length).toBeLessThan(64 * 1024);
    await dropFiles(page, [{ name: 'zeros.csv.gz', bytes: bomb }]);
    await expect.poll(() => bannerText(page), { timeout: 60_000 }).toMatch(/zeros\.csv\.gz, byte offset \d+: inflates more than 100:1 .*a decompression bomb/);
    expect(await bannerText(page)).toContain('blobs stays');
    await waitForDataset(page, 'blobs');
    expect(await cardFields(page)).toEqual(card);

    const long = enc(`f1,f2,label\n1,2,a\n3,${'7'.repeat(100_000)},b\n5,6,a\n`);
    await dropFiles(page, [{ name: 'long.csv', bytes: long }]);
    await expect.poll(() => bannerText(page), { timeout: 60_000 }).toContain('long.csv, row 3: column "f2" (2): a cell of 100,000 characters; cells may hold at most 1,000');
    await waitForDataset(page, 'blobs');
    expect(await cardFields(page)).toEqual(card);

    // Both loads ran in the worker: the page's main thread never blocked for more than 200 ms.
    const tasks = await longTasks(page);
    expect(tasks.filter((t) => t > 200), `long tasks (ms): ${tasks.join(', ')}`).toEqual([]);
    expect(await page.getByTestId('train-button').isEnabled()).toBe(true);
  });
});
