// Opens the lab in headless Chromium on real WebGPU (SwiftShader here) and records every console error,
// uncaught exception and CSP violation, so that each test can require a clean run; and what every browser
// test reads of the page: the run's status and the charts' points.
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';

/**
 * Headless Chromium on this machine finds the SwiftShader WebGPU adapter with --enable-unsafe-webgpu
 * alone (checked in a page and in a dedicated worker, Chromium 156); --enable-features=Vulkan,
 * --use-angle=swiftshader and --use-webgpu-adapter=swiftshader change nothing here and are left out.
 * The background-networking flags keep Chromium from dialling out on a machine without network.
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Without --enable-unsafe-webgpu, headless Chromium on Linux offers navigator.gpu but no adapter. */
export const NO_WEBGPU_FLAGS = CHROMIUM_FLAGS.filter((f) => f !== '--enable-unsafe-webgpu');

export function launchChromium(args: string[] = CHROMIUM_FLAGS): Promise<Browser> {
  return chromium.launch({ executablePath: inject('chromiumPath'), headless: true, args });
}

export interface LabPage {
  page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
}

/**
 * Opens the lab with a query string (`?model=softmax&epochs=2&limit=4096`) in a fresh context; fails
 * when the browser has no WebGPU adapter unless `adapter` is false.
 */
export async function openLab(browser: Browser, query: string, adapter = true): Promise<LabPage> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  await watchPage(page, problems);
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  await page.goto(new URL(query, inject('baseUrl')).href);
  if (adapter) await requireAdapter(page);
  return { page, problems };
}

/** Collects the page's console errors, uncaught exceptions and CSP violations into `problems`. */
export async function watchPage(page: Page, problems: string[]): Promise<void> {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url}:${m.location().lineNumber})`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
}

/** The problems check every browser test ends with. */
export function expectNoProblems(problems: string[]): void {
  expect(problems, 'console errors, uncaught exceptions or CSP violations').toEqual([]);
}

/**
 * One headless Chromium for a test file, launched before its tests and closed after them. Each page
 * opened through it (or handed to `watch`) must get through every test without a problem.
 */
export function labBrowser() {
  let browser: Browser | undefined;
  const opened: LabPage[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(() => expectNoProblems(opened.flatMap((l) => l.problems.splice(0))));
  const watch = (lab: LabPage): LabPage => {
    opened.push(lab);
    return lab;
  };
  return {
    watch,
    /** Opens the lab with a query string; see openLab. */
    open: async (query: string): Promise<Page> => watch(await openLab(browser!, query)).page,
  };
}

export const status = (page: Page) => page.getByTestId('run-status').getAttribute('data-status');

/** Waits until the run's status is one of `want` (or another end state) and returns it. */
export async function waitForStatus(page: Page, want: string[], timeout = 240_000): Promise<string> {
  const ends = [...new Set([...want, 'done', 'stopped', 'diverged', 'error'])].map((w) => `[data-status=${w}]`).join(',');
  await page.locator(`[data-testid=run-status]:is(${ends})`).waitFor({ timeout });
  return (await status(page)) ?? '';
}

type Column = (number | null)[];
/** What a chart's uPlot instance holds: [x, ...one column per split]. */
export const plotted = (chart: Locator) => chart.evaluate((el) => (el as unknown as { plotted: Column[] }).plotted);
export const values = (col: Column | undefined) => (col ?? []).filter((v): v is number => v !== null);

/** Fails (never skips) when the browser offers no WebGPU adapter. */
async function requireAdapter(page: Page): Promise<void> {
  const found = await page.evaluate(async () => {
    if (!('gpu' in navigator)) return 'navigator.gpu is missing';
    const adapter = await navigator.gpu.requestAdapter();
    return adapter ? 'ok' : 'navigator.gpu.requestAdapter() returned null';
  });
  if (found !== 'ok') {
    throw new Error(
      `The browser tests need a WebGPU adapter in headless Chromium and found none: ${found}. ` +
        `Chromium was started with ${CHROMIUM_FLAGS.join(' ')}; SwiftShader's Vulkan driver (libvulkan1 and ` +
        `Chromium's vk_swiftshader_icd.json) provides one on machines without a GPU.`,
    );
  }
}
