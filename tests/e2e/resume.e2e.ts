// Nothing lost: a run whose page is closed mid-epoch is offered as "Resume run" when the browser (same
// profile, so the same OPFS) opens the lab again, continues from its last checkpoint with the curves
// intact, and ends with the same weights and history, bit for bit, as a run never interrupted. A run
// stopped mid-epoch, or whose page was hidden mid-epoch, resumes from exactly that step. A saved run on
// other data offers to load that data; a finished one offers to open it (then more epochs).
import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunFile } from '../../src/io/checkpoint';
import { expectNoProblems, labBrowser, waitForStatus } from './lab-page';
import { bitsOf, exported, launchPersistent, newProfile, openIn, records } from './run-files-page';

// 64 steps an epoch (2,048 examples, batches of 32): a page closed at the first train point of epoch 2
// is far from that epoch's end.
// backend=webgpu: every run here on the same device kind, so that results compare bit for bit.
const QUERY = '?model=softmax&epochs=3&limit=2048&batch=32&seed=11&backend=webgpu';

// The uninterrupted run's page comes from `labs`; the persistent profiles' pages report into `problems`.
const labs = labBrowser();
const problems: string[] = [];
const profiles: string[] = [];
let baseline: RunFile;

afterAll(() => {
  for (const p of profiles) rmSync(p, { recursive: true, force: true });
});
afterEach(() => expectNoProblems(problems.splice(0)));

async function train(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('train-button').isEnabled(), { timeout: 60_000 }).toBe(true);
  await page.getByTestId('train-button').click();
}

describe('resume after the page was closed', () => {
  it('an uninterrupted run gives the reference weights and history', async () => {
    const page = await labs.open(QUERY);
    await train(page);
    expect(await waitForStatus(page, ['done'])).toBe('done');
    baseline = await exported(page);
    expect(baseline.manifest.epochsDone).toBe(3);
    await page.context().close();
  });

  it('closed mid-epoch 2, reopened: "Resume run" continues from epoch 1 and ends bit-identical', async () => {
    const profile = newProfile();
    profiles.push(profile);
    let context = await launchPersistent(profile);
    let page = await openIn(context, QUERY, problems);
    expect(await page.getByTestId('resume-banner').count()).toBe(0);
    // The page leaves (as a closed tab does) at the first train point of epoch 2, from inside the page.
    await page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']) => {
      el.store!.subscribe((s) => {
        const r = s.records.at(-1);
        const w = window as unknown as { closedAt?: number };
        if (r && r.split === 'train' && r.epoch > 1 && w.closedAt === undefined) {
          w.closedAt = r.epoch;
          localStorage.setItem('closedAt', String(r.epoch));
          location.replace('about:blank');
        }
      });
    });
    await train(page);
    await page.waitForURL('about:blank', { timeout: 120_000 });
    await context.close();

    context = await launchPersistent(profile);
    page = await openIn(context, QUERY, problems);
    const closedAt = Number(await page.evaluate(() => localStorage.getItem('closedAt')));
    expect(closedAt).toBeGreaterThan(1);
    expect(closedAt).toBeLessThan(2);
    const banner = page.getByTestId('resume-banner');
    await banner.waitFor({ timeout: 60_000 });
    // The epoch-1 checkpoint, or the one the page asked for as it went away (pagehide), if it got written.
    expect(await page.getByTestId('saved-run').textContent()).toMatch(/^checkpoint of softmax on Fashion-MNIST, (1 of 3 epochs|epoch 2, step \d+ of 64)$/);
    await page.getByTestId('resume-button').click();
    expect(await waitForStatus(page, ['done'])).toBe('done');
    expect(await banner.count()).toBe(0);

    // The curves hold epoch 1 from before the close, then the rest: the same records as the reference run.
    expect(await records(page)).toEqual(baseline.manifest.history);
    const resumed = await exported(page);
    expect(bitsOf(resumed.params)).toEqual(bitsOf(baseline.params));
    expect(resumed.manifest.history).toEqual(baseline.manifest.history);
    await context.close();
  });

  it('stopped mid-epoch, reloaded: resumes from that step and still ends bit-identical', async () => {
    const profile = newProfile();
    profiles.push(profile);
    const context = await launchPersistent(profile);
    const page = await openIn(context, QUERY, problems);
    await page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']) => {
      let pressed = false;
      el.store!.subscribe((s) => {
        const r = s.records.at(-1);
        if (!pressed && r && r.split === 'train' && r.epoch > 1.2) {
          pressed = true;
          el.shadowRoot!.querySelector('run-controls')!.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid=stop-button]')!.click();
        }
      });
    });
    await train(page);
    expect(await waitForStatus(page, ['stopped'])).toBe('stopped');
    await page.reload();
    await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
    await page.getByTestId('resume-banner').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('saved-run').textContent()).toMatch(/^checkpoint of softmax on Fashion-MNIST, epoch 2, step \d+ of 64$/);
    await page.getByTestId('resume-button').click();
    expect(await waitForStatus(page, ['done'])).toBe('done');
    const resumed = await exported(page);
    expect(bitsOf(resumed.params)).toEqual(bitsOf(baseline.params));
    expect(resumed.manifest.history).toEqual(baseline.manifest.history);
    await context.close();
  });

  it('hidden mid-epoch (visibilitychange), then closed: resumes from that step, bit-identical', async () => {
    const profile = newProfile();
    profiles.push(profile);
    let context = await launchPersistent(profile);
    let page = await openIn(context, QUERY, problems);
    // The page is hidden early in epoch 2; once its checkpoint is written (training going on), the tab goes.
    await page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']) => {
      let hidden = false;
      el.store!.subscribe((s) => {
        const r = s.records.at(-1);
        if (!hidden && r && r.split === 'train' && r.epoch > 1.2) {
          hidden = true;
          Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
          document.dispatchEvent(new Event('visibilitychange'));
        }
        // (The epoch-1 checkpoint is written in the background too, and may land after the page hid.)
        if (hidden && s.savedAt?.startsWith('epoch 2') && !localStorage.getItem('savedAt')) {
          localStorage.setItem('savedAt', `${s.savedAt} while ${s.status}`);
          location.replace('about:blank');
        }
      });
    });
    await train(page);
    await page.waitForURL('about:blank', { timeout: 120_000 });
    await context.close();

    context = await launchPersistent(profile);
    page = await openIn(context, QUERY, problems);
    const savedAt = (await page.evaluate(() => localStorage.getItem('savedAt')))!;
    expect(savedAt).toMatch(/^epoch 2, step \d+ of 64 while training$/);
    const step = Number(/step (\d+)/.exec(savedAt)![1]);
    await page.getByTestId('resume-banner').waitFor({ timeout: 60_000 });
    // That checkpoint, or a later one the page asked for as it went away (pagehide), if it got written.
    const saved = (await page.getByTestId('saved-run').textContent())!;
    const at = /epoch (\d), step (\d+) of 64$/.exec(saved);
    expect(saved).toMatch(/^checkpoint of softmax on Fashion-MNIST, epoch [23], step \d+ of 64$/);
    expect(Number(at![1]) * 64 + Number(at![2])).toBeGreaterThanOrEqual(2 * 64 + step);
    await page.getByTestId('resume-button').click();
    expect(await waitForStatus(page, ['done'])).toBe('done');
    const resumed = await exported(page);
    expect(bitsOf(resumed.params)).toEqual(bitsOf(baseline.params));
    expect(resumed.manifest.history).toEqual(baseline.manifest.history);
    await context.close();

    // The finished run, saved, on a page opened on MNIST: it offers to load Fashion-MNIST and open it.
    context = await launchPersistent(profile);
    page = await openIn(context, `${QUERY}&dataset=mnist`, problems);
    const banner = page.getByTestId('resume-banner');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.getAttribute('data-can')).toBe('open');
    expect(await page.getByTestId('saved-elsewhere').textContent()).toMatch(/^It trained on Fashion-MNIST, not on MNIST \(.*\)\.$/);
    expect((await page.getByTestId('resume-button').textContent())?.trim()).toBe('Load Fashion-MNIST and open');
    // While it loads and rebuilds, Train is off.
    await page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']) => {
      const seen: string[] = [];
      (window as unknown as { trainWhileResuming: string[] }).trainWhileResuming = seen;
      el.store!.subscribe((s) => {
        if (s.files.task !== 'resuming') return;
        void el.updateComplete.then(() => {
          const b = el.shadowRoot!.querySelector('run-controls')!;
          void b.updateComplete.then(() => seen.push(b.shadowRoot!.querySelector('[data-testid=train-button]')!.getAttribute('aria-disabled')!));
        });
      });
    });
    await page.getByTestId('resume-button').click();
    await expect.poll(() => page.getByTestId('dataset-name').textContent(), { timeout: 60_000 }).toBe('Fashion-MNIST');
    expect(await waitForStatus(page, ['done'])).toBe('done');
    const whileResuming = await page.evaluate(() => (window as unknown as { trainWhileResuming: string[] }).trainWhileResuming);
    expect(whileResuming.length).toBeGreaterThan(0);
    expect(new Set(whileResuming)).toEqual(new Set(['true']));
    expect(await banner.count()).toBe(0);
    expect(await records(page)).toEqual(baseline.manifest.history);
    expect(await page.getByTestId('more-button').isEnabled()).toBe(true);
    await context.close();
  });
});
