// Learning-rate schedules, evaluated per step on the host and uploaded with the epoch's step uniforms.
//   constant: η
//   step:     η · 0.1^k after k of the milestones at 50 % and 75 % of the epochs
//   cosine:   η · (1 + cos(π t / T)) / 2 over all T steps of the run
import type { TrainConfig } from './config';

export function learningRate(c: Pick<TrainConfig, 'lr' | 'schedule' | 'epochs'>, epoch: number, step: number, stepsPerEpoch: number): number {
  switch (c.schedule) {
    case 'constant':
      return c.lr;
    case 'step': {
      const milestones = [Math.floor(c.epochs * 0.5), Math.floor(c.epochs * 0.75)].filter((m) => m > 0);
      return c.lr * 0.1 ** milestones.filter((m) => epoch >= m).length;
    }
    case 'cosine': {
      const t = epoch * stepsPerEpoch + step;
      const total = c.epochs * stepsPerEpoch;
      return (c.lr * (1 + Math.cos((Math.PI * t) / total))) / 2;
    }
    default:
      return c.schedule satisfies never;
  }
}

/** The learning rate of every step of one epoch. */
export function epochLearningRates(c: Pick<TrainConfig, 'lr' | 'schedule' | 'epochs'>, epoch: number, stepsPerEpoch: number): Float32Array {
  return Float32Array.from({ length: stepsPerEpoch }, (_, s) => learningRate(c, epoch, s, stepsPerEpoch));
}
