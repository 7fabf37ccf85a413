// Events that go up from the elements to the app shell: typed Event subclasses with a static name,
// registered in HTMLElementEventMap so listeners get the subclass.
import type { TrainConfig } from '../model/config';

export type RunCommand = 'train' | 'stop' | 'continue' | 'more' | 'export' | 'export-best';

/** A run button was pressed (`epochs`: how many more, for 'more'). */
export class RunCommandEvent extends Event {
  static readonly eventName = 'run-command' as const;
  constructor(
    readonly command: RunCommand,
    readonly epochs = 0,
  ) {
    super(RunCommandEvent.eventName, { bubbles: true, composed: true });
  }
}

/** The form changed: `patch` holds the fields that parsed; `errors` every field that does not, by name. */
export class ConfigChangeEvent extends Event {
  static readonly eventName = 'config-change' as const;
  constructor(
    readonly patch: Partial<TrainConfig>,
    readonly errors: Readonly<Record<string, string>>,
  ) {
    super(ConfigChangeEvent.eventName, { bubbles: true, composed: true });
  }
}

/** The architecture text was edited: it builds on the loaded data (error null), or why it does not. */
export class ArchitectureEditEvent extends Event {
  static readonly eventName = 'architecture-edit' as const;
  constructor(
    readonly text: string,
    readonly error: string | null,
  ) {
    super(ArchitectureEditEvent.eventName, { bubbles: true, composed: true });
  }
}

/** A notice's close button (an id) or "Dismiss all" ('all') was pressed. */
export class NoticeDismissEvent extends Event {
  static readonly eventName = 'notice-dismiss' as const;
  constructor(readonly id: number | 'all') {
    super(NoticeDismissEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    [RunCommandEvent.eventName]: RunCommandEvent;
    [ConfigChangeEvent.eventName]: ConfigChangeEvent;
    [NoticeDismissEvent.eventName]: NoticeDismissEvent;
  }
}
