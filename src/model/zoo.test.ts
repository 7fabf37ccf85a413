// The zoo's architectures: d2l's layer lists and parameter counts, input shapes from the dataset, clear
// refusals for inputs LeNet cannot take, and the summary the form shows.
import { describe, expect, it } from 'vitest';
import { graphOf, paramCount, type Architecture } from './architecture';
import { applyPreset, defaultConfig, modelPreset, presets, presetValues, validateConfig } from './config';
import { summarize, summaryLines } from './summary';
import { buildArchitecture, minInputSize, zoo, zooEntry } from './zoo';

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
    expect(summaryLines(s).at(-1)).toMatch(/^61,706 parameters; /);
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
    expect(graphOf(rgb).ops[0].spec).toMatchObject({ type: 'conv2d', in: 3 });
    expect(summarize(rgb).rows.at(-1)!.outputShape).toEqual([4]);
    expect(summarize(rgb).rows.find((r) => r.type === 'flatten')!.outputShape).toEqual([16 * 6 * 6]);
  });

  it.each([
    ['lenet', [1, 11, 11], /LeNet needs images of at least 12×12 pixels; this dataset's are 11×11 \(layers\.5: a 1×1 input is smaller than the 2×2 window\)/],
    ['lenet-bn', [1, 28, 15], /LeNet \+ BatchNorm needs images of at least 16×16 pixels; this dataset's are 28×15/],
    ['lenet', [20], /LeNet needs images .* flat rows of 20 features/],
  ] as const)('%s refuses input %j with a reason', (model, shape, message) => {
    expect(() => buildArchitecture({ ...defaultConfig, model }, [...shape], 3)).toThrow(message);
  });

  it('MLP: hidden sizes, activation and dropout after each hidden activation (d2l §5.6)', () => {
    const arch = buildArchitecture({ ...applyPreset(defaultConfig, presets['mlp-dropout-d2l']) }, [1, 28, 28], 10);
    const types = (a: Architecture) => graphOf(a).ops.map((op) => op.spec.type);
    expect(types(arch)).toEqual(['flatten', 'dense', 'relu', 'dropout', 'dense', 'relu', 'dropout', 'dense']);
    expect(types(buildArchitecture({ ...defaultConfig, model: 'mlp', hidden: [8], activation: 'sigmoid' }, [5], 2))).toEqual(['flatten', 'dense', 'sigmoid', 'dense']);
  });
});

describe('presets', () => {
  it('every preset is a valid config, and each model has its d2l preset', () => {
    for (const p of Object.values(presets)) expect(() => validateConfig(applyPreset(defaultConfig, p))).not.toThrow();
    expect(presetValues(modelPreset('lenet'))).toMatchObject({ activation: 'sigmoid', pool: 'avg', init: 'xavier-uniform', batchSize: 128, lr: 0.1, optimizer: 'sgd' });
    expect(presetValues(modelPreset('lenet-bn'))).toMatchObject({ batchSize: 128, lr: 0.1 });
    expect(presetValues(modelPreset('softmax'))).toMatchObject({ batchSize: 256, lr: 0.1, init: 'normal', initSigma: 0.01 });
  });
});

describe('d2l chapter 8 (1×96×96 input, 10 classes)', () => {
  const at96 = (model: string) => buildArchitecture({ ...defaultConfig, model: model as never }, [1, 96, 96], 10);

  // Each count is sum(p.numel() for p in model.parameters()) of d2l's PyTorch definition (LazyConv2d and
  // LazyLinear keep their biases; ResNet's shortcut is a plain strided 1×1 conv), run on a 1×1×96×96 batch.
  it.each([
    ['alexnet', 21_598_922, '§8.1'],
    ['vgg11', 44_920_074, '§8.2, arch ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))'],
    ['nin', 1_992_166, '§8.3'],
    ['googlenet', 5_977_530, '§8.4'],
    ['resnet18', 11_178_378, '§8.6'],
    ['densenet', 758_226, '§8.7, growth 32, arch (4, 4, 4, 4)'],
  ])('%s: %i parameters, as d2l %s', (model, count) => {
    expect(paramCount(at96(model))).toBe(count);
  });

  it('tensor names are those of d2l\'s Classifier.net (its nn.Module nesting)', () => {
    const names = (model: string) => graphOf(at96(model)).params.map((p) => p.name);
    expect(names('resnet18')).toEqual(expect.arrayContaining(['net.0.0.weight', 'net.0.1.weight', 'net.b2.0.conv1.weight', 'net.b2.1.bn2.bias', 'net.b3.0.conv3.weight', 'net.last.2.weight']));
    expect(names('densenet')).toEqual(expect.arrayContaining(['net.dense_blk1.net.0.0.weight', 'net.dense_blk1.net.3.2.weight', 'net.tran_blk1.2.weight', 'net.last.0.weight', 'net.last.4.bias']));
    expect(names('googlenet')).toEqual(expect.arrayContaining(['net.0.0.weight', 'net.2.0.b1_1.weight', 'net.2.0.b3_2.weight', 'net.3.4.b4_2.bias', 'net.5.weight']));
    expect(names('vgg11').slice(0, 2)).toEqual(['net.0.0.weight', 'net.0.0.bias']);
    expect(graphOf(at96('resnet18')).state.map((s) => s.name)).toContain('net.b5.1.bn1.running_var');
  });

  it('each model on 28×28 either fits or says the input it needs and the resize that gives it', () => {
    expect(() => buildArchitecture({ ...defaultConfig, model: 'alexnet' }, [1, 28, 28], 10)).toThrow(/AlexNet needs images of at least 65×65 pixels; this dataset's are 28×28; set Resize to 65 or more \(d2l trains it at 224×224\)/);
    expect(paramCount(buildArchitecture({ ...defaultConfig, model: 'resnet18' }, [1, 28, 28], 10))).toBe(11_178_378);
  });

  it('the smallest input of each zoo model (the README table)', () => {
    const smallest = Object.fromEntries(zoo.filter((z) => z.images).map((z) => [z.name, minInputSize(zooEntry(z.name).net({ ...defaultConfig, model: z.name }), 1, 10)]));
    // PyTorch agrees: the smallest s for which d2l's definition runs on a 1×1×s×s batch.
    expect(smallest).toEqual({ lenet: 12, 'lenet-bn': 16, alexnet: 65, vgg11: 32, nin: 67, googlenet: 1, resnet18: 1, densenet: 29, 'resnet-narrow': 1 });
  });

  it('the lab\'s narrow ResNet stays small: ≤ 0.3 M parameters and ≤ 25 M MACs at 28×28', () => {
    const s = summarize(buildArchitecture({ ...defaultConfig, model: 'resnet-narrow' }, [1, 28, 28], 10));
    expect(s.totalParams).toBeLessThanOrEqual(300_000);
    expect(s.totalMacs).toBeLessThanOrEqual(25_000_000);
  });
});
