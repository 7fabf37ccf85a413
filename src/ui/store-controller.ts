// Connects a Lit element to the TrainingStore: subscribes while connected and re-renders on change
// (lit.dev's clock-controller pattern).
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LabState, TrainingStore } from './training-store';

export class StoreController implements ReactiveController {
  private unsubscribe?: () => void;

  constructor(
    private readonly host: ReactiveControllerHost,
    readonly store: TrainingStore,
  ) {
    host.addController(this);
  }

  get state(): LabState {
    return this.store.state;
  }

  hostConnected(): void {
    this.unsubscribe = this.store.subscribe(() => this.host.requestUpdate());
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
