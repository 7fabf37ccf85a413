// The train command's options: a preset (the model's d2l settings unless --preset says otherwise)
// overridden by flags, and clear messages for values the lab cannot train with.
import { describe, expect, it } from 'vitest';
import { presets, settingList } from '../model/config';
import { parseTrainArgs, settingsUsage, trainOptions } from './args';

describe('parseTrainArgs', () => {
  it('--model starts from its d2l preset; flags override it', () => {
    const { config } = parseTrainArgs(['--model', 'lenet', '--epochs', '3']);
    expect(config).toMatchObject({ model: 'lenet', epochs: 3, activation: 'sigmoid', pool: 'avg', init: 'xavier-uniform', batchSize: 128, lr: 0.1, optimizer: 'sgd' });
    const { config: c } = parseTrainArgs(['--model', 'lenet', '--activation', 'relu', '--pool', 'max', '--init', 'he', '--optimizer', 'adam', '--lr', '0.001', '--schedule', 'cosine', '--weight-decay', '1e-4']);
    expect(c).toMatchObject({ activation: 'relu', pool: 'max', init: 'he', optimizer: 'adam', lr: 0.001, schedule: 'cosine', weightDecay: 1e-4 });
  });

  it('--preset picks named settings; mlp takes --hidden and --dropout', () => {
    expect(parseTrainArgs(['--preset', 'lenet-lab']).config).toMatchObject(presets['lenet-lab'].settings);
    expect(parseTrainArgs(['--model', 'mlp', '--hidden', '256,128', '--dropout', '0.2']).config).toMatchObject({ model: 'mlp', hidden: [256, 128], dropout: 0.2 });
    expect(parseTrainArgs([]).config.model).toBe('softmax');
  });

  it('takes a flag for every setting of the schema, and its usage lists them', () => {
    for (const s of settingList) expect(trainOptions, s.name).toHaveProperty(s.name);
    const usage = settingsUsage('  ');
    for (const s of settingList) expect(usage).toContain(`--${s.name} `);
    expect(usage).toContain('--batch-size 256');
    expect(usage).toMatch(/--optimizer NAME +the update rule \(one of sgd, momentum, adam\)/);
    expect(usage).toContain('--pool max|avg');
  });

  it.each([
    [['--model', 'resnet'], /--model: "resnet" is not a model \(one of softmax, mlp, lenet, lenet-bn/],
    [['--preset', 'fast'], /--preset: "fast" is not a preset/],
    [['--preset', 'lenet-lab', '--model', 'mlp'], /--preset lenet-lab trains lenet, not mlp/],
    [['--optimizer', 'rmsprop'], /--optimizer: "rmsprop" is not one of sgd, momentum, adam/],
    [['--pool', 'min'], /--pool: "min" is not one of max, avg/],
    [['--init', 'zeros'], /--init: "zeros" is not one of normal, xavier-uniform, he/],
    [['--activation', 'tanh'], /--activation: "tanh" is not one of relu, sigmoid/],
    [['--schedule', 'linear'], /--schedule: "linear" is not one of constant, step, cosine/],
    [['--dropout', '1'], /--dropout: "1" is not a number in \[0, 1\)/],
    [['--dropout', 'half'], /--dropout: "half" is not a number in \[0, 1\)/],
    [['--weight-decay=-1'], /--weight-decay: "-1" is not a number ≥ 0/],
    [['--batch-size', '12px'], /--batch-size: "12px" is not a whole number ≥ 1/],
    [['--lr', '0x1F'], /--lr: "0x1F" is not a number > 0/],
    [['--hidden', '256,'], /--hidden: "256," is not sizes like 256 or 256,128/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseTrainArgs(argv as string[])).toThrow(message);
  });
});
