// Learning-rate schedules: constant, step decay (×0.1 at 50 % and 75 % of the epochs), cosine over all steps.
import { describe, expect, it } from 'vitest';
import { epochLearningRates, learningRate } from './schedule';

describe('learning-rate schedules', () => {
  it('constant keeps η', () => {
    expect([...epochLearningRates({ lr: 0.1, schedule: 'constant', epochs: 4 }, 3, 5)]).toEqual(new Array(5).fill(Math.fround(0.1)));
  });

  it('step: ×0.1 from epoch ⌊E/2⌋, ×0.01 from ⌊3E/4⌋ (0-based)', () => {
    const c = { lr: 1, schedule: 'step', epochs: 8 } as const;
    expect([0, 3, 4, 5, 6, 7].map((e) => learningRate(c, e, 0, 10))).toEqual([1, 1, 0.1, 0.1, 0.1 ** 2, 0.1 ** 2]);
  });

  it('cosine: η at the first step, η/2 halfway, → 0 at the end, monotone', () => {
    const c = { lr: 0.2, schedule: 'cosine', epochs: 2 } as const;
    expect(learningRate(c, 0, 0, 10)).toBeCloseTo(0.2, 12);
    expect(learningRate(c, 1, 0, 10)).toBeCloseTo(0.1, 12);
    expect(learningRate(c, 1, 9, 10)).toBeLessThan(0.002);
    const all = [...epochLearningRates(c, 0, 10), ...epochLearningRates(c, 1, 10)];
    expect(all.every((v, i) => i === 0 || v < all[i - 1])).toBe(true);
  });
});
