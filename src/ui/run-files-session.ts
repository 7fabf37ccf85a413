// The page's side of run files: the saved run (check on load, resume, discard), model files opened on
// the page (evaluate, continue training), checkpoint download and ONNX export. The worker does the work;
// this turns its answers into store updates and notices.
import type * as Comlink from 'comlink';
import type { EngineApi, RestoredRun } from '../worker/protocol';
import { downloadBytes } from './download';
import { errorMessage } from './format';
import type { LabSession } from './lab-session';
import type { RunFileEvent } from './run-file-events';
import { onnxSummary, type RunFilesTask } from './run-files-state';
import type { TrainingStore } from './training-store';

export class RunFilesSession {
  constructor(
    private readonly store: TrainingStore,
    private readonly api: Comlink.Remote<EngineApi>,
    private readonly lab: LabSession,
  ) {}

  /** Runs what a run-file element asked for. */
  async handle(e: RunFileEvent): Promise<void> {
    switch (e.action) {
      case 'resume-saved':
        return this.resumeSaved();
      case 'discard-saved':
        return this.discardSaved();
      case 'open':
        return e.file ? this.openFile(e.file) : undefined;
      case 'evaluate':
        return this.evaluate();
      case 'continue-opened':
        return this.continueOpened();
      case 'save-checkpoint':
        return this.downloadCheckpoint();
      case 'export-onnx':
        return this.exportOnnx();
      case 'export-pytorch':
        return this.download('pytorch', () => this.api.exportPytorch(), 'The PyTorch project was not exported');
      case 'export-dataset':
        return this.download('dataset', () => this.api.exportDataset(), 'The dataset was not exported');
      default:
        e.action satisfies never;
    }
  }

  /** Looks for a run saved in this browser (after the dataset has loaded). */
  async checkSaved(): Promise<void> {
    try {
      const saved = await this.api.storedRun();
      this.store.setFiles({ saved: saved ?? undefined });
    } catch (e) {
      this.store.notify('warning', `The run saved in this browser could not be read: ${errorMessage(e)}`);
    }
  }

  /**
   * Rebuilds the saved run with its curves and, unless it had finished, continues training it. A run
   * saved on another built-in dataset loads that dataset first.
   */
  async resumeSaved(): Promise<void> {
    const saved = this.store.state.files.saved;
    if (saved && saved.differences.length > 0 && saved.builtin) {
      this.store.setFiles({ task: 'resuming' });
      try {
        await this.lab.loadBuiltin(saved.builtin);
      } finally {
        this.store.setFiles({ task: undefined });
      }
    }
    const restored = await this.task('resuming', () => this.api.resumeStored(), 'The saved run could not be resumed');
    if (!restored) return;
    this.store.setFiles({ saved: undefined, opened: undefined });
    this.restore(restored);
    if (restored.status === 'stopped') await this.lab.train(true);
  }

  async discardSaved(): Promise<void> {
    await this.task('resuming', () => this.api.discardStored(), 'The saved run could not be discarded');
    this.store.setFiles({ saved: undefined });
  }

  /** Opens a checkpoint or export: the model is rebuilt on the loaded dataset, ready to evaluate or continue. */
  async openFile(file: File): Promise<void> {
    const restored = await this.task('opening', async () => this.api.openRun(new Uint8Array(await file.arrayBuffer()), file.name), `${file.name} was not opened`);
    if (!restored) return;
    const { history: _history, ...run } = restored;
    this.store.setFiles({ opened: { fileName: file.name, run }, saved: undefined });
    this.restore(restored);
  }

  async evaluate(): Promise<void> {
    const evaluation = await this.task('evaluating', () => this.api.evaluate(), 'Evaluation failed');
    const opened = this.store.state.files.opened;
    if (evaluation && opened) this.store.setFiles({ opened: { ...opened, evaluation } });
    // The evaluated model's confusion matrix and calibration, in the insight views.
    if (evaluation?.validation) this.store.addValidation(evaluation.validation);
  }

  /** Continues the opened run; a finished one gets the form's epochs on top of its own. */
  async continueOpened(): Promise<void> {
    const opened = this.store.state.files.opened;
    if (!opened) return;
    this.store.setFiles({ opened: undefined });
    if (opened.run.status === 'done') await this.lab.moreEpochs(this.store.state.config.epochs);
    else await this.lab.train(true);
  }

  async downloadCheckpoint(): Promise<void> {
    const file = await this.task('saving', () => this.api.checkpoint(), 'The checkpoint was not saved');
    if (file) downloadBytes(file.bytes, file.filename);
  }

  /** Exports ONNX; the worker first runs the graph with onnxruntime-web against the lab's forward pass. */
  async exportOnnx(): Promise<void> {
    const file = await this.task('onnx', () => this.api.exportOnnx({ softmax: true }), 'ONNX export failed');
    if (!file) return;
    this.store.setFiles({ onnx: { filename: file.filename, check: file.check } });
    const c = file.check;
    if (c && (!c.withinTolerance || c.argmaxAgree !== c.rows)) {
      this.store.notify('error', `The ONNX graph disagrees with the lab (${onnxSummary(c)}); it was not downloaded.`);
      return;
    }
    downloadBytes(file.bytes, file.filename);
  }

  /** Runs an export in the worker and downloads its file. */
  private async download(task: RunFilesTask, work: () => Promise<{ bytes: Uint8Array; filename: string }>, failure: string): Promise<void> {
    const file = await this.task(task, work, failure);
    if (file) downloadBytes(file.bytes, file.filename);
  }

  private restore(r: RestoredRun): void {
    this.store.restoreRun(r.config, r.history, r.status);
    if (r.differences.length > 0) this.store.notify('warning', `The model was trained on ${r.datasetName}; the loaded dataset differs in ${r.differences.join(', ')}.`);
    r.notes.forEach((n) => this.store.notify('info', n));
  }

  /** Runs a file task; its failure is a notice on the task's topic, which its next success clears. */
  private async task<T>(task: RunFilesTask, work: () => Promise<T>, failure: string): Promise<T | undefined> {
    this.store.setFiles({ task });
    try {
      const out = await work();
      this.store.clearTopic(task);
      return out;
    } catch (e) {
      this.store.notify('error', `${failure}: ${errorMessage(e)}`, task);
      return undefined;
    } finally {
      this.store.setFiles({ task: undefined });
    }
  }
}
