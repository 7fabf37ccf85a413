// Helpers for the run-file e2e tests: a Chromium with a persistent profile (so OPFS survives closing the
// browser), problem watching for its pages, downloads read back as bytes, the lab's store.
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Download, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { decodeRunFile, type RunFile } from '../../src/io/checkpoint';
import { CHROMIUM_FLAGS, watchPage } from './lab-page';

/** A fresh profile folder; launching twice on it is closing and reopening the browser. */
export const newProfile = (): string => mkdtempSync(join(tmpdir(), 'classifier-lab-profile-'));

export function launchPersistent(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: inject('chromiumPath'),
    headless: true,
    args: CHROMIUM_FLAGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
}

/** Opens the lab in a context, collecting console errors, uncaught exceptions and CSP violations into `problems`. */
export async function openIn(context: BrowserContext, query: string, problems: string[]): Promise<Page> {
  const page = await context.newPage();
  await watchPage(page, problems);
  await page.goto(new URL(query, inject('baseUrl')).href);
  await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
  return page;
}

/** Clicks a button that starts a download and returns the file's name and bytes. */
export async function download(page: Page, testId: string): Promise<{ name: string; bytes: Uint8Array }> {
  const [d]: [Download, void] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId(testId).click()]);
  return { name: d.suggestedFilename(), bytes: new Uint8Array(await readFile((await d.path())!)) };
}

/** Export → the decoded file (weights, manifest with the metric history). */
export async function exported(page: Page): Promise<RunFile> {
  const file = await download(page, 'export-button');
  return decodeRunFile(file.bytes, file.name);
}

/** Tensors as base64 of their bits, for exact comparison. */
export const bitsOf = (params: Map<string, Float32Array>) => Object.fromEntries([...params].map(([k, v]) => [k, Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')]));

/** The texts of the banner's notices. */
export const notices = (page: Page) => page.locator('notice-list li').allTextContents();

/** The store's metric records, read in the page. */
export const records = (page: Page) =>
  page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']) => el.store!.state.records.map((r) => ({ ...r })));
