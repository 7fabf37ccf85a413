// The zoo's architectures: d2l's layer lists and parameter counts, input shapes from the dataset, clear
// refusals for inputs LeNet cannot take, and the summary the form shows.
import { describe, expect, it } from 'vitest';
import { paramCount } from './architecture';
import { applyPreset, defaultConfig, modelPreset, presets, validateConfig } from './config';
import { summarize, summaryLines } from './summary';
import { buildArchitecture } from './zoo';

describe('buildArchitecture', () => {
  it('LeNet (d2l §7.6): 61,706 parameters, output shapes 6×28×28 → 16×5×5 → 10', () => {
    const arch = buildArchitecture(applyPreset(defaultConfig, presets['lenet-d2l']), [1, 28, 28], 10);
    expect(paramCount(arch)).toBe(61706);
    const s = summarize(arch);
    expect(s.rows.map((r) => r.label)).toEqual([
      'Conv2d 6@5×5, pad 2', 'Sigmoid', 'AvgPool2d 2×2', 'Conv2d 16@5×5', 'Sigmoid', 'AvgPool2d 2×2', 'Flatten',
      'Dense 400→120', 'Sigmoid', 'Dense 120→84', 'Sigmoid', 'Dense 84→10',
    ]);
    expect(s.rows[5].outputShape).toEqual([16, 5, 5]);
    expect(s.rows[0].params).toBe(156);
    expect(summaryLines(s).at(-1)).toBe('61,706 parameters');
  });

  it('LeNet + BatchNorm (d2l §8.5): no padding on conv 1, BatchNorm after every layer but the last', () => {
    const arch = buildArchitecture(applyPreset(defaultConfig, presets['lenet-bn-d2l']), [1, 28, 28], 10);
    const s = summarize(arch);
    expect(s.rows.filter((r) => r.type === 'batchnorm').map((r) => r.label)).toEqual(['BatchNorm2d 6', 'BatchNorm2d 16', 'BatchNorm1d 120', 'BatchNorm1d 84']);
    expect(s.rows.find((r) => r.type === 'flatten')!.outputShape).toEqual([256]);
    // 156 + 12 + 2,416 + 32 + 30,840 + 240 + 10,164 + 168 + 850 (conv, BN γ/β, dense, ... in order).
    expect(s.totalParams).toBe(44878);
    expect(s.stateValues).toBe(2 * (6 + 16 + 120 + 84));
  });

  it('image models take channels and size from the dataset', () => {
    const rgb = buildArchitecture({ ...defaultConfig, model: 'lenet' }, [3, 32, 32], 4);
    expect(rgb.layers[0]).toMatchObject({ type: 'conv2d', in: 3 });
    expect(summarize(rgb).rows.at(-1)!.outputShape).toEqual([4]);
    expect(summarize(rgb).rows.find((r) => r.type === 'flatten')!.outputShape).toEqual([16 * 6 * 6]);
  });

  it.each([
    ['lenet', [1, 11, 11], /LeNet needs images of at least 12×12 pixels .* this dataset's are 11×11/],
    ['lenet-bn', [1, 28, 15], /LeNet \+ BatchNorm needs images of at least 16×16 pixels .* this dataset's are 28×15/],
    ['lenet', [20], /LeNet needs images .* flat rows of 20 features/],
  ] as const)('%s refuses input %j with a reason', (model, shape, message) => {
    expect(() => buildArchitecture({ ...defaultConfig, model }, [...shape], 3)).toThrow(message);
  });

  it('MLP: hidden sizes, activation and dropout after each hidden activation (d2l §5.6)', () => {
    const arch = buildArchitecture({ ...applyPreset(defaultConfig, presets['mlp-dropout-d2l']) }, [1, 28, 28], 10);
    expect(arch.layers.map((l) => l.type)).toEqual(['flatten', 'dense', 'relu', 'dropout', 'dense', 'relu', 'dropout', 'dense']);
    expect(buildArchitecture({ ...defaultConfig, model: 'mlp', hidden: [8], activation: 'sigmoid' }, [5], 2).layers.map((l) => l.type)).toEqual(['flatten', 'dense', 'sigmoid', 'dense']);
  });
});

describe('presets', () => {
  it('every preset is a valid config, and each model has its d2l preset', () => {
    for (const p of Object.values(presets)) expect(() => validateConfig(applyPreset(defaultConfig, p))).not.toThrow();
    expect(modelPreset('lenet').settings).toMatchObject({ activation: 'sigmoid', pool: 'avg', init: 'xavier-uniform', batchSize: 128, lr: 0.1, optimizer: 'sgd' });
    expect(modelPreset('lenet-bn').settings).toMatchObject({ batchSize: 128, lr: 0.1 });
    expect(modelPreset('softmax').settings).toMatchObject({ batchSize: 256, lr: 0.1, init: 'normal', initSigma: 0.01 });
  });
});
