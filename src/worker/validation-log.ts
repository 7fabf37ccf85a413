// Keeps what each validation pass measured: the trainer's validation step goes through `tap`, and at
// every finished epoch the last pass becomes that epoch's EpochValidation, which the page keeps per epoch
// (confusion matrix, invalid rows, confidence bins).
import type { Backend, ValidationResult } from '../model/backend';
import type { EpochValidation } from './insight-types';

export class ValidationLog {
  /** The last pass, and the epoch whose weights it measured (0: an evaluation before or outside training). */
  last: ValidationResult | null = null;
  lastEpoch = 0;

  /** The backend with validate() recorded here; everything else passes through. */
  tap(backend: Backend): Backend {
    return new Proxy(backend, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver);
        if (key !== 'validate' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return async () => {
          const r = await (value as Backend['validate']).call(target);
          this.last = r;
          this.lastEpoch = 0;
          return r;
        };
      },
    });
  }

  /** The trainer finished `epoch` (its validation was the last pass): that epoch's statistics, where the backend counts them. */
  epochDone(epoch: number): EpochValidation | null {
    const r = this.last;
    if (!r || !r.confusion || !r.calibration) return null;
    this.lastEpoch = epoch;
    return toEpochValidation(epoch, r);
  }
}

export function toEpochValidation(epoch: number, r: ValidationResult): EpochValidation {
  return {
    epoch, count: r.count, loss: r.lossSum / r.count, acc: r.correct / r.count,
    confusion: r.confusion ?? new Uint32Array(0), invalid: r.invalid ?? 0,
    calibration: r.calibration ?? { binRows: [], binCorrect: [], binConfidence: [], trueProbability: 0, trueHistogram: [] },
  };
}
