// A run as the engine holds it, and the one place that builds it from the model floor's parts:
// DataModule, a backend (GPU through the backend factory, or the CPU reference), Classifier, Trainer.
// Every call into the backend and trainer APIs the engine makes sits here or in lab-engine.ts.
import type { Dataset } from '../data/dataset';
import type { KernelContext } from '../gpu/context';
import type { ConvTuner } from '../gpu/conv';
import type { MatmulTuner } from '../gpu/matmul';
import type { Autotuner } from '../gpu/autotune';
import type { RunFile } from '../io/checkpoint';
import type { Architecture } from '../model/architecture';
import type { Backend } from '../model/backend';
import { Classifier } from '../model/classifier';
import type { TrainConfig } from '../model/config';
import { CpuBackend } from '../model/cpu-backend';
import { DataModule } from '../model/data-module';
import { GpuBackend } from '../model/gpu-backend';
import type { MetricRecord } from '../model/metrics';
import { initParams } from '../model/params';
import { Trainer } from '../model/trainer';
import { buildArchitecture } from '../model/zoo';
import { WasmBackend } from '../model/wasm-backend';
import { chooseBackend } from './backend-choice';
import { PerfTracker } from './perf-tracker';
import { recordedKernels } from './run-snapshot';
import type { EngineEvents } from './protocol';
import { dataForModel } from './run-files';
import { ValidationLog } from './validation-log';

/** A train loss this many times its lowest so far is reported as diverging. */
export const DIVERGING = 1e6;

export interface Run {
  config: TrainConfig;
  arch: Architecture;
  data: DataModule;
  backend: Backend;
  model: Classifier;
  trainer: Trainer;
  history: MetricRecord[];
  events: EngineEvents;
  datasetName: string;
  /** The dataset as loaded (before the limit), whose fingerprint the run's files carry. */
  source: Dataset;
  /** The GPU device it runs on (null: the WebAssembly backend or the CPU reference). */
  device: GPUDevice | null;
  /** Why it runs where it runs (backend-choice.ts), recorded with the run. */
  backendReason: string;
  /** The performance figures of a GPU run. */
  perf?: PerfTracker;
  /** The engine stopped the trainer to write a checkpoint: its 'stopped' (and the next 'training') are not the user's. */
  pausing: boolean;
  quietStart: boolean;
  /** Called after each finished epoch (the engine's checkpoint). */
  afterEpoch(): Promise<void>;
  /** What each validation pass measured (confusion matrix, confidence bins), sent per epoch. */
  validations: ValidationLog;
}

export interface RunGpu {
  kc: KernelContext;
  /** "swiftshader (Google)". */
  adapter: string;
  tuner?: Autotuner;
  paceHost?: boolean;
}

/**
 * Builds a run from scratch, or (with `from`) the run a checkpoint or export describes, at its position:
 * on the GPU where `gpu` is given, else on the CPU reference.
 */
export async function buildRun(config: TrainConfig, dataset: Dataset, events: EngineEvents, gpu: RunGpu | null, from?: RunFile, gpuFailure = ''): Promise<Run> {
  events.startup?.({ phase: 'data', message: 'Preparing the data…' });
  const data = new DataModule(from ? dataForModel(dataset, from.manifest) : dataset, config.batchSize, config.seed, config.limit);
  const arch = from ? from.manifest.architecture : buildArchitecture(config, dataset.shape, dataset.classNames.length);
  const params = from ? from.params : initParams(arch, config.seed);
  // The update rule and the dropout masks' seed: the same on the GPU and on the CPU reference.
  const runOptions = {
    arch, data: data.data, batchSize: config.batchSize, weightDecay: config.weightDecay, optimizer: config.optimizer, momentum: config.momentum, seed: config.seed,
    resize: config.resize === undefined ? null : ([config.resize, config.resize] as const),
    augment: config.augment ?? null,
  };
  let backend: Backend;
  let perf: PerfTracker | undefined;
  const choice = await chooseBackend(config.backend ?? 'auto', gpu, runOptions, gpuFailure);
  events.status('training', `Training on ${choice.reason}.`);
  if (gpu && choice.kind === 'webgpu') {
    // Kernel choices recorded with the run are pinned, so the resumed run computes as the original did.
    for (const [k, v] of Object.entries((from && recordedKernels(from.manifest)) ?? {})) gpu.kc.blockChoices.set(k, v);
    const { kc, tuner } = gpu;
    kc.cache.onCompile = (c) => events.startup?.({ phase: 'compile', message: `Compiling kernels… ${c.done}/${c.requested}` });
    // The tuner with start-up messages: both of its choosers (the training step's conv passes are tuned as its products are).
    const tune = (message: string) => events.startup?.({ phase: 'tune', message });
    if (tuner) {
      const withMessages: MatmulTuner & ConvTuner = {
        choose: (p, candidates) => (tune(`Tuning matmul… (${p.rows}×${p.cols}×${p.inner})`), tuner.choose(p, candidates)),
        chooseConv: (conv, s, pass, candidates, heuristic) => (
          tune(`Tuning conv… (${pass.replace('_', ' ')}, ${s.inC}→${s.outC} ${s.kernel}×${s.kernel}/${s.stride} on ${s.h}×${s.w})`), tuner.chooseConv(conv, s, pass, candidates, heuristic)
        ),
      };
      kc.tuner = withMessages;
    }
    try {
      const gpuBackend = await GpuBackend.create({ kc, description: `webgpu: ${gpu.adapter}`, ...runOptions, paceHost: gpu.paceHost });
      backend = gpuBackend;
      // Profiled before the weights are written: the profiled step's updates are overwritten below.
      events.startup?.({ phase: 'profile', message: 'Timing one training step…' });
      perf = new PerfTracker(gpuBackend, { adapter: gpu.adapter, model: config.model, batchSize: config.batchSize }, tuner);
      await perf.profile();
    } finally {
      kc.cache.onCompile = undefined;
      kc.tuner = tuner;
    }
  } else if (choice.kind === 'wasm') {
    backend = choice.wasm ?? (await WasmBackend.create(runOptions));
  } else {
    backend = new CpuBackend({ ...runOptions, params });
  }
  backend.writeParams(params);
  if (from && from.optimizerState.size > 0) backend.writeOptimizerState(from.optimizerState);
  perf?.begin();
  const validations = new ValidationLog();
  const model = new Classifier(arch, config, forTrainer(validations.tap(backend), !(gpu && choice.kind === 'webgpu')));
  const run: Run = {
    config, arch, data, backend, model, history: from ? [...from.manifest.history] : [], events, datasetName: dataset.name, source: dataset, perf,
    device: gpu && choice.kind === 'webgpu' ? gpu.kc.device : null, backendReason: choice.reason, pausing: false, quietStart: false, afterEpoch: async () => {}, validations,
    trainer: undefined as unknown as Trainer,
  };
  const p = from?.manifest.position;
  run.trainer = makeTrainer(run, config.epochs, p ?? (from ? { epoch: from.manifest.epochsDone, step: 0, epochLossSum: 0, epochRows: 0 } : undefined));
  let least = Infinity;
  let warned = false;
  model.onPlot((r) => {
    run.history.push(r);
    run.events.metric(r);
    if (r.key !== 'loss' || r.split !== 'train') return;
    // A loss 10⁶ times its lowest is on its way to ∞: say so while the last good weights are recent.
    if (!warned && r.value > DIVERGING * least) {
      warned = true;
      run.events.status('training', `Diverging: the train loss grew from ${least.toPrecision(3)} to ${r.value.toPrecision(3)} (over 10⁶ times) and will likely become NaN; stop and lower the learning rate (now ${run.config.lr}).`);
    }
    least = Math.min(least, r.value);
  });
  return run;
}

/**
 * The backend as the trainer sees it. A range of steps whose device is lost rejects, and where the
 * trainer has several ranges in flight it awaits only the first; the others are marked handled here so
 * that their rejections are not reported as unhandled (the engine deals with the loss). A backend that
 * computes on this thread (WebAssembly, the CPU reference) returns a range already done: `yieldEach`
 * hands the event loop a turn after each, so that Stop and checkpoint requests get in between ranges.
 */
function forTrainer(backend: Backend, yieldEach: boolean): Backend {
  const turn = <T>(v: T) => new Promise<T>((ok) => setTimeout(() => ok(v), 0));
  return new Proxy(backend, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key !== 'trainSteps' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return (from: number, to: number) => {
        const called = (value as Backend['trainSteps']).call(target, from, to);
        const steps = yieldEach ? called.then(turn) : called;
        steps.catch(() => undefined);
        return steps;
      };
    },
  });
}

/** A trainer for `epochs` epochs in all, at `position` (a restored or extended run). */
export function makeTrainer(run: Run, epochs: number, position?: Trainer['position']): Trainer {
  const trainer = new Trainer(epochs, {
    progress: (p) => {
      run.perf?.progress(p);
      run.events.progress(p);
    },
    epoch: (e) => {
      run.perf?.epoch(e);
      // The epoch's statistics first, so that a listener can print them with its summary (the CLI does).
      const v = run.validations.epochDone(e.epoch);
      if (v) run.events.validation?.(v);
      run.events.epoch?.(e);
    },
    status: (s, m) => {
      // The engine's own pauses (a checkpoint mid-run) are not the user's Stop and Continue.
      if (run.pausing && s === 'stopped') return;
      if (run.quietStart && s === 'training' && !m) {
        run.quietStart = false;
        return;
      }
      run.events.status(s, m);
    },
    afterEpoch: () => run.afterEpoch(),
  });
  if (position) trainer.restore(position);
  return trainer;
}

/** The run's global step (updates applied so far). */
export function globalStep(run: Run): number {
  const p = run.trainer.position;
  return p.epoch * run.data.stepsPerEpoch + p.step;
}
