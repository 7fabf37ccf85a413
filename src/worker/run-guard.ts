// Training a run safely: its last checkpoint kept in memory (each epoch end, every `checkpointMs` at a
// range boundary, on Stop, on request) and written to the platform's store off the training path; a
// GPU device lost mid-run (DESIGN rule 7) gets the run rebuilt on a new device from that checkpoint
// (at most MAX_DEVICE_RETRIES times), the page told how many steps are trained again.
import { encodeRunFile, type RunFile } from '../io/checkpoint';
import type { FitResult } from '../model/trainer';
import { globalStep, type Run } from './engine-run';
import { describeLoss, type DeviceLoss, type GpuSession } from './gpu-session';
import type { CheckpointStore } from './lab-engine';

/** New devices a run may get after losing one. */
export const MAX_DEVICE_RETRIES = 3;

/** What the guard needs of the engine. */
export interface GuardHost {
  readonly gpu: GpuSession;
  readonly store?: CheckpointStore;
  /** The run training now (null when none). */
  current(): Run | null;
  /** The user pressed Stop during this training call. */
  stopAsked(): boolean;
  /** The run as a full checkpoint (weights, optimizer state, position, history so far). */
  runFile(run: Run): Promise<RunFile>;
  /** The run rebuilt from a checkpoint (on the current device). */
  rebuild(run: Run, from: RunFile): Promise<Run>;
  /** Tells the page that a run moved to a new device. */
  recovered(message: string): void;
}

export class RunGuard {
  /** Milliseconds between checkpoints while a run trains. */
  checkpointMs = 30_000;
  /** How long the last mid-run checkpoint held the trainer (its read-back of weights and optimizer state). */
  lastPauseMs = 0;
  private memory: { run: Run; file: RunFile } | null = null;
  /** Checkpoint writes, one after another, off the training path. */
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly host: GuardHost) {}

  /** The last checkpoint kept in memory for `run`, if any. */
  checkpointOf(run: Run): RunFile | null {
    return this.memory?.run === run ? this.memory.file : null;
  }

  /** A run rebuilt from a file starts with that file as its checkpoint. */
  remember(run: Run, file: RunFile): void {
    this.memory = { run, file };
  }

  /**
   * Trains `run` until it is done, stopped or diverged, checkpointing as it goes; a lost device moves it
   * to a new one. Resolves once every checkpoint write has landed.
   */
  async train(run: Run): Promise<void> {
    if (this.memory?.run !== run) await this.keep(run, false);
    for (let retry = 1; ; retry++) {
      try {
        if ((await this.fit(run)) === 'stopped') await this.keep(run, true);
        break;
      } catch (e) {
        const loss = await this.lossBehind(run);
        if (!loss) throw e;
        if (retry > MAX_DEVICE_RETRIES) throw new Error(`The GPU device was lost ${retry} times (last: ${describeLoss(loss)}); giving up. Export works from the last checkpoint.`);
        run = await this.moveToNewDevice(run, { loss, retry });
      }
    }
    await this.saving;
  }

  /** fit(), paused at a range boundary every `checkpointMs` (and on request) for a checkpoint; a lost device rejects it. */
  private async fit(run: Run): Promise<FitResult> {
    const lost = this.host.gpu.lost.then((l) => Promise.reject(new Error(`GPU device lost: ${describeLoss(l)}`)));
    lost.catch(() => undefined);
    for (;;) {
      const timer = setTimeout(() => this.pause(run), this.checkpointMs);
      let result: FitResult;
      try {
        const fit = run.trainer.fit(run.model, run.data);
        fit.catch(() => undefined);
        result = await (run.device ? Promise.race([fit, lost]) : fit);
      } finally {
        clearTimeout(timer);
      }
      if (result !== 'stopped' || !run.pausing) return result;
      run.pausing = false;
      if (this.host.stopAsked()) {
        run.events.status('stopped');
        return result;
      }
      const t0 = performance.now();
      await this.keep(run, true);
      this.lastPauseMs = performance.now() - t0;
      run.quietStart = true;
    }
  }

  /** Asks the training run to stop at its next range boundary for a checkpoint, then go on. */
  pause(run: Run): void {
    if (run !== this.host.current() || run.pausing || this.host.stopAsked()) return;
    run.pausing = true;
    run.trainer.stop();
  }

  /** The run's state as the last checkpoint in memory; `save` also writes it to the store, in the background. */
  async keep(run: Run, save: boolean): Promise<void> {
    const file = await this.host.runFile(run);
    this.memory = { run, file };
    const store = this.host.store;
    if (!save || !store) return;
    const where = positionText(file);
    this.saving = this.saving.then(async () => {
      try {
        await store.save(encodeRunFile(file));
        run.events.saved?.(where);
      } catch (e) {
        run.events.status(this.host.current() === run ? 'training' : 'stopped', `The checkpoint could not be saved: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  }

  /** The device loss behind a failed fit(), if any (the lost promise may settle just after the failure). */
  private async lossBehind(run: Run): Promise<DeviceLoss | null> {
    if (!run.device) return null;
    if (this.host.gpu.loss) return this.host.gpu.loss;
    return Promise.race([this.host.gpu.lost, new Promise<null>((ok) => setTimeout(() => ok(null), 2000))]);
  }

  /** Gets a new device and rebuilds the run there from its last checkpoint; the page is told what was redone. */
  async moveToNewDevice(run: Run, lost: { loss: DeviceLoss; retry: number } | null): Promise<Run> {
    const memory = this.memory?.run === run ? this.memory.file : null;
    if (!memory) throw new Error('The GPU device was lost and the run has no checkpoint to continue from: press Train to start again.');
    const before = globalStep(run);
    if (lost) run.events.status('training', `The GPU device was lost (${describeLoss(lost.loss)}); getting a new one (try ${lost.retry} of ${MAX_DEVICE_RETRIES})…`);
    const r = await this.host.gpu.reacquire();
    if (!r.ok) throw new Error(`The GPU device was lost and no new one could be had: ${r.failure.message}`);
    const next = await this.host.rebuild(run, memory);
    next.events = run.events;
    const redo = before - globalStep(next);
    const message = `The GPU device was lost; training continues on a new device from the checkpoint at ${positionText(memory)}` +
      (lost ? `: ${redo} step${redo === 1 ? '' : 's'} since then are trained again.` : '.');
    run.events.rewind?.(memory.manifest.history.length, message);
    this.host.recovered(message);
    await this.keep(next, false);
    return next;
  }
}

/** Where a checkpoint stands: "epoch 2, step 12 of 64", or "3 of 10 epochs" at an epoch's end. */
export function positionText(f: RunFile): string {
  const p = f.manifest.position;
  return p && p.step > 0 ? `epoch ${p.epoch + 1}, step ${p.step} of ${p.stepsPerEpoch}` : `${f.manifest.epochsDone} of ${f.manifest.config.epochs} epochs`;
}
