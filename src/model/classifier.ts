// d2l §sec_classification Classifier: a Module whose training step returns the loss (and, on the
// backend, its gradients and the optimizer's update), and whose validation step reports loss and
// accuracy once per epoch. The heavy lifting happens on a Backend (GPU or CPU reference).
import { accuracy as accuracyRef, softmaxCrossEntropy } from '../reference/softmax-xent';
import type { Architecture } from './architecture';
import type { Backend, StepLosses } from './backend';
import type { TrainConfig } from './config';
import { Module } from './module';

export interface OptimizerSpec {
  kind: TrainConfig['optimizer'];
  lr: number;
  momentum: number;
  weightDecay: number;
}

export class Classifier extends Module {
  constructor(readonly arch: Architecture, readonly config: TrainConfig, readonly backend: Backend) {
    super();
  }

  /** d2l `training_step`: runs steps [from, to) (loss + grads + update) and plots their mean loss. */
  async trainingStep(from: number, to: number): Promise<StepLosses> {
    const losses = await this.backend.trainSteps(from, to);
    this.plot('loss', meanLoss(losses), true);
    return losses;
  }

  /** d2l `validation_step`: loss and accuracy over the whole validation split, plotted at the epoch's end. */
  async validationStep(): Promise<{ loss: number; acc: number }> {
    const r = await this.backend.validate();
    const loss = r.lossSum / r.count;
    const acc = r.correct / r.count;
    this.plot('loss', loss, false);
    this.plot('acc', acc, false);
    return { loss, acc };
  }

  /** d2l `loss`: mean cross-entropy of (rows, classes) logits. */
  loss(logits: ArrayLike<number>, labels: ArrayLike<number>, rows: number): number {
    return softmaxCrossEntropy(logits, labels, rows, this.arch.numClasses).reduce((a, b) => a + b, 0) / rows;
  }

  /** d2l `accuracy(Y_hat, Y, averaged=True)`: argmax → == label → mean (or the count). */
  accuracy(logits: ArrayLike<number>, labels: ArrayLike<number>, rows: number, averaged = true): number {
    return accuracyRef(logits, labels, rows, this.arch.numClasses, averaged);
  }

  /** d2l `configure_optimizers`: minibatch SGD at the configured rate by default. */
  configureOptimizers(): OptimizerSpec {
    return { kind: this.config.optimizer, lr: this.config.lr, momentum: this.config.momentum, weightDecay: this.config.weightDecay };
  }
}

/** Example-weighted mean loss of a range of steps. */
export function meanLoss(l: StepLosses): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < l.sums.length; i++) {
    s += l.sums[i];
    n += l.rows[i];
  }
  return s / n;
}
