// One-off measurement (not a test): the longest main-thread task while a ~100 MB file loads in the lab.
// Serves the production build (dist/, `npm run build` first), opens it in headless Chromium, makes a
// 100 MB CSV and a 100 MB IDX pair in the page, then drops each with a PerformanceObserver('longtask')
// and a requestAnimationFrame loop running; prints the longest task and the longest frame gap.
// Usage: node scripts/measure-load-longtask.mjs [MB]
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const mb = Number(process.argv[2] ?? 100);
if (!existsSync(`${root}/dist/index.html`)) throw new Error('dist/ is missing: run `npm run build` first');

const server = await preview({ root, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, open: false } });
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

/** In the page: builds the files, then drops them while watching the main thread; resolves when the card shows `name`. */
async function measure(page, kind, name) {
  return page.evaluate(
    async ({ kind, bytes, name }) => {
      const files = [];
      if (kind === 'csv') {
        // Rows of 16 features with 3 decimals and a class label: ~100 bytes a row.
        const parts = ['f0,f1,f2,f3,f4,f5,f6,f7,f8,f9,f10,f11,f12,f13,f14,f15,label\n'];
        let size = parts[0].length;
        let i = 0;
        while (size < bytes) {
          const row = [];
          for (let j = 0; j < 16; j++) row.push(((i * 31 + j * 17) % 1000) / 100);
          const line = `${row.join(',')},${i % 10}\n`;
          parts.push(line);
          size += line.length;
          i++;
        }
        files.push(new File(parts, 'big.csv'));
      } else {
        const n = Math.floor(bytes / 784);
        const head = new DataView(new ArrayBuffer(16));
        head.setUint32(0, 0x803);
        head.setUint32(4, n);
        head.setUint32(8, 28);
        head.setUint32(12, 28);
        const px = new Uint8Array(n * 784);
        for (let k = 0; k < px.length; k += 4096) px[k] = k & 255;
        const lh = new DataView(new ArrayBuffer(8));
        lh.setUint32(0, 0x801);
        lh.setUint32(4, n);
        const labels = new Uint8Array(n).map((_, k) => k % 10);
        files.push(new File([head, px], 'big-images-idx3-ubyte'), new File([lh, labels], 'big-labels-idx1-ubyte'));
      }
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(f);
      const fileBytes = files.reduce((s, f) => s + f.size, 0);
      // Let the task that built the files end first: a long-task entry is reported when its task ends.
      await new Promise((r) => setTimeout(r, 200));

      const tasks = [];
      const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(e.duration)));
      observer.observe({ type: 'longtask' });
      let maxGap = 0;
      let last = performance.now();
      let watching = true;
      const frame = (t) => {
        maxGap = Math.max(maxGap, t - last);
        last = t;
        if (watching) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);

      const app = document.querySelector('lab-app');
      await new Promise((r) => setTimeout(r, 200));
      const t0 = performance.now();
      app.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, composed: true, cancelable: true }));
      await new Promise((resolve, reject) => {
        const unsubscribe = app.store.subscribe((s) => {
          if (s.dataset.state === 'ready' && s.dataset.summary.name === name && !s.loading) {
            unsubscribe();
            resolve();
          }
          const n = s.notices.at(-1);
          if (n && n.kind === 'error') reject(new Error(n.message));
        });
      });
      const seconds = (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 500));
      watching = false;
      observer.disconnect();
      return { fileBytes, seconds, longTasks: tasks.length, longestTaskMs: tasks.length ? Math.max(...tasks) : 0, longestFrameGapMs: maxGap };
    },
    { kind, bytes: mb * 1024 * 1024, name },
  );
}

try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error(`page: ${m.text()}`));
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('lab-app')?.store?.state.dataset.state === 'ready', null, { timeout: 120_000 });
  for (const [kind, name] of [['csv', 'big'], ['idx', 'big-images-idx3-ubyte']]) {
    const r = await measure(page, kind, name);
    console.log(JSON.stringify({ kind, ...r, longestTaskMs: Math.round(r.longestTaskMs), longestFrameGapMs: Math.round(r.longestFrameGapMs) }));
  }
} finally {
  await browser.close();
  await server.close();
}
