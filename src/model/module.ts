// d2l §sec_oo-design Module: the base of every model, here reduced to what it shares — the `plot`
// hook, which turns d2l's ProgressBoard drawing into records that subscribers (UI, CLI) receive.
import type { MetricKey, MetricRecord } from './metrics';

export type RecordListener = (r: MetricRecord) => void;

export abstract class Module {
  private readonly listeners = new Set<RecordListener>();
  /** Where the trainer is: global step and the board's x (fractional epoch). Set by the Trainer. */
  clock = { step: 0, epoch: 0 };

  /** Subscribes to plotted records; returns the unsubscribe function. */
  onPlot(fn: RecordListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** d2l `plot(key, value, train)`: a point at the trainer's current position. */
  plot(key: MetricKey, value: number, train: boolean): void {
    const r: MetricRecord = { step: this.clock.step, epoch: this.clock.epoch, key, split: train ? 'train' : 'val', value };
    for (const fn of this.listeners) fn(r);
  }
}
