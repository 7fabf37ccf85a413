// The URL carries the hyper-parameters both ways; bad values are named in a warning and ignored.
import { describe, expect, it } from 'vitest';
import { applyPreset, defaultConfig, modelNames, presets } from '../model/config';
import { builtinFromSearch, configFromSearch, configToSearch, labSearch } from './url-config';

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
    const { config, warnings } = configFromSearch('?model=resnet&epochs=0&lr=0x1F&batch=12px&seed=-1&hidden=256,&limit=x&epochs=3');
    expect(config).toEqual(defaultConfig);
    expect(warnings).toEqual([
      `Ignored URL parameter model="resnet": one of ${modelNames.join(', ')} is needed.`,
      'Ignored URL parameter hidden="256,": sizes like 256 or 256,128 is needed.',
      'Ignored URL parameter epochs="0": a whole number ≥ 1 is needed.',
      'Ignored URL parameter batch="12px": a whole number ≥ 1 is needed.',
      'Ignored URL parameter lr="0x1F": a number > 0 is needed.',
      'Ignored URL parameter seed="-1": a whole number ≥ 0 is needed.',
      'Ignored URL parameter limit="x": a whole number ≥ 1, or nothing (all) is needed.',
    ]);
  });

  it('reads the batch size as batch-size, and still as batch', () => {
    expect(configFromSearch('?batch-size=64').config.batchSize).toBe(64);
    expect(configFromSearch('?batch=32').config.batchSize).toBe(32);
    expect(configFromSearch('?batch-size=64&batch=32').config.batchSize).toBe(64);
  });

  it('a model starts from its d2l preset; the other parameters override it', () => {
    const { config } = configFromSearch('?model=lenet&epochs=2&batch=64');
    expect(config).toMatchObject({ model: 'lenet', epochs: 2, batchSize: 64, lr: 0.1, activation: 'sigmoid', pool: 'avg', init: 'xavier-uniform' });
  });

  it('takes every training setting under its CLI flag name', () => {
    const { config, warnings } = configFromSearch('?model=mlp&optimizer=momentum&momentum=0.8&weight-decay=1e-4&schedule=cosine&init=he&init-sigma=0.02&activation=sigmoid&pool=avg&dropout=0.2');
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({ optimizer: 'momentum', momentum: 0.8, weightDecay: 1e-4, schedule: 'cosine', init: 'he', initSigma: 0.02, activation: 'sigmoid', pool: 'avg', dropout: 0.2 });
  });

  it('a preset gives the settings; a model of its own restarts from that model\'s d2l settings', () => {
    const { config, warnings } = configFromSearch('?preset=lenet-lab&epochs=3');
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({ model: 'lenet', epochs: 3, optimizer: 'adam', schedule: 'cosine', init: 'he', activation: 'relu', pool: 'max', lr: 0.002 });
    expect(configFromSearch('?preset=lenet-lab&model=lenet&lr=0.001').config).toMatchObject({ optimizer: 'adam', lr: 0.001 });
    expect(configFromSearch('?preset=lenet-lab&model=mlp').config).toMatchObject({ model: 'mlp', optimizer: 'sgd', lr: 0.1 });
  });

  it('names each bad training setting and what it needs', () => {
    const { config, warnings } = configFromSearch('?preset=vgg&optimizer=rmsprop&momentum=1&weight-decay=-1&dropout=0x1&init-sigma=0');
    expect(config).toEqual(defaultConfig);
    expect(warnings).toEqual([
      `Ignored URL parameter preset="vgg": the presets are ${Object.keys(presets).join(', ')}.`,
      'Ignored URL parameter optimizer="rmsprop": one of sgd, momentum, adam is needed.',
      'Ignored URL parameter momentum="1": a number in [0, 1) is needed.',
      'Ignored URL parameter weight-decay="-1": a number ≥ 0 is needed.',
      'Ignored URL parameter init-sigma="0": a number > 0 is needed.',
      'Ignored URL parameter dropout="0x1": a number in [0, 1) is needed.',
    ]);
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

  it('round-trips every preset, and writes only the settings that differ from the model\'s d2l ones', () => {
    for (const preset of Object.values(presets)) {
      const c = applyPreset({ ...defaultConfig, epochs: 4 }, preset);
      expect(configFromSearch(configToSearch(c)).config).toEqual(c);
    }
    expect(configToSearch(applyPreset(defaultConfig, presets['lenet-lab']))).toBe(
      '?model=lenet&epochs=10&batch-size=128&lr=0.002&seed=0&optimizer=adam&schedule=cosine&init=he&activation=relu&pool=max',
    );
  });

  it('leaves out settings that do not act on the run (momentum without SGD momentum, σ without the normal init)', () => {
    expect(configToSearch({ ...defaultConfig, momentum: 0.5, dropout: 0.3, pool: 'avg' })).toBe('?model=softmax&epochs=10&batch-size=256&lr=0.1&seed=0');
    expect(configToSearch({ ...defaultConfig, optimizer: 'momentum', momentum: 0.5 })).toBe('?model=softmax&epochs=10&batch-size=256&lr=0.1&seed=0&optimizer=momentum&momentum=0.5');
  });

  it('writes hidden only for models that use it and where it differs, and limit only when set', () => {
    expect(configToSearch(defaultConfig)).toBe('?model=softmax&epochs=10&batch-size=256&lr=0.1&seed=0');
    expect(configToSearch({ ...defaultConfig, model: 'mlp', limit: 4096 })).toBe('?model=mlp&epochs=10&batch-size=256&lr=0.1&seed=0&limit=4096');
    expect(configToSearch({ ...defaultConfig, model: 'mlp', hidden: [64] })).toBe('?model=mlp&hidden=64&epochs=10&batch-size=256&lr=0.1&seed=0');
  });
});

describe('the built-in dataset in the URL', () => {
  it('names MNIST, leaves the default out, and refuses an unknown name with a warning', () => {
    expect(builtinFromSearch('?dataset=mnist')).toEqual({ name: 'mnist' });
    expect(builtinFromSearch('?model=mlp')).toEqual({ name: 'fashion-mnist' });
    expect(builtinFromSearch('?dataset=cifar10')).toEqual({
      name: 'fashion-mnist',
      warning: 'Ignored URL parameter dataset="cifar10": the built-in datasets are fashion-mnist, mnist.',
    });
    expect(labSearch(defaultConfig, 'mnist')).toBe('?model=softmax&epochs=10&batch-size=256&lr=0.1&seed=0&dataset=mnist');
    expect(labSearch(defaultConfig, 'fashion-mnist')).toBe(configToSearch(defaultConfig));
    expect(labSearch(defaultConfig, '')).toBe(configToSearch(defaultConfig));
  });
});
