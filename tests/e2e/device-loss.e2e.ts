// DESIGN rule 7 in Chromium: the GPU device lost mid-run (the engine's test hook makes `device.destroy()`
// count as a loss with reason `unknown`) is replaced without a reload; the run goes back to its last
// in-memory checkpoint, the page says how many steps are trained again, and the run ends with the
// curve and weights of a run never interrupted. A loss while idle is reported at once.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunFile } from '../../src/io/checkpoint';
import { labBrowser, waitForStatus } from './lab-page';
import { bitsOf, exported, notices, records } from './run-files-page';

// 64 steps an epoch (2,048 examples, batches of 32), 3 epochs.
// backend=webgpu pins the GPU where the schema has that setting (ignored where it does not).
const QUERY = '?model=softmax&epochs=3&limit=2048&batch-size=32&seed=11&backend=webgpu';
const labs = labBrowser();
let baseline: RunFile;

async function train(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('train-button').isEnabled(), { timeout: 60_000 }).toBe(true);
  await page.getByTestId('train-button').click();
}

/** The engine's test hook is reached through the page's session (the worker's Comlink proxy). */
type Hooked = { api: { loseDeviceForTest(): Promise<void> } };

describe('the GPU device lost', () => {
  it('an uninterrupted run gives the reference curve and weights', async () => {
    const page = await labs.open(QUERY);
    await train(page);
    expect(await waitForStatus(page, ['done'])).toBe('done');
    baseline = await exported(page);
  });

  it('mid-run: a new device, the run continues from its epoch-1 checkpoint and ends bit-identical', async () => {
    const page = await labs.open(QUERY);
    await page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']) => {
      let lost = false;
      el.store!.subscribe((s) => {
        const r = s.records.at(-1);
        if (!lost && r && r.split === 'train' && r.epoch > 1.5) {
          lost = true;
          void (el.session as unknown as Hooked).api.loseDeviceForTest();
        }
      });
    });
    await train(page);
    expect(await waitForStatus(page, ['done'])).toBe('done');
    const said = (await notices(page)).join('\n');
    expect(said).toMatch(/The GPU device was lost; training continues on a new device from the checkpoint at 1 of 3 epochs: \d+ steps since then are trained again\./);
    expect(Number(/(\d+) steps since/.exec(said)![1])).toBeGreaterThanOrEqual(32);
    // The curve the page shows and the file's history are the uninterrupted run's; so are the weights.
    expect(await records(page)).toEqual(baseline.manifest.history);
    const after = await exported(page);
    expect(after.manifest.history).toEqual(baseline.manifest.history);
    expect(bitsOf(after.params)).toEqual(bitsOf(baseline.params));
  });

  it('while idle: reported at once; the next run gets a new device', async () => {
    const page = await labs.open('?model=softmax&epochs=1&limit=512&backend=webgpu');
    await expect.poll(() => page.getByTestId('train-button').isEnabled(), { timeout: 60_000 }).toBe(true);
    await page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']) => (el.session as unknown as Hooked).api.loseDeviceForTest());
    await expect.poll(() => notices(page), { timeout: 30_000 }).toEqual([expect.stringMatching(/^\s*The GPU device was lost \(unknown: .*\); the next run gets a new one\.\s*×\s*$/)]);
    await train(page);
    expect(await waitForStatus(page, ['done'])).toBe('done');
  });
});
