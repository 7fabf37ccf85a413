// The store's slice for run files: the checkpoint saved in this browser (offered as "Resume run"), a
// model file opened on the page (what it is, what differs, its evaluation) and the last ONNX export.
import type { Evaluation, OnnxCheck, RestoredRun, StoredRun } from '../worker/protocol';

export type RunFilesTask = 'resuming' | 'opening' | 'evaluating' | 'saving' | 'onnx' | 'pytorch' | 'dataset';

export interface OpenedRun {
  fileName: string;
  run: Omit<RestoredRun, 'history'>;
  evaluation?: Evaluation;
}

export interface RunFilesState {
  /** The run saved in this browser's storage, until the user resumes, discards or starts another. */
  saved?: StoredRun;
  /** The model file opened on the page (dropped or picked). */
  opened?: OpenedRun;
  /** The file work in progress, for "…" labels and disabled buttons. */
  task?: RunFilesTask;
  /** The last ONNX export: its file name and the runtime's parity check. */
  onnx?: { filename: string; check?: OnnxCheck };
}

export function onnxSummary(check: OnnxCheck): string {
  const agree = check.argmaxAgree === check.rows ? 'every argmax agrees' : `argmax agrees on ${check.argmaxAgree} of ${check.rows}`;
  return `${check.runtime} on ${check.rows} validation examples: largest logit difference ${check.maxAbsDiff.toExponential(1)}, ${agree}`;
}
