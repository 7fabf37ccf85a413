// `npm start` (scripts/start.mjs) serves the production build: it prints its address within 60 s (here
// without rebuilding: the global setup built dist/), sends the page's Content-Security-Policy as a header
// identical to the meta tag plus cross-origin isolation, and the page loads as built: no Lit dev-mode
// warning, no aborted request, one engine worker.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { labBrowser } from './lab-page';

const root = fileURLToPath(new URL('../..', import.meta.url));
const labs = labBrowser();
let server: ChildProcess | undefined;
afterAll(() => void server?.kill('SIGTERM'));

/** Starts `npm start`'s script on a free port; resolves with its address and how long it took, and its output. */
function start(): Promise<{ url: string; seconds: number; output: string }> {
  const t0 = performance.now();
  server = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--port', '0'], { cwd: root, env: { ...process.env, NODE_ENV: 'production' } });
  let output = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no address within 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (m) {
        clearTimeout(timer);
        ok({ url: m[1], seconds: (performance.now() - t0) / 1000, output });
      }
    };
    server!.stdout!.on('data', read);
    server!.stderr!.on('data', read);
    server!.once('exit', (code) => fail(new Error(`npm start exited (${code}):\n${output}`)));
  });
}

describe('npm start', () => {
  it('serves the production build with the CSP header and cross-origin isolation; the page loads once, as built', async () => {
    const { url, seconds, output } = await start();
    expect(seconds).toBeLessThan(60);
    expect(output).toContain('Classifier Lab (production build) on');
    expect(output).not.toContain('Building');
    const res = await fetch(url);
    const html = await res.text();
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1];
    expect(res.headers.get('content-security-policy')).toBe(meta);
    expect(meta).toContain("connect-src 'self'");
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect((await fetch(new URL('no-such-file.js', url))).status).toBe(404);
    expect((await fetch(new URL('data/fashion-mnist/meta.json', url))).headers.get('content-security-policy')).toBe(meta);

    // Loaded once fully, then watched from the start of a reload.
    const page = await labs.open(url);
    await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
    const seen: string[] = [];
    let workers = 0;
    page.on('console', (m) => seen.push(`${m.type()}: ${m.text()}`));
    page.on('requestfailed', (r) => seen.push(`failed: ${r.url()}`));
    page.on('worker', () => workers++);
    await page.reload();
    await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(seen.filter((m) => /dev mode|failed:/i.test(m))).toEqual([]);
    expect(workers).toBe(1);
    console.log(`npm start printed its address after ${seconds.toFixed(1)} s (dist/ current, shared 2-core machine)`);
  });
});
