// What the run-file elements send up to the app shell: one typed event with the action and, for
// "open", the picked file.

export type RunFileAction = 'resume-saved' | 'discard-saved' | 'open' | 'evaluate' | 'continue-opened' | 'save-checkpoint' | 'export-onnx' | 'export-pytorch' | 'export-dataset';

export class RunFileEvent extends Event {
  static readonly eventName = 'run-file' as const;
  constructor(
    readonly action: RunFileAction,
    readonly file?: File,
  ) {
    super(RunFileEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    [RunFileEvent.eventName]: RunFileEvent;
  }
}
