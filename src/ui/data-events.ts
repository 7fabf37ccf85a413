// Events the drop zone sends up: files to load as a dataset, a built-in dataset picked, and a weights
// file (safetensors, told by its content) that is not a dataset and goes to whoever opens model files.
import type { DataOptions } from '../worker/protocol';

/** Files were dropped or picked: load them as one dataset with these options. */
export class DatasetFilesEvent extends Event {
  static readonly eventName = 'dataset-files' as const;
  constructor(
    readonly files: readonly File[],
    readonly options: DataOptions,
  ) {
    super(DatasetFilesEvent.eventName, { bubbles: true, composed: true });
  }
}

/** A built-in dataset was picked (fashion-mnist, mnist). */
export class BuiltinDatasetEvent extends Event {
  static readonly eventName = 'builtin-dataset' as const;
  constructor(readonly name: string) {
    super(BuiltinDatasetEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * A `.safetensors` file (an export or a checkpoint) was dropped or picked. The handler that opens it calls
 * `preventDefault()`; when none does, the drop zone says that the file is weights, not a dataset.
 */
export class ImportWeightsEvent extends Event {
  static readonly eventName = 'import-weights' as const;
  constructor(readonly file: File) {
    super(ImportWeightsEvent.eventName, { bubbles: true, composed: true, cancelable: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    [DatasetFilesEvent.eventName]: DatasetFilesEvent;
    [BuiltinDatasetEvent.eventName]: BuiltinDatasetEvent;
    [ImportWeightsEvent.eventName]: ImportWeightsEvent;
  }
}
