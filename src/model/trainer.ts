// d2l §sec_oo-design Trainer: `fit` runs epochs of `fitEpoch` then a validation pass. Training steps go to the
// model (its trainingStep) in ranges, at most `inFlight` outstanding, so a GPU never waits for the host; a
// range's losses arrive later, are checked for divergence, and become one point on the board.
// Stop takes effect at the next range boundary; fit() called again continues from the exact step.
import type { StepLosses } from './backend';
import { meanCorrect, meanLoss, type Classifier } from './classifier';
import type { DataModule } from './data-module';
import type { EpochSummary, Progress, RunStatus } from './metrics';
import { epochLearningRates } from './schedule';

export interface TrainerEvents {
  progress?(p: Progress): void;
  epoch?(e: EpochSummary): void;
  status?(s: RunStatus, message?: string): void;
  /** Awaited after each finished epoch, before the next starts (the engine writes its checkpoint here). */
  afterEpoch?(): Promise<void>;
}

/** Where a run stands: completed epochs, the next step of the current one, and that epoch's train loss so far. */
export interface TrainerPosition {
  epoch: number;
  step: number;
  epochLossSum: number;
  epochRows: number;
}

export interface TrainerOptions {
  /** Train-loss points (and submits) per epoch. */
  pointsPerEpoch?: number;
  /** Step ranges outstanding at once. */
  inFlight?: number;
}

export type FitResult = 'done' | 'stopped' | 'diverged';

export class Trainer {
  /** Completed epochs, and the next step within the current one. */
  epoch = 0;
  step = 0;
  private stopRequested = false;
  private lastGood: { epoch: number; params: Map<string, Float32Array> } | null = null;
  private epochLoss = { sum: 0, rows: 0 };
  private epochTime = 0;
  private epochExamples = 0;
  private secondsPerValidation = 0;

  constructor(readonly maxEpochs: number, private readonly events: TrainerEvents = {}, private readonly options: TrainerOptions = {}) {}

  /** The position, for a checkpoint (read it between ranges: after fit() returned or in afterEpoch). */
  get position(): TrainerPosition {
    return { epoch: this.epoch, step: this.step, epochLossSum: this.epochLoss.sum, epochRows: this.epochLoss.rows };
  }

  /** Puts a trainer that has not run yet at a checkpoint's position; fit() continues from there. */
  restore(p: TrainerPosition): void {
    this.epoch = p.epoch;
    this.step = p.step;
    this.epochLoss = { sum: p.epochLossSum, rows: p.epochRows };
    this.epochExamples = 0;
    this.epochTime = 0;
  }

  /** Asks a running fit() to stop at the next range boundary. */
  stop(): void {
    this.stopRequested = true;
  }

  /** d2l `fit`: trains until maxEpochs are done, Stop is pressed or the loss diverges. */
  async fit(model: Classifier, data: DataModule): Promise<FitResult> {
    this.stopRequested = false;
    if (!this.lastGood) this.lastGood = { epoch: this.epoch, params: await model.stateDict() };
    this.events.status?.('training');
    while (this.epoch < this.maxEpochs) {
      const r = await this.fitEpoch(model, data);
      if (r === 'diverged') return 'diverged';
      if (r === 'stopped') {
        this.events.status?.('stopped');
        return 'stopped';
      }
    }
    this.events.status?.('done');
    return 'done';
  }

  /** d2l `fit_epoch`: the rest of the current epoch, then its validation. */
  async fitEpoch(model: Classifier, data: DataModule): Promise<'complete' | 'stopped' | 'diverged'> {
    const steps = data.stepsPerEpoch;
    const chunk = Math.max(1, Math.ceil(steps / (this.options.pointsPerEpoch ?? 10)));
    const inFlight = this.options.inFlight ?? 2;
    if (this.step === 0) {
      this.epochLoss = { sum: 0, rows: 0 };
      this.epochTime = 0;
      this.epochExamples = 0;
    }
    const optim = model.configureOptimizers();
    model.beginEpoch(data.order(this.epoch), epochLearningRates({ ...optim, epochs: this.maxEpochs }, this.epoch, steps), this.epoch * steps);
    const pending: { to: number; result: Promise<StepLosses> }[] = [];
    let next = this.step;
    const started = performance.now();
    while (true) {
      while (!this.stopRequested && next < steps && pending.length < inFlight) {
        const to = Math.min(steps, next + chunk);
        pending.push({ to, result: model.trainingStep(next, to) });
        next = to;
      }
      const head = pending.shift();
      if (!head) break;
      const losses = await head.result;
      const bad = losses.sums.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) {
        await Promise.allSettled(pending.map((p) => p.result));
        return this.diverged(model, this.step + bad, losses.sums[bad]);
      }
      for (let i = 0; i < losses.sums.length; i++) {
        this.epochLoss.sum += losses.sums[i];
        this.epochLoss.rows += losses.rows[i];
        this.epochExamples += losses.rows[i];
      }
      this.step = head.to;
      model.clock = { step: this.epoch * steps + this.step, epoch: this.epoch + this.step / steps };
      model.plot('loss', meanLoss(losses), true);
      // d2l's board also plots train accuracy at the train points: the steps' own argmax, counted beside the loss.
      const acc = meanCorrect(losses);
      if (acc !== null) model.plot('acc', acc, true);
      const seconds = this.epochTime + (performance.now() - started) / 1000;
      this.report(data, seconds);
    }
    this.epochTime += (performance.now() - started) / 1000;
    if (this.step < steps) return 'stopped';

    const valStart = performance.now();
    model.clock = { step: (this.epoch + 1) * steps, epoch: this.epoch + 1 };
    const val = await model.validationStep();
    this.secondsPerValidation = (performance.now() - valStart) / 1000;
    if (!Number.isFinite(val.loss)) return this.diverged(model, steps - 1, val.loss);
    this.epoch++;
    this.step = 0;
    this.lastGood = { epoch: this.epoch, params: await model.stateDict() };
    this.events.epoch?.({
      epoch: this.epoch,
      train_loss: this.epochLoss.sum / this.epochLoss.rows,
      val_loss: val.loss,
      val_acc: val.acc,
      examples_per_s: this.epochExamples / this.epochTime,
      seconds: this.epochTime + this.secondsPerValidation,
    });
    await this.events.afterEpoch?.();
    return 'complete';
  }

  private report(data: DataModule, seconds: number): void {
    const rate = this.epochExamples / Math.max(seconds, 1e-9);
    const stepsLeft = (this.maxEpochs - this.epoch) * data.stepsPerEpoch - this.step;
    const epochsLeft = this.maxEpochs - this.epoch;
    this.events.progress?.({
      epoch: this.epoch + 1,
      epochs: this.maxEpochs,
      step: this.step,
      stepsPerEpoch: data.stepsPerEpoch,
      examplesPerSecond: rate,
      secondsLeft: (stepsLeft * data.batchSize) / Math.max(rate, 1e-9) + epochsLeft * this.secondsPerValidation,
    });
  }

  /** Restores the last good epoch's weights and reports where the loss stopped being finite. */
  private async diverged(model: Classifier, stepInEpoch: number, value: number): Promise<'diverged'> {
    const good = this.lastGood!;
    model.loadStateDict(good.params);
    const message =
      `Training diverged at epoch ${this.epoch + 1}, step ${stepInEpoch + 1}: the loss became ${value}. ` +
      `Try a lower learning rate (now ${model.config.lr}). The weights of epoch ${good.epoch} were kept.`;
    this.epoch = good.epoch;
    this.step = 0;
    this.events.status?.('diverged', message);
    return 'diverged';
  }
}
