// Decoding in the browser's worker: WebP images in a zip go through the browser's own decoder (the CLI
// cannot decode them), and a corrupt gzip is refused with its byte offset while the dataset stays.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { png, zip } from '../../src/data/fixtures/make';
import { corruptGzip } from './drop-data';
import { bannerText, cardFields, dropFiles, waitForDataset } from './drop-page';
import { labBrowser } from './lab-page';

const labs = labBrowser();

async function open(): Promise<Page> {
  const page = await labs.open('?model=softmax');
  await waitForDataset(page, 'Fashion-MNIST');
  return page;
}

const COLOURS: Record<string, [number, number, number]> = { dark: [40, 40, 40], light: [210, 210, 210], red: [200, 30, 30] };

/** Lossless WebP images (12×10, one flat colour) encoded by the browser's canvas, as base64. */
async function webpImages(page: Page, colours: [number, number, number][]): Promise<string[]> {
  return page.evaluate(async (list) => {
    const out: string[] = [];
    for (const [r, g, b] of list) {
      const canvas = new OffscreenCanvas(12, 10);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
      ctx.fillRect(0, 0, 12, 10);
      const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/webp', quality: 1 })).arrayBuffer());
      out.push(btoa(String.fromCharCode(...bytes)));
    }
    return out;
  }, colours);
}

describe('decoding in the browser', () => {
  it('decodes WebP images in a zip with the browser decoder, beside PNGs', async () => {
    const page = await open();
    const names = Object.keys(COLOURS);
    const encoded = await webpImages(page, names.map((n) => COLOURS[n]));
    const files: Record<string, Uint8Array> = {};
    names.forEach((name, k) => {
      const webp = Buffer.from(encoded[k], 'base64');
      expect(webp.subarray(0, 4).toString('latin1') + webp.subarray(8, 12).toString('latin1'), 'the canvas encoded WebP').toBe('RIFFWEBP');
      for (let i = 0; i < 9; i++) files[`${name}/${i}.webp`] = new Uint8Array(webp);
      files[`${name}/flat.png`] = png(12, 10, 3, (_x, _y, c) => COLOURS[name][c]);
    });
    await dropFiles(page, [{ name: 'colours.zip', bytes: zip(files) }]);
    await waitForDataset(page, 'colours');
    const card = await cardFields(page);
    expect([card.shape, card.classes, Number(card.train) + Number(card.val)]).toEqual(['3×10×12', '3', 30]);
    expect(await page.getByTestId('dataset-warnings').count(), 'no image was skipped').toBe(0);

    // The card's samples are the decoded pixels: each image is its class colour (lossless, so exactly).
    const samples = await page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app']) => {
      const d = el.store!.state.dataset;
      if (d.state !== 'ready' || !d.summary.samples) return null;
      const s = d.summary.samples;
      return { labels: s.labels, size: s.height * s.width * s.channels, pixels: Array.from(s.pixels), classNames: d.summary.classNames };
    });
    expect(samples).not.toBeNull();
    samples!.labels.forEach((label, i) => {
      const want = COLOURS[samples!.classNames[label]];
      const px = samples!.pixels.slice(i * samples!.size, (i + 1) * samples!.size);
      for (let p = 0; p < px.length; p += 3) expect([px[p], px[p + 1], px[p + 2]]).toEqual(want);
    });
  });

  it('refuses a corrupt gzip with its byte offset, and keeps the dataset', async () => {
    const page = await open();
    const before = await cardFields(page);
    await dropFiles(page, [{ name: 'broken.csv.gz', bytes: corruptGzip() }]);
    await expect.poll(() => bannerText(page), { timeout: 30_000 }).toMatch(/broken\.csv\.gz, byte offset \d+: /);
    expect(await bannerText(page)).toContain('Fashion-MNIST stays');
    await waitForDataset(page, 'Fashion-MNIST');
    expect(await cardFields(page)).toEqual(before);
  });
});
