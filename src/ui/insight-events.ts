// Events of the "what did the model learn" views: a confusion-matrix cell or a confused pair was picked
// (its examples are listed), an example was picked to look inside the model with, the own input changed.

/** Show the validation examples of true class `trueClass` predicted as `predClass`. */
export class CellPickEvent extends Event {
  static readonly eventName = 'cell-pick' as const;
  constructor(
    readonly trueClass: number,
    readonly predClass: number,
  ) {
    super(CellPickEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Look inside the model with validation example `index`. */
export class ExamplePickEvent extends Event {
  static readonly eventName = 'example-pick' as const;
  constructor(readonly index: number) {
    super(ExamplePickEvent.eventName, { bubbles: true, composed: true });
  }
}

/** The user's own input changed: its raw features, as the data stores them. */
export class FeaturesEvent extends Event {
  static readonly eventName = 'input-features' as const;
  constructor(readonly features: Uint8Array | Float32Array) {
    super(FeaturesEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'cell-pick': CellPickEvent;
    'example-pick': ExamplePickEvent;
    'input-features': FeaturesEvent;
  }
}
