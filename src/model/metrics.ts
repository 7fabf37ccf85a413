// What the trainer publishes: d2l's `plot(key, value, train)` turned into data. The model never touches
// the DOM; the UI (or the CLI) subscribes to these records.

export type MetricKey = 'loss' | 'acc';
export type MetricSplit = 'train' | 'val';

export interface MetricRecord {
  /** Global optimisation step after which the value was measured. */
  step: number;
  /** x on the board: fractional for train points (epoch e, step s of n → e + s/n), integer at epoch ends. */
  epoch: number;
  key: MetricKey;
  split: MetricSplit;
  value: number;
}

export interface Progress {
  /** 1-based epoch being trained, and the step within it. */
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  examplesPerSecond: number;
  /** Seconds left for the remaining epochs at the current speed. */
  secondsLeft: number;
}

export type RunStatus = 'idle' | 'training' | 'stopping' | 'stopped' | 'done' | 'diverged' | 'error';

/** One line per finished epoch, as the CLI prints it. */
export interface EpochSummary {
  epoch: number;
  train_loss: number;
  val_loss: number;
  val_acc: number;
  examples_per_s: number;
  seconds: number;
}
