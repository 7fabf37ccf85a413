// The architecture under the model form: the layer table of a zoo model, its spec as editable text that
// is checked as it is typed (a refusal names the layer path and the reason, and Train waits), an edit
// that builds making the model custom, and the URL carrying the custom spec so a link rebuilds it.
import { describe, expect, it } from 'vitest';
import { labBrowser } from './lab-page';

const lab = labBrowser();

describe('architecture editor', () => {
  it('shows ResNet-18\'s layers, refuses a wrong layer by its path, and a fixed spec becomes the custom model carried by the URL', async () => {
    const page = await lab.open('?model=resnet18&epochs=1&limit=512');
    await page.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
    // The table: d2l's ResNet-18 on 1×28×28, every layer by its path.
    await page.getByTestId('architecture-layers').locator('summary').click();
    const table = page.getByTestId('architecture-table');
    await expect.poll(() => table.locator('tr[data-path="net.b2.0.conv1"]').count()).toBe(1);
    expect(await table.getByTestId('architecture-params').textContent()).toBe('11,178,378');
    expect(await page.getByTestId('architecture').textContent()).toMatch(/^\d+ layers: /);

    // The spec as text: a conv that expects other channels than it gets is refused where it stands.
    await page.getByTestId('architecture-editor').locator('summary').click();
    const text = page.getByTestId('architecture-text');
    const spec = {
      net: [
        { type: 'conv2d', out: 8, kernel: 3, padding: 'same' },
        { type: 'sequential', name: 'stages', layers: [{ type: 'residual', body: [{ type: 'conv2d', name: 'conv1', in: 16, out: 8, kernel: 3, padding: 1 }], activation: 'relu' }] },
        { type: 'globalavgpool' }, { type: 'flatten' }, { type: 'dense', out: 'classes' },
      ],
    };
    await text.fill(JSON.stringify(spec));
    await expect.poll(() => page.getByTestId('architecture-error').textContent()).toContain('stages.0.conv1: input has 8 channels, the layer expects 16');
    expect(await page.getByTestId('train-button').isEnabled()).toBe(false);
    expect(await page.getByTestId('model-select').inputValue()).toBe('resnet18');

    // Fixed: the model is now the custom one, Train is back, and the address bar carries the spec.
    spec.net[1] = { type: 'sequential', name: 'stages', layers: [{ type: 'residual', body: [{ type: 'conv2d', name: 'conv1', in: 8, out: 8, kernel: 3, padding: 1 }], activation: 'relu' }] };
    await text.fill(JSON.stringify(spec));
    await expect.poll(() => page.getByTestId('architecture-ok').textContent()).toContain(`${(8 * 9 + 8) + (8 * 8 * 9 + 8) + (8 * 10 + 10)} parameters`);
    await expect.poll(() => page.getByTestId('model-select').inputValue()).toBe('custom');
    expect(await page.getByTestId('train-button').isEnabled()).toBe(true);
    const url = new URL(page.url());
    expect(url.searchParams.get('model')).toBe('custom');
    expect(JSON.parse(url.searchParams.get('arch')!)).toEqual(spec);

    // The link rebuilds it.
    const again = await lab.open(url.search);
    await again.getByTestId('dataset-name').waitFor({ timeout: 60_000 });
    expect(await again.getByTestId('model-select').inputValue()).toBe('custom');
    expect(JSON.parse(await again.getByTestId('architecture-text').inputValue())).toEqual(spec);
  });
});
