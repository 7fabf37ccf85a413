// Models offered for the loaded data: every zoo model fits images; the dense ones fit tabular rows too,
// and a model the zoo cannot build for rows is refused with a reason.
import { describe, expect, it } from 'vitest';
import { modelNames } from '../model/config';
import { zoo } from '../model/zoo';
import { modelUnfit } from './model-fit';

describe('modelUnfit', () => {
  it('offers softmax and the MLP for images and for tabular rows', () => {
    for (const m of ['softmax', 'mlp'] as const) {
      expect(modelUnfit(m, [1, 28, 28], 10)).toBe('');
      expect(modelUnfit(m, [4], 3)).toBe('');
    }
  });

  it('refuses the convolutional models on tabular rows, with a reason', () => {
    for (const m of modelNames.filter((n) => n.startsWith('lenet'))) expect(modelUnfit(m, [4], 3)).not.toBe('');
  });

  it('offers LeNet and LeNet + BatchNorm for 1×28×28 images; a zoo model that does not fit says why', () => {
    for (const m of ['lenet', 'lenet-bn'] as const) expect(modelUnfit(m, [1, 28, 28], 10), m).toBe('');
    for (const e of zoo) expect(typeof modelUnfit(e.name as never, [1, 8, 8], 10)).toBe('string');
    expect(modelUnfit('lenet', [1, 8, 8], 10)).toMatch(/at least 12×12/);
  });

  it('says nothing before data is loaded', () => {
    expect(modelUnfit('lenet', undefined, 0)).toBe('');
  });
});
