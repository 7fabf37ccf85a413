// The progress board's chart controls in headless Chromium (issue 12 item 7): the log-scale loss toggle,
// EMA smoothing of the train curves (raw points kept), the CSV download and the table of each chart's
// numbers, checked by value against src/ui/chart-data.ts on a run's records put into the page's store;
// then 10⁵ points: what uPlot is given is min/max-decimated, and the redraw time is measured and printed
// (with and without decimation, side by side; no timing threshold).
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { MetricRecord } from '../../src/model/metrics';
import { chartCsv, emaSmooth, RowsPerBucket } from '../../src/ui/chart-data';
import { labBrowser, plotted } from './lab-page';

const labs = labBrowser();

async function download(page: Page, button: Locator): Promise<{ name: string; text: string }> {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), button.click()]);
  return { name: d.suggestedFilename(), text: await readFile((await d.path())!, 'utf8') };
}

/** A 3-epoch run of 4 train points an epoch (train loss and accuracy) and a validation point per epoch. */
function smallRun(): MetricRecord[] {
  const out: MetricRecord[] = [];
  for (let e = 0; e < 3; e++) {
    for (let k = 1; k <= 4; k++) {
      const epoch = e + k / 4;
      const step = e * 8 + k * 2;
      out.push({ step, epoch, key: 'loss', split: 'train', value: 2 / (1 + epoch) + (k % 2) * 0.1 });
      out.push({ step, epoch, key: 'acc', split: 'train', value: 0.5 + epoch / 10 - (k % 2) * 0.05 });
    }
    out.push({ step: (e + 1) * 8, epoch: e + 1, key: 'loss', split: 'val', value: 1.5 / (2 + e) });
    out.push({ step: (e + 1) * 8, epoch: e + 1, key: 'acc', split: 'val', value: 0.6 + e / 10 });
  }
  return out;
}

async function restore(page: Page, records: MetricRecord[] | { big: number }): Promise<void> {
  await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
  await page.locator('lab-app').evaluate((el: HTMLElementTagNameMap['lab-app'], recs) => {
    let list = recs as MetricRecord[];
    if (!Array.isArray(recs)) {
      // 10⁵ train points over 100 epochs (noisy, falling) and a validation point per epoch, made in the page.
      list = [];
      let seed = 7;
      const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
      const perEpoch = recs.big / 100;
      for (let i = 1; i <= recs.big; i++) {
        const epoch = i / perEpoch;
        list.push({ step: i, epoch, key: 'loss', split: 'train', value: 2 / (1 + epoch) + 0.4 * rand() });
        if (i % perEpoch === 0) list.push({ step: i, epoch, key: 'loss', split: 'val', value: 1.5 / (1 + epoch) });
      }
    }
    const s = el.store!;
    s.restoreRun(s.state.config, list, 'done');
  }, records);
}

describe('chart controls', () => {
  let page: Page;
  const records = smallRun();
  const loss = () => page.getByTestId('chart-loss');

  it('log scale: the loss axis spans whole decades with 1-2-5 labels; the points are the same', async () => {
    page = await labs.open('?model=softmax&epochs=3');
    await restore(page, records);
    await expect.poll(async () => (await plotted(loss()))[0]?.length ?? 0, { timeout: 10_000 }).toBe(12);
    const linear = await plotted(loss());
    await page.getByTestId('loss-log').check();
    const axis = () => loss().evaluate((c) => (c as unknown as { yAxis: { ticks: string[]; min: number; max: number } }).yAxis);
    await expect.poll(async () => (await axis()).max, { timeout: 10_000 }).toBe(10);
    const y = await axis();
    // Values from 0.375 to 1.7: the decades 0.1 … 10.
    expect(y.min).toBe(0.1);
    expect(y.ticks.filter(Boolean).every((t) => ['0.1', '0.2', '0.5', '1', '2', '5', '10'].includes(t)), y.ticks.join(' ')).toBe(true);
    expect(y.ticks).toContain('1');
    expect(await plotted(loss())).toEqual(linear);
    await page.getByTestId('loss-log').uncheck();
  });

  it('smoothing: off by default; on, each chart adds the EMA of its train curve as a last series and keeps the raw one', async () => {
    expect(await page.getByTestId('smoothing-value').textContent()).toBe('off');
    const [x, train, val] = await plotted(loss());
    expect((await plotted(loss())).length).toBe(3);
    await page.getByTestId('smoothing').fill('0.6');
    expect(await page.getByTestId('smoothing-value').textContent()).toBe('0.60');
    await expect.poll(async () => (await plotted(loss())).length, { timeout: 10_000 }).toBe(4);
    const smoothed = await plotted(loss());
    expect(smoothed.slice(0, 3)).toEqual([x, train, val]);
    const want = emaSmooth(train, 0.6);
    smoothed[3].forEach((v, i) => (want[i] === null ? expect(v).toBeNull() : expect(v).toBeCloseTo(want[i]!, 12)));
    const acc = await plotted(page.getByTestId('chart-acc'));
    expect(acc).toHaveLength(4);
    acc[3].forEach((v, i) => (acc[1][i] === null ? expect(v).toBeNull() : expect(v).toBeCloseTo(emaSmooth(acc[1], 0.6)[i]!, 12)));
  });

  it('the table lists each chart\'s numbers (and the smoothed column while smoothing is on)', async () => {
    const tools = page.getByTestId('tools-loss');
    expect(await tools.getByTestId('chart-table').count()).toBe(0);
    await tools.getByTestId('chart-table-toggle').click();
    expect(await tools.getByTestId('chart-table-toggle').getAttribute('aria-expanded')).toBe('true');
    const table = tools.getByTestId('chart-table');
    const cells = await table.locator('tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent!.trim())));
    expect(cells[0]).toEqual(['epoch', 'step', 'train', 'train (smoothed)', 'validation']);
    expect(cells).toHaveLength(1 + 12);
    // First train point (epoch 0.25, loss 2/1.25 + 0.1 = 1.7; its EMA is itself), the first epoch end with its validation loss (0.75).
    expect(cells[1]).toEqual(['0.25', '2', '1.7000', '1.7000', '—']);
    expect(cells[4]).toEqual(['1', '8', '1.0000', expect.stringMatching(/^1\.\d{4}$/), '0.7500']);
    expect(await table.locator('caption').textContent()).toBe('Loss by epoch');
    await page.getByTestId('smoothing').fill('0');
    await expect.poll(() => table.locator('thead th').count()).toBe(4);
    const acc = page.getByTestId('tools-acc');
    await acc.getByTestId('chart-table-toggle').click();
    const accCells = await acc.getByTestId('chart-table').locator('tbody tr').first().evaluate((r) => [...r.children].map((c) => c.textContent!.trim()));
    expect(accCells).toEqual(['0.25', '2', '47.5 %', '—']);
  });

  it('CSV: every point of the chart, raw, as chart-data writes it', async () => {
    const lossCsv = await download(page, page.getByTestId('tools-loss').getByTestId('chart-csv'));
    expect(lossCsv.name).toMatch(/loss\.csv$/);
    const text = lossCsv.text;
    expect(text).toBe(chartCsv(records, 'loss', ['train', 'val']));
    expect(text.split('\n')[0]).toBe('epoch,step,train_loss,validation_loss');
    expect(text.split('\n')[4]).toBe(`1,8,1,0.75`);
    const accCsv = await download(page, page.getByTestId('tools-acc').getByTestId('chart-csv'));
    expect(accCsv.text).toBe(chartCsv(records, 'acc', ['train', 'val']));
  });
});

/** Train points of the redraw measurement (LAB_CHART_POINTS overrides, a multiple of 100, to see how it scales). */
const POINTS = Number(process.env.LAB_CHART_POINTS ?? 100_000);

describe('10⁵ points', () => {
  it('uPlot gets the min/max-decimated rows (every validation point among them); the redraw time is measured', async () => {
    const page = await labs.open('?model=softmax&epochs=100');
    await restore(page, { big: POINTS });
    const chart = page.getByTestId('chart-loss');
    await expect.poll(async () => (await plotted(chart))[0]?.length ?? 0, { timeout: 30_000 }).toBeGreaterThan(0);
    const drawn = await plotted(chart);
    const width = await chart.evaluate((c) => c.shadowRoot!.querySelector<HTMLElement>('.plot')!.clientWidth);
    expect(drawn[0].length).toBeLessThanOrEqual(RowsPerBucket * width * 2);
    expect(drawn[0].length).toBeGreaterThan(width);
    expect(drawn[2].filter((v) => v !== null)).toHaveLength(100);
    expect(drawn[0].at(-1)).toBe(100);
    expect(drawn[0][0]).toBe(100 / POINTS);
    // Redraw timings (view + setData + draw, synchronous), decimated and not, alternating; printed, not asserted.
    const t = await chart.evaluate((c) => {
      const el = c as unknown as { redraw(): number; decimate: boolean; lastRedraw: { rows: number; viewMs: number } };
      const runs: Record<'on' | 'off' | 'view', number[]> = { on: [], off: [], view: [] };
      const rows = { on: 0, off: 0 };
      for (let i = 0; i < 32; i++) {
        for (const mode of ['on', 'off'] as const) {
          el.decimate = mode === 'on';
          runs[mode].push(el.redraw());
          rows[mode] = el.lastRedraw.rows;
          if (mode === 'on') runs.view.push(el.lastRedraw.viewMs);
        }
      }
      el.decimate = true;
      el.redraw();
      // The first two of each are warm-up; then the median and the fastest.
      const stat = (a: number[]) => {
        const s = a.slice(2).sort((x, y) => x - y);
        return `${s[Math.floor(s.length / 2)].toFixed(2)} ms (fastest ${s[0].toFixed(2)})`;
      };
      return { on: stat(runs.on), off: stat(runs.off), view: stat(runs.view), rows };
    });
    expect(t.rows.off).toBe(POINTS);
    expect(t.rows.on).toBe(drawn[0].length);
    process.stdout.write(`chart redraw, ${POINTS} train points + 100 validation points, plot ${width} px wide: decimated to ${t.rows.on} rows ${t.on} (the decimation ${t.view}), all ${t.rows.off} rows ${t.off}; median of 30, headless Chromium\n`);
  });
});
