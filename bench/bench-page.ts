// The benchmark page that bench/run.mjs drives in headless Chromium: the lab's engine runs in its own
// worker exactly as in the lab (Comlink, OPFS-cached autotune), TensorFlow.js runs on this page, and
// `window.bench` trains either for one epoch with the settings of bench-config.ts.
import * as Comlink from 'comlink';
import { loadBuiltin } from '../src/data/builtin';
import type { Dataset } from '../src/data/dataset';
import type { BackendName, ModelName, PresetName } from '../src/model/config';
import type { EpochSummary, RunStatus } from '../src/model/metrics';
import type { EngineApi, EngineEvents, PerfReport } from '../src/worker/protocol';
import { benchConfig } from '../src/cli/bench-config';
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
  /** `valLimit`: the accuracy of the first N validation examples, from the lab's own CPU copy of the trained weights (engine.predict). */
  lab(model: BenchModel, limit?: number, backend?: BackendName, valLimit?: number): Promise<LabEpoch>;
  jax(model: ModelName, limit?: number, validate?: boolean): Promise<JaxEpoch>;
  tfjs(model: BenchModel, limit?: number, validate?: boolean, feed?: TfjsFeed, valLimit?: number): Promise<TfjsEpoch>;
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
    const val = valLimit === undefined ? { acc: summary.val_acc, count: dataset?.val.count ?? 10000 } : await labSubsetAccuracy(valLimit);
    return { examplesPerSecond: summary.examples_per_s, seconds: summary.seconds, trainLoss: summary.train_loss, valAcc: val.acc, valExamples: val.count, perf };
  },

  async jax(model, limit, validate = true) {
    if (!dataset) throw new Error('bench.init() first');
    return jaxEpoch(dataset, benchConfig(model, limit), validate);
  },

  async tfjs(model, limit, validate = true, feed = 'upload', valLimit) {
    if (!dataset) throw new Error('bench.init() first');
    return tfjsEpoch(dataset, benchConfig(model, limit), validate, feed, valLimit);
  },
};

/** Accuracy of the run's last weights on the first `limit` validation examples (argmax, first index wins ties), in slices of 250. */
async function labSubsetAccuracy(limit: number): Promise<{ acc: number; count: number }> {
  if (!dataset) throw new Error('bench.init() first');
  const { val, shape, classNames } = dataset;
  const features = shape.reduce((a, b) => a * b, 1);
  const count = Math.min(limit, val.count);
  let correct = 0;
  for (let r = 0; r < count; r += 250) {
    const rows = Math.min(250, count - r);
    const { probs } = await engine.predict(val.x.slice(r * features, (r + rows) * features), rows);
    for (let i = 0; i < rows; i++) {
      let best = 0;
      for (let c = 1; c < classNames.length; c++) if (probs[i * classNames.length + c] > probs[i * classNames.length + best]) best = c;
      if (best === val.y[r + i]) correct++;
    }
  }
  return { acc: correct / count, count };
}
