// The --cpu benchmark's second comparison: jax-js on its WebAssembly device (multi-threaded where a
// SharedArrayBuffer exists and the context has Web Workers: a cross-origin isolated page; one thread in
// Node), written as a jax-js user writes d2l's loop: the loss as a function of a parameter tree, one
// jit-compiled step of valueAndGrad + SGD. It is fed what the lab gets: the lab's seeded init (file
// layout → (in, out)), the epoch's example order, batch size and learning rate; batches are gathered and
// scaled on the CPU and uploaded per step. Dense models only (softmax regression, the MLPs).
import { init, jit, nn, numpy as np, valueAndGrad, defaultDevice } from '@jax-js/jax';
import { featureSize, type Dataset } from '../src/data/dataset';
import { graphOf } from '../src/model/architecture';
import type { TrainConfig } from '../src/model/config';
import { DataModule } from '../src/model/data-module';
import { initParams } from '../src/model/params';
import { buildArchitecture } from '../src/model/zoo';

export interface JaxEpoch {
  examplesPerSecond: number;
  seconds: number;
  trainLoss: number;
  /** NaN when the run skipped validation. */
  valAcc: number;
}

export async function initJax(): Promise<string> {
  await init('wasm');
  defaultDevice('wasm');
  const shared = typeof SharedArrayBuffer !== 'undefined' && typeof Worker !== 'undefined';
  return `jax-js (wasm, ${shared ? 'Web Workers over shared memory' : 'one thread'})`;
}

/** One dense layer's parameters, (in, out) and (out,). */
type Layer = { w: np.Array; b: np.Array };
type Params = Layer[];

/** The graph's dense layers in order, and whether a ReLU follows each (the zoo's softmax regression and MLPs). */
function denseStack(config: TrainConfig, dataset: Dataset): { layers: { name: string; in: number; out: number; relu: boolean }[] } {
  const arch = buildArchitecture(config, dataset.shape, dataset.classNames.length);
  const ops = graphOf(arch).ops.filter((op) => op.spec.type !== 'flatten');
  const layers: { name: string; in: number; out: number; relu: boolean }[] = [];
  for (const op of ops) {
    const s = op.spec as { type: string; in: number; out: number };
    if (s.type === 'dense') layers.push({ name: op.path, in: s.in, out: s.out, relu: false });
    else if (s.type === 'relu' && layers.length > 0) layers[layers.length - 1].relu = true;
    else throw new Error(`the jax-js benchmark runs dense models only, not ${s.type}`);
  }
  return { layers };
}

const copy = (p: Params): Params => p.map((l) => ({ w: l.w.ref, b: l.b.ref }));

type Step = (p: Params, x: np.Array, y: np.Array, inv: np.Array) => [np.Array, Params];
/** One jit-compiled step per model and rate, kept across epochs (a warm-up compiles it, as jax-js users do). */
const steps = new Map<string, Step>();

/** One epoch from the seeded init; the clock covers the training steps (validation is timed apart). */
export async function jaxEpoch(dataset: Dataset, config: TrainConfig, validate = true): Promise<JaxEpoch> {
  if (dataset.normalization.kind !== 'scale') throw new Error('the jax-js benchmark expects byte images scaled by a constant');
  const scale = dataset.normalization.scale;
  const data = new DataModule(dataset, config.batchSize, config.seed, config.limit);
  const arch = buildArchitecture(config, dataset.shape, dataset.classNames.length);
  const { layers } = denseStack(config, dataset);
  const init = initParams(arch, config.seed);
  const features = featureSize(dataset.shape);
  const classes = dataset.classNames.length;
  let params: Params = layers.map((l) => {
    const wt = new Float32Array(l.in * l.out);
    const file = init.get(`${l.name}.weight`)!;
    for (let o = 0; o < l.out; o++) for (let i = 0; i < l.in; i++) wt[i * l.out + o] = file[o * l.in + i];
    return { w: np.array(wt).reshape([l.in, l.out]), b: np.array(init.get(`${l.name}.bias`)!) };
  });
  const forward = (p: Params, x: np.Array) => {
    let h = x;
    p.forEach((l, i) => {
      h = np.matmul(h, l.w).add(l.b);
      if (layers[i].relu) h = nn.relu(h);
    });
    return h;
  };
  // Σ over the batch of −log softmax(z)[y] (the lab's loss sum); the gradient of its mean is taken.
  const lossSum = (p: Params, x: np.Array, y: np.Array) => nn.logSoftmax(forward(p, x)).mul(y).sum().mul(-1);
  const lr = config.lr;
  const key = JSON.stringify([layers, lr]);
  let step = steps.get(key);
  if (!step) {
    step = jit((p: Params, x: np.Array, y: np.Array, inv: np.Array) => {
      const [sum, g] = valueAndGrad((q: Params, xx: np.Array, yy: np.Array, k: np.Array) => lossSum(q, xx, yy).mul(k))(copy(p), x, y, inv.ref);
      const next = p.map((l, i) => ({ w: l.w.sub(g[i].w.mul(lr)), b: l.b.sub(g[i].b.mul(lr)) }));
      return [sum.div(inv), next] as [np.Array, Params];
    }) as Step;
    steps.set(key, step);
  }
  const order = data.order(0);
  const xs = data.data.train.x;
  const ys = data.data.train.y;
  const batchX = new Float32Array(config.batchSize * features);
  const batchY = new Float32Array(config.batchSize * classes);
  const stepCount = data.stepsPerEpoch;
  const chunk = Math.ceil(stepCount / 10);
  const n = data.numTrain;
  let total = 0;
  let pending: np.Array[] = [];
  const t0 = performance.now();
  for (let s = 0; s < stepCount; s++) {
    const rows = data.rowsAt(s);
    batchY.fill(0);
    for (let r = 0; r < rows; r++) {
      const src = order[s * config.batchSize + r];
      for (let j = 0; j < features; j++) batchX[r * features + j] = xs[src * features + j] * scale;
      batchY[r * classes + ys[src]] = 1;
    }
    const x = np.array(batchX.slice(0, rows * features)).reshape([rows, features]);
    const y = np.array(batchY.slice(0, rows * classes)).reshape([rows, classes]);
    const [sum, next] = step(params, x, y, np.array(1 / rows));
    params = next;
    pending.push(sum);
    // Loss sums read back ten times an epoch, as the lab's trainer does.
    if ((s + 1) % chunk === 0 || s === stepCount - 1) {
      for (const v of pending) total += (await v.data())[0];
      pending = [];
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  let valAcc = NaN;
  if (validate) {
    const val = dataset.val;
    let correct = 0;
    for (let r = 0; r < val.count; r += 1000) {
      const rows = Math.min(1000, val.count - r);
      const f = new Float32Array(rows * features);
      for (let i = 0; i < f.length; i++) f[i] = val.x[r * features + i] * scale;
      const z = await forward(copy(params), np.array(f).reshape([rows, features])).data();
      for (let b = 0; b < rows; b++) {
        let arg = 0;
        for (let j = 1; j < classes; j++) if (z[b * classes + j] > z[b * classes + arg]) arg = j;
        if (arg === val.y[r + b]) correct++;
      }
    }
    valAcc = correct / val.count;
  }
  params.forEach((l) => {
    l.w.dispose();
    l.b.dispose();
  });
  return { examplesPerSecond: n / seconds, seconds, trainLoss: total / n, valAcc };
}
