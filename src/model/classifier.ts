// d2l §sec_classification Classifier: a Module whose training step runs the loss, its gradients and the
// optimizer's update, and whose validation step reports loss and accuracy once per epoch. The Trainer
// drives a model only through these methods, as d2l's `fit_epoch` calls `training_step` and
// `validation_step`; here a step is a range of steps, so a GPU keeps ranges queued without waiting.
// The heavy lifting happens on a Backend (WebGPU, WebAssembly or the CPU reference).
import type { Architecture } from './architecture';
import type { Backend, StepLosses } from './backend';
import type { TrainConfig } from './config';
import { Module } from './module';

/** d2l `configure_optimizers`: the update rule and its learning-rate schedule. */
export interface OptimizerSpec {
  kind: TrainConfig['optimizer'];
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule: TrainConfig['schedule'];
}

export class Classifier extends Module {
  constructor(readonly arch: Architecture, readonly config: TrainConfig, readonly backend: Backend) {
    super();
  }

  /** The epoch's example order and each step's learning rate, uploaded once before its steps run. */
  beginEpoch(order: Uint32Array, lrs: Float32Array, firstGlobalStep: number): void {
    this.backend.beginEpoch(order, lrs, firstGlobalStep);
  }

  /**
   * d2l `training_step`: steps [from, to) of the epoch (loss + grads + update each); the promise resolves
   * with their loss sums. The trainer plots them when they arrive, in order.
   */
  trainingStep(from: number, to: number): Promise<StepLosses> {
    return this.backend.trainSteps(from, to);
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

  /** d2l `configure_optimizers`: the run's optimizer settings (minibatch SGD at lr 0.1 by default). */
  configureOptimizers(): OptimizerSpec {
    const c = this.config;
    return { kind: c.optimizer, lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay, schedule: c.schedule };
  }

  /** Every model tensor in file layout (PyTorch's `state_dict`): parameters and BatchNorm statistics. */
  stateDict(): Promise<Map<string, Float32Array>> {
    return this.backend.readParams();
  }

  /** PyTorch's `load_state_dict`: writes every model tensor; the optimizer starts afresh. */
  loadStateDict(tensors: Map<string, Float32Array>): void {
    this.backend.writeParams(tensors);
  }
}

/** Train accuracy of a range of steps (its correct rows over its rows); null where the backend does not count. */
export function meanCorrect(l: StepLosses): number | null {
  if (!l.correct) return null;
  let c = 0;
  let n = 0;
  for (let i = 0; i < l.correct.length; i++) {
    c += l.correct[i];
    n += l.rows[i];
  }
  return c / n;
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
