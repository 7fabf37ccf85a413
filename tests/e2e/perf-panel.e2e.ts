// The performance panel end to end: after an MLP run on a subset, the panel in the page shows the
// training step's GPU time split by kernel family (timestamp queries on SwiftShader), examples/s and the
// dispatches a step takes, with the traffic of the finished epoch. Structure only: no timing thresholds.
import { describe, expect, it } from 'vitest';
import { labBrowser } from './lab-page';

// Its afterEach holds the page to no console errors, uncaught exceptions or CSP violations.
const labs = labBrowser();

describe('the performance panel', () => {
  it('shows the step by kernel family, examples/s and dispatches per step after an MLP epoch', async () => {
    const page = await labs.open('?model=mlp&epochs=1&limit=2048&backend=webgpu'); // the GPU's panel: pinned (auto may pick wasm over SwiftShader)
    await expect.poll(() => page.getByTestId('adapter').getAttribute('data-state'), { timeout: 60_000 }).toBe('ready');
    await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
    const panel = page.getByTestId('perf-panel');
    expect(await panel.textContent()).toMatch(/Train a model on the GPU/);
    await page.getByTestId('train-button').click();
    await page.locator('[data-testid=run-status][data-status=done]').waitFor({ timeout: 240_000 });

    // MLP step: gather, two forward products, the fused loss (2), the train accuracy count, dW+db (tn) and
    // dX for the output layer, dW+db for the hidden one, and the optimizer.
    await expect.poll(() => page.getByTestId('perf-dispatches').textContent(), { timeout: 30_000 }).toBe('10');
    const families = await page.getByTestId('perf-families').locator('[data-family]').evaluateAll((els) => els.map((e) => e.getAttribute('data-family')));
    expect(families).toEqual(expect.arrayContaining(['matmul', 'gather', 'softmax-xent', 'accuracy', 'optim']));
    expect(Number(await page.getByTestId('perf-step').textContent())).toBeGreaterThan(0);
    expect(Number((await page.getByTestId('perf-rate').textContent())?.replace(/,/g, ''))).toBeGreaterThan(0);
    await panel.locator('summary', { hasText: 'Kernels and traffic' }).click();
    expect(await panel.textContent()).toMatch(/Per epoch: \d+ submits, \d+ readbacks awaited, [\d,]+ KiB uploaded/);
    expect(await panel.getByTestId('perf-kernels').locator('tr').count()).toBe(1 + 10);
    // Time per layer path: the two dense layers, the gather, the loss, the train accuracy count and the optimizer.
    await panel.getByTestId('perf-layers').locator('summary').click();
    const paths = await panel.getByTestId('perf-layers').locator('tr[data-path]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')).sort());
    expect(paths).toEqual(['layers.1', 'layers.3', 'optim', 'train.accuracy', 'train.gather', 'train.loss']);
  });

  it('gives each conv layer its forward, input-gradient and weight-gradient GFLOP/s after a LeNet epoch', async () => {
    const page = await labs.open('?model=lenet&epochs=1&limit=512&backend=webgpu');
    await expect.poll(() => page.getByTestId('adapter').getAttribute('data-state'), { timeout: 60_000 }).toBe('ready');
    await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
    await page.getByTestId('train-button').click();
    await page.locator('[data-testid=run-status][data-status=done]').waitFor({ timeout: 240_000 });
    const layers = page.getByTestId('perf-panel').getByTestId('perf-layers');
    await expect.poll(() => layers.locator('tr[data-path]').count(), { timeout: 30_000 }).toBeGreaterThan(2);
    await layers.locator('summary').click();
    const passes = (path: string) => layers.locator(`tr[data-path="${path}"] td[data-pass]`).evaluateAll((els) => els.map((e) => [e.getAttribute('data-pass'), e.textContent]));
    // The first conv's input is the data: no input gradient. The second conv has all three passes.
    const first = await passes('layers.0');
    expect(first.map(([p]) => p)).toEqual(['forward', 'dX', 'dW']);
    expect(Number(first[0][1])).toBeGreaterThan(0);
    expect(first[1][1]).toBe('');
    expect(Number(first[2][1])).toBeGreaterThan(0);
    for (const [, v] of await passes('layers.3')) expect(Number(v)).toBeGreaterThan(0);
    // A layer without convolutions (the first dense layer) leaves the pass columns empty.
    expect((await passes('layers.7')).map(([, v]) => v)).toEqual(['', '', '']);
  });
});
