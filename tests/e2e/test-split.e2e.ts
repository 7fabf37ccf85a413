// A test split in headless Chromium: files marked under Options → Test files, or a zip with train/, val/
// and test/ folders, become a test split the card names; a finished run evaluates it once and shows it
// apart from validation, and the run list keeps its test accuracy.
import { describe, expect, it } from 'vitest';
import { png, zip } from '../../src/data/fixtures/make';
import { blobsCsv } from './drop-data';
import { dropFiles, waitForDataset } from './drop-page';
import { labBrowser, waitForStatus } from './lab-page';

const labs = labBrowser();

/** A zip of 8×8 grey bars under train/, val/ and test/ (two classes). */
function splitZip(): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [split, n] of [['train', 30], ['val', 10], ['test', 8]] as const) {
    for (let i = 0; i < n; i++) {
      files[`${split}/horizontal/${i}.png`] = png(8, 8, 1, (x, y) => (y % 4 < 2 ? 200 : 40) + ((x * 7 + i) % 9));
      files[`${split}/vertical/${i}.png`] = png(8, 8, 1, (x, y) => (x % 4 < 2 ? 200 : 40) + ((y * 5 + i) % 9));
    }
  }
  return zip(files);
}

describe('a test split', () => {
  it('from files marked under Options → Test files: evaluated once when the run finishes, shown apart and kept with the run', async () => {
    const page = await labs.open('?model=softmax&epochs=2&backend=webgpu');
    await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
    await page.getByTestId('data-options').locator('summary').click();
    await page.getByTestId('option-testFiles').fill('*-test.csv');
    await dropFiles(page, [{ name: 'blobs.csv', bytes: blobsCsv(300, 1) }, { name: 'blobs-test.csv', bytes: blobsCsv(60, 2) }]);
    await waitForDataset(page, 'blobs');
    expect(await page.getByTestId('split-note').textContent()).toContain('Test split: blobs-test.csv (60 examples), evaluated once at the end.');
    await expect.poll(() => page.getByTestId('train-button').getAttribute('aria-disabled'), { timeout: 60_000 }).toBe('false');
    await page.getByTestId('train-button').click();
    expect(await waitForStatus(page, ['done'])).toBe('done');
    const report = page.getByTestId('test-report');
    await report.waitFor({ timeout: 60_000 });
    expect(await report.textContent()).toMatch(/Test split \(60 examples, once after epoch 2\):\s+accuracy \d+\.\d\d %/);
    const acc = Number(await report.getAttribute('data-acc'));
    expect(acc).toBeGreaterThan(0.5);
    await expect.poll(() => page.getByTestId('run-test').first().textContent(), { timeout: 30_000 }).toBe(`${(acc * 100).toFixed(1)} %`);
  });

  it('from a zip with train/, val/ and test/ folders', async () => {
    const page = await labs.open('?model=softmax&epochs=1&backend=webgpu');
    await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
    await dropFiles(page, [{ name: 'bars.zip', bytes: splitZip() }]);
    await waitForDataset(page, 'bars');
    expect(await page.getByTestId('count-train').textContent()).toBe('60');
    expect(await page.getByTestId('count-val').textContent()).toBe('20');
    expect(await page.getByTestId('split-note').textContent()).toContain('Test split: the test/ folder (16 examples), evaluated once at the end.');
    await expect.poll(() => page.getByTestId('train-button').getAttribute('aria-disabled'), { timeout: 60_000 }).toBe('false');
    await page.getByTestId('train-button').click();
    expect(await waitForStatus(page, ['done'])).toBe('done');
    await page.getByTestId('test-report').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('test-report').textContent()).toContain('16 examples');
  });
});
