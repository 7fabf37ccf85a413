// The form's architecture line for the models the zoo builds today.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../model/config';
import { summarizeArchitecture } from './architecture-summary';

describe('summarizeArchitecture', () => {
  it('softmax regression on 28×28 images: 784·10 + 10 parameters', () => {
    expect(summarizeArchitecture({ ...defaultConfig, model: 'softmax' }, [1, 28, 28], 10)).toEqual({
      ok: true,
      layers: 'Flatten → Dense 784→10',
      params: '7,850 parameters',
    });
  });

  it('an MLP with two hidden layers on 20 tabular features and 3 classes', () => {
    const s = summarizeArchitecture({ ...defaultConfig, model: 'mlp', hidden: [16, 8] }, [20], 3);
    // 20·16+16 + 16·8+8 + 8·3+3 = 336 + 136 + 27
    expect(s).toEqual({ ok: true, layers: 'Flatten → Dense 20→16 → ReLU → Dense 16→8 → ReLU → Dense 8→3', params: '499 parameters' });
  });
});
