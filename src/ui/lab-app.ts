// The app shell: title, adapter line, notices, and the lab's three areas (dataset, model + run buttons,
// progress). It is the one element bound to the store; everything below gets properties.
import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { labSearch } from './url-config';
import { BuiltinDatasetEvent, DatasetFilesEvent, ImportWeightsEvent } from './data-events';
import { ConfigChangeEvent, NoticeDismissEvent, RunCommandEvent } from './events';
import { labAppStyles } from './lab-app-styles';
import type { LabSession } from './lab-session';
import { RunFileEvent } from './run-file-events';
import type { RunsSession } from './runs-session';
import type { RunFilesSession } from './run-files-session';
import { sharedStyles } from './shared-styles';
import { StoreController } from './store-controller';
import { runActions, runLabel, type LabState, type TrainingStore } from './training-store';
import './dataset-card';
import './drop-zone';
import './model-form';
import './notice-list';
import './insight-panel';
import './runs-panel';
import './perf-panel';
import './progress-board';
import './resume-banner';
import './run-controls';
import './run-files-panel';

@customElement('lab-app')
export class LabApp extends LitElement {
  static override styles = [sharedStyles, labAppStyles];

  /** The lab's state; the shell re-renders when it changes. */
  @property({ attribute: false }) store?: TrainingStore;
  /** Where commands go (the engine worker's client). */
  @property({ attribute: false }) session?: LabSession;
  /** Where run-file commands go: resume, open, checkpoint, ONNX. */
  @property({ attribute: false }) files?: RunFilesSession;
  /** The runs kept in this browser (list, overlay, quota). */
  @property({ attribute: false }) runs?: RunsSession;

  private controller?: StoreController;

  constructor() {
    super();
    this.addEventListener(RunCommandEvent.eventName, this._onRunCommand);
    this.addEventListener(ConfigChangeEvent.eventName, this._onConfigChange);
    this.addEventListener(NoticeDismissEvent.eventName, this._onDismiss);
    this.addEventListener(DatasetFilesEvent.eventName, (e) => void this.session?.loadFiles(e.files, e.options).then(this.afterLoad));
    this.addEventListener(BuiltinDatasetEvent.eventName, (e) => void this.session?.loadBuiltin(e.name).then(this.afterLoad));
    // A saved run on another built-in dataset loads that dataset first: the address bar follows.
    this.addEventListener(RunFileEvent.eventName, (e) => void this.files?.handle(e).then(this.syncUrl));
    this.addEventListener(ImportWeightsEvent.eventName, (e) => {
      if (!this.files) return;
      e.preventDefault();
      void this.files.openFile(e.file);
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('store') && this.store && !this.controller) this.controller = new StoreController(this, this.store);
  }

  override render() {
    const s = this.controller?.state;
    if (!s) return html``;
    const busy = s.status === 'training' || s.status === 'stopping';
    const data = s.dataset.state === 'ready' ? s.dataset.summary : undefined;
    return html`
      <header>
        <h1>Classifier Lab</h1>
        ${this.adapterLine(s)}
      </header>
      <notice-list .notices=${s.notices}></notice-list>
      <resume-banner .saved=${s.status === 'idle' ? s.files.saved : undefined} ?busy=${s.files.task === 'resuming'} .loaded=${data?.name ?? ''}></resume-banner>
      <main>
        <div class="area data">
          <dataset-card .datasetState=${s.dataset}>
            <drop-zone slot="source" .builtin=${s.builtin ?? ''} .loading=${s.loading} .blocked=${busy ? 'Stop training to load another dataset.' : ''}></drop-zone>
          </dataset-card>
        </div>
        <div class="area model">
          <section class="card" aria-labelledby="model-title">
            <h2 id="model-title">Model</h2>
            <model-form
              .config=${s.config}
              .runConfig=${s.runConfig}
              ?bound=${busy}
              .inputShape=${data?.shape}
              .numClasses=${data?.classNames.length ?? 0}
              .splits=${data?.counts}
              ?disabled=${busy || s.files.task !== undefined}
            ></model-form>
            <run-controls .actions=${runActions(s)} ?exporting=${s.exporting} .moreEpochs=${s.config.epochs}></run-controls>
            <run-files-panel .files=${s.files} ?hasRun=${runActions(s).export && !busy} ?canOpen=${s.dataset.state === 'ready' && !busy && !s.loading}></run-files-panel>
          </section>
        </div>
        <div class="area run">
          <progress-board
            .records=${s.records}
            .count=${s.records.length}
            .progress=${s.progress}
            .startup=${s.startup}
            .status=${s.status} .message=${s.statusMessage}
            .lastEpoch=${s.lastEpoch}
            .run=${runLabel(s)}
            .savedAt=${s.savedAt ?? ''}
          ></progress-board>
          <insight-panel .validations=${s.validations} .testReport=${s.testReport} .classNames=${data?.classNames ?? []} .shape=${data?.shape ?? []} .columns=${data?.columns}
            .api=${this.session?.insight} ?hasModel=${s.runConfig !== undefined}></insight-panel>
          <runs-panel .runs=${this.runs}></runs-panel>
          <perf-panel .load=${this.loadPerf} .trigger=${`${s.status}:${s.lastEpoch?.epoch ?? 0}`}></perf-panel>
        </div>
      </main>
    `;
  }

  private adapterLine(s: LabState) {
    const g = s.gpu;
    const text = g.state === 'pending' ? 'Looking for a WebGPU adapter…' : g.state === 'ready' ? `GPU: ${g.info.adapter}` : 'No WebGPU: training runs on the CPU (slow)';
    return html`<span class="adapter muted ${g.state}" data-testid="adapter" data-state=${g.state}>${text}</span>`;
  }

  private _onRunCommand = (e: RunCommandEvent): void => {
    const session = this.session;
    if (!session) return;
    switch (e.command) {
      case 'train':
        void session.train(false);
        break;
      case 'continue':
        void session.train(true);
        break;
      case 'more':
        void session.moreEpochs(e.epochs);
        break;
      case 'stop':
        void session.stop();
        break;
      case 'export':
        void session.exportWeights();
        break;
      case 'export-best':
        void session.exportWeights('best');
        break;
      default:
        e.command satisfies never;
    }
  };

  private loadPerf = () => this.session?.profile() ?? Promise.resolve(null);

  private _onConfigChange = (e: ConfigChangeEvent): void => {
    if (!this.store) return;
    this.store.setConfig(e.patch, e.errors);
    this.syncUrl();
  };

  /** After a dataset load: the address bar names it, and the saved run says whether it can resume on it. */
  private afterLoad = (): void => {
    this.syncUrl();
    void this.files?.checkSaved();
  };

  /** The address bar follows the form and the built-in dataset, so a link reproduces the run. */
  private syncUrl = (): void => {
    if (this.store) history.replaceState(null, '', labSearch(this.store.state.config, this.store.state.builtin));
  };

  private _onDismiss = (e: NoticeDismissEvent): void => {
    if (e.id === 'all') this.store?.dismissAll();
    else this.store?.dismiss(e.id);
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'lab-app': LabApp;
  }
}
