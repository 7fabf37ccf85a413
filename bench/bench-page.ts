// The benchmark page that bench/run.mjs drives in headless Chromium: the lab's engine runs in its own
// worker exactly as in the lab (Comlink, OPFS-cached autotune), TensorFlow.js runs on this page, and
// `window.bench` trains either for one epoch with the settings of bench-config.ts.
import * as Comlink from 'comlink';
import { loadBuiltin } from '../src/data/builtin';
import { featureSize, type Dataset } from '../src/data/dataset';
import { datasetNpz } from '../src/io/pytorch/dataset-npz';
import type { BackendName, ModelName, PresetName } from '../src/model/config';
import type { EpochSummary, RunStatus } from '../src/model/metrics';
import type { EngineApi, EngineEvents, PerfReport } from '../src/worker/protocol';
import { benchConfig } from '../src/cli/bench-config';
import { ceilingJson, ceilingLine } from '../src/cli/bench-conv';
import { benchCeiling } from '../src/gpu/ceiling';
import { KernelContext } from '../src/gpu/context';
import { acquireGpu } from '../src/gpu/device';
import { initTfjs, tfjsEpoch, type TfjsEpoch, type TfjsFeed } from './tfjs-trainer';
import { initJax, jaxEpoch, type JaxEpoch } from './jax-trainer';

export interface LabEpoch {
  examplesPerSecond: number;
  seconds: number;
  trainLoss: number;
  valAcc: number;
  /** The validation examples valAcc counts (10,000, or the first N with `valLimit`). */
  valExamples: number;
  perf: PerfReport | null;
}

/** A benchmarked model: a zoo model with d2l's settings, or a preset (resnet-lab). */
type BenchModel = ModelName | PresetName;

export interface BenchApi {
  /** `cpu`: the --cpu benchmark (the lab's wasm backend, TF.js on wasm, jax-js on wasm). */
  init(cpu?: boolean): Promise<{ adapter: string; tfjs: string; jax?: string; userAgent: string; isolated: boolean }>;
  /** `valLimit`: the engine trains on a copy of the dataset whose validation split is the first N examples (its own backend validates them). */
  lab(model: BenchModel, limit?: number, backend?: BackendName, valLimit?: number): Promise<LabEpoch>;
  jax(model: ModelName, limit?: number, validate?: boolean): Promise<JaxEpoch>;
  tfjs(model: BenchModel, limit?: number, validate?: boolean, feed?: TfjsFeed, valLimit?: number): Promise<TfjsEpoch>;
  /** The adapter's 8x8 register-block rates (src/gpu/ceiling.ts), on a device of this page's own: the first (operands in registers), the line to print, the JSON. */
  ceiling(): Promise<{ alu: number; line: string; json: Record<string, number> }>;
}

declare global {
  interface Window {
    bench: BenchApi;
  }
}

const dataUrl = new URL('data/', location.href).href;
const worker = new Worker(new URL('../src/worker/engine-worker.ts', import.meta.url), { type: 'module', name: 'engine' });
const engine = Comlink.wrap<EngineApi>(worker);
let dataset: Dataset | null = null;

window.bench = {
  async init(cpu = false) {
    // The --cpu benchmark needs no GPU (the lab trains with --backend wasm).
    const gpu = await engine.init({ dataUrl }).catch((e: unknown) => {
      if (!cpu) throw e;
      return { adapter: `none (${e instanceof Error ? e.message : String(e)})` };
    });
    await engine.loadBuiltin('fashion-mnist');
    dataset = await loadBuiltin('fashion-mnist', async (relPath) => {
      const res = await fetch(new URL(relPath, dataUrl));
      if (!res.ok) throw new Error(`${relPath}: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    });
    const tfjs = await initTfjs(cpu ? 'wasm' : 'webgpu');
    return { adapter: gpu.adapter, tfjs, ...(cpu && { jax: await initJax() }), userAgent: navigator.userAgent, isolated: crossOriginIsolated };
  },

  async lab(model, limit, backend, valLimit) {
    await engineData(valLimit);
    let summary: EpochSummary | undefined;
    let failure = '';
    // Every member the engine may call: through Comlink an absent one is `undefined.apply` in this page.
    const events: EngineEvents = {
      metric: () => {},
      progress: () => {},
      startup: () => {},
      rewind: () => {},
      saved: () => {},
      validation: () => {},
      test: () => {},
      status: (s: RunStatus, m?: string) => {
        if (s === 'diverged' || s === 'error') failure = m ?? s;
      },
      epoch: (e: EpochSummary) => {
        summary = e;
      },
    };
    await engine.train({ ...benchConfig(model, limit), ...(backend && { backend }) }, Comlink.proxy(events), false);
    if (failure || !summary) throw new Error(`the lab's ${model} epoch failed: ${failure || 'no epoch summary'}`);
    const perf = await engine.profile();
    return { examplesPerSecond: summary.examples_per_s, seconds: summary.seconds, trainLoss: summary.train_loss, valAcc: summary.val_acc, valExamples: engineValCount, perf };
  },

  async jax(model, limit, validate = true) {
    if (!dataset) throw new Error('bench.init() first');
    return jaxEpoch(dataset, benchConfig(model, limit), validate);
  },

  async tfjs(model, limit, validate = true, feed = 'upload', valLimit) {
    if (!dataset) throw new Error('bench.init() first');
    return tfjsEpoch(dataset, benchConfig(model, limit), validate, feed, valLimit);
  },

  async ceiling() {
    const r = await acquireGpu(navigator.gpu);
    if (!r.ok) throw new Error(r.failure.message);
    try {
      const rows = await benchCeiling(new KernelContext(r.gpu.device));
      return { alu: rows[0].gflops, line: ceilingLine(rows), json: ceilingJson(rows) };
    } finally {
      r.gpu.device.destroy();
    }
  },
};

/** The validation examples of the dataset the engine holds now. */
let engineValCount = 10000;

/**
 * The engine's dataset: the built-in Fashion-MNIST, or (`valLimit`) the same training split with only the
 * first N validation examples, loaded as a data.npz (bytes scale by 1/255 as the built-in's do), so that
 * the lab validates those N on its own backend every epoch, as TF.js does with its valLimit.
 */
async function engineData(valLimit: number | undefined): Promise<void> {
  if (!dataset) throw new Error('bench.init() first');
  const want = valLimit === undefined ? dataset.val.count : Math.min(valLimit, dataset.val.count);
  if (want === engineValCount) return;
  if (want === dataset.val.count) {
    await engine.loadBuiltin('fashion-mnist');
  } else {
    const size = featureSize(dataset.shape);
    const val = { ...dataset.val, x: dataset.val.x.subarray(0, want * size), y: dataset.val.y.subarray(0, want), count: want };
    const npz = datasetNpz({ ...dataset, val });
    await engine.loadFiles([new File([npz as Uint8Array<ArrayBuffer>], `fashion-mnist-val${want}.npz`)]);
  }
  engineValCount = want;
}
