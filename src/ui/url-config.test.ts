// The URL carries the hyper-parameters both ways; bad values are named in a warning and ignored.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../model/config';
import { configFromSearch, configToSearch, parseHidden } from './url-config';

describe('configFromSearch', () => {
  it('reads every parameter the tests and links use', () => {
    const { config, warnings } = configFromSearch('?model=mlp&epochs=2&limit=4096&batch=128&lr=0.05&seed=7&hidden=256,128');
    expect(warnings).toEqual([]);
    expect(config).toEqual({ ...defaultConfig, model: 'mlp', epochs: 2, limit: 4096, batchSize: 128, lr: 0.05, seed: 7, hidden: [256, 128] });
  });

  it('keeps the d2l defaults when the URL says nothing', () => {
    const { config, warnings } = configFromSearch('');
    expect(config).toEqual(defaultConfig);
    expect(config.hidden).not.toBe(defaultConfig.hidden);
    expect(warnings).toEqual([]);
  });

  it('ignores each bad value with a warning naming it, and keeps the rest', () => {
    const { config, warnings } = configFromSearch('?model=resnet&epochs=0&lr=0x1F&batch=12px&seed=-1&hidden=256,&limit=&epochs=3');
    expect(config).toEqual(defaultConfig);
    expect(warnings).toEqual([
      'Ignored URL parameter model="resnet": the models are softmax, mlp, lenet, lenet-bn.',
      'Ignored URL parameter epochs="0": a positive integer is needed.',
      'Ignored URL parameter batch="12px": a positive integer is needed.',
      'Ignored URL parameter lr="0x1F": a positive number is needed.',
      'Ignored URL parameter seed="-1": an integer in 0 … 2^32−1 is needed.',
      'Ignored URL parameter hidden="256,": comma-separated positive integers are needed.',
      'Ignored URL parameter limit="": a positive integer is needed.',
    ]);
  });

  it('a model starts from its d2l preset; the other parameters override it', () => {
    const { config } = configFromSearch('?model=lenet&epochs=2&batch=64');
    expect(config).toMatchObject({ model: 'lenet', epochs: 2, batchSize: 64, lr: 0.1, activation: 'sigmoid', pool: 'avg', init: 'xavier-uniform' });
  });

  it('accepts learning rates in exponent notation', () => {
    expect(configFromSearch('?lr=1e-3').config.lr).toBe(0.001);
  });
});

describe('configToSearch', () => {
  it('round-trips through configFromSearch', () => {
    const c = { ...defaultConfig, model: 'mlp' as const, epochs: 3, hidden: [64, 32], limit: 1000, lr: 0.2, seed: 5 };
    expect(configFromSearch(configToSearch(c)).config).toEqual(c);
  });

  it('writes hidden only for models that use it, and limit only when set', () => {
    expect(configToSearch(defaultConfig)).toBe('?model=softmax&epochs=10&batch=256&lr=0.1&seed=0');
    expect(configToSearch({ ...defaultConfig, model: 'mlp', limit: 4096 })).toBe('?model=mlp&epochs=10&batch=256&lr=0.1&seed=0&hidden=256&limit=4096');
  });
});

describe('parseHidden', () => {
  it('takes comma-separated positive integers, with spaces', () => {
    expect(parseHidden('256')).toEqual([256]);
    expect(parseHidden(' 256 , 128 ')).toEqual([256, 128]);
    expect(parseHidden('')).toBeUndefined();
    expect(parseHidden('0')).toBeUndefined();
    expect(parseHidden('1.5')).toBeUndefined();
  });
});
