// The train command's options: a preset (the model's d2l settings unless --preset says otherwise)
// overridden by flags, and clear messages for values the lab cannot train with.
import { describe, expect, it } from 'vitest';
import { presets } from '../model/config';
import { parseTrainArgs } from './args';

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

  it.each([
    [['--model', 'resnet'], /--model: "resnet" is not a model \(one of softmax, mlp, lenet, lenet-bn\)/],
    [['--preset', 'fast'], /--preset: "fast" is not a preset/],
    [['--preset', 'lenet-lab', '--model', 'mlp'], /--preset lenet-lab trains lenet, not mlp/],
    [['--optimizer', 'rmsprop'], /Invalid optimizer: "rmsprop" \(one of sgd, momentum, adam\)/],
    [['--pool', 'min'], /Invalid pool: "min"/],
    [['--init', 'zeros'], /Invalid init: "zeros"/],
    [['--activation', 'tanh'], /Invalid activation: "tanh"/],
    [['--schedule', 'linear'], /Invalid schedule: "linear"/],
    [['--dropout', '1'], /Invalid dropout: 1 \(0 ≤ p < 1\)/],
    [['--dropout', 'half'], /--dropout: "half" is not a number/],
    [['--weight-decay=-1'], /Invalid weight decay: -1/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseTrainArgs(argv as string[])).toThrow(message);
  });
});
