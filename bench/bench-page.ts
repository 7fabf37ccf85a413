// The benchmark page that bench/run.mjs drives in headless Chromium: the lab's engine runs in its own
// worker exactly as in the lab (Comlink, OPFS-cached autotune), TensorFlow.js runs on this page, and
// `window.bench` trains either for one epoch with the settings of bench-config.ts.
import * as Comlink from 'comlink';
import { loadBuiltin } from '../src/data/builtin';
import type { Dataset } from '../src/data/dataset';
import type { BackendName, ModelName } from '../src/model/config';
import type { EpochSummary, RunStatus } from '../src/model/metrics';
import type { EngineApi, PerfReport } from '../src/worker/protocol';
import { benchConfig } from '../src/cli/bench-config';
import { initTfjs, tfjsEpoch, type TfjsEpoch, type TfjsFeed } from './tfjs-trainer';
import { initJax, jaxEpoch, type JaxEpoch } from './jax-trainer';

export interface LabEpoch {
  examplesPerSecond: number;
  seconds: number;
  trainLoss: number;
  valAcc: number;
  perf: PerfReport | null;
}

export interface BenchApi {
  /** `cpu`: the --cpu benchmark (the lab's wasm backend, TF.js on wasm, jax-js on wasm). */
  init(cpu?: boolean): Promise<{ adapter: string; tfjs: string; jax?: string; userAgent: string; isolated: boolean }>;
  lab(model: ModelName, limit?: number, backend?: BackendName): Promise<LabEpoch>;
  jax(model: ModelName, limit?: number, validate?: boolean): Promise<JaxEpoch>;
  tfjs(model: ModelName, limit?: number, validate?: boolean, feed?: TfjsFeed): Promise<TfjsEpoch>;
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

  async lab(model, limit, backend) {
    let summary: EpochSummary | undefined;
    let failure = '';
    const events = {
      metric: () => {},
      progress: () => {},
      status: (s: RunStatus, m?: string) => {
        if (s === 'diverged' || s === 'error') failure = m ?? s;
      },
      epoch: (e: EpochSummary) => {
        summary = e;
      },
    };
    await engine.train({ ...benchConfig(model, limit), ...(backend && { backend }) }, Comlink.proxy(events), false);
    if (failure || !summary) throw new Error(`the lab's ${model} epoch failed: ${failure || 'no epoch summary'}`);
    return { examplesPerSecond: summary.examples_per_s, seconds: summary.seconds, trainLoss: summary.train_loss, valAcc: summary.val_acc, perf: await engine.profile() };
  },

  async jax(model, limit, validate = true) {
    if (!dataset) throw new Error('bench.init() first');
    return jaxEpoch(dataset, benchConfig(model, limit), validate);
  },

  async tfjs(model, limit, validate = true, feed = 'upload') {
    if (!dataset) throw new Error('bench.init() first');
    return tfjsEpoch(dataset, benchConfig(model, limit), validate, feed);
  },
};
