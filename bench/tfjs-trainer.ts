// The comparison trainer: TensorFlow.js 4.22 on its WebGPU backend, written as a TF.js user writes d2l's
// loop (ops + tf.train.sgd / momentum / adam), fed exactly what the lab gets: the same architecture and
// initial weights (the lab's seeded init, converted to TF.js layouts), the same per-epoch example order,
// batch size, optimizer and per-step learning rate (the lab's schedule). BatchNorm as the lab's layer:
// batch mean and biased variance in training, running statistics moved by d2l's momentum after each step
// and used for validation. Each step's batch is built on the CPU and uploaded (feed 'upload', the usual TF.js loop)
// or gathered from the training set held on the GPU as one tensor (feed 'gpu').
// Train-loss sums are read back ten times an epoch with one range in flight, as the lab's trainer does.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { featureSize, type Dataset } from '../src/data/dataset';
import { graphOf, type Architecture } from '../src/model/architecture';
import type { TrainConfig } from '../src/model/config';
import { DataModule } from '../src/model/data-module';
import { initParams } from '../src/model/params';
import { learningRate } from '../src/model/schedule';
import { adamDefaults } from '../src/reference/optim';
import { buildArchitecture } from '../src/model/zoo';

export interface TfjsEpoch {
  examplesPerSecond: number;
  seconds: number;
  trainLoss: number;
  /** NaN when the run skipped validation. */
  valAcc: number;
  /** Validation examples counted (0 when skipped) and the seconds they took. */
  valExamples: number;
  valSeconds: number;
}

/** TF.js on WebGPU, or (the --cpu benchmark) on its WebAssembly backend: SIMD, threaded when the page is cross-origin isolated. */
export async function initTfjs(backend: 'webgpu' | 'wasm' = 'webgpu'): Promise<string> {
  if (backend === 'wasm') setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd });
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js could not start its ${backend} backend`);
  await tf.ready();
  return `TensorFlow.js ${tf.version.tfjs} (${tf.getBackend()})`;
}

/** Where batches come from: gathered from the training set on the GPU, or built on the CPU and uploaded. */
export type TfjsFeed = 'gpu' | 'upload';

interface TfModel {
  vars: tf.Variable[];
  /** Training: BatchNorm normalises with batch statistics and queues them for `updateRunning`. */
  forward(x: tf.Tensor2D, training: boolean): tf.Tensor2D;
  /** After a training step: running ← (1 − m)·running + m·batch statistic, per BatchNorm (the lab's order: after the forward). */
  updateRunning(): void;
  /** The running statistics (not trained). */
  state(): tf.Tensor[];
}

interface BatchNormState {
  mean: tf.Tensor1D;
  var: tf.Tensor1D;
  /** The last training forward's batch statistics, kept out of the step's tidy. */
  batch: [tf.Tensor1D, tf.Tensor1D] | null;
  momentum: number;
}

/** The architecture as TF.js ops over variables holding `params` (file layout → TF.js layout), op by op of its graph. */
function buildModel(arch: Architecture, params: Map<string, Float32Array>): TfModel {
  const vars: tf.Variable[] = [];
  const variable = (t: tf.Tensor) => {
    const v = tf.variable(t);
    vars.push(v);
    return v;
  };
  const graph = graphOf(arch);
  const norms: BatchNormState[] = [];
  let training = false;
  const steps: ((inputs: tf.Tensor[]) => tf.Tensor)[] = graph.ops.map((op) => {
    const l = op.spec as Record<string, number> & { type: string };
    const weight = params.get(`${op.path}.weight`);
    const bias = params.get(`${op.path}.bias`);
    const withBias = (t: tf.Tensor, b: tf.Tensor | null) => (b ? tf.add(t, b) : t);
    switch (l.type) {
      case 'flatten':
        // The lab flattens (C, H, W); TF.js holds images as NHWC, so go back to NCHW first.
        return ([x]) => (x.rank === 4 ? tf.transpose(x, [0, 3, 1, 2]).reshape([x.shape[0], -1]) : x);
      case 'dense': {
        // File layout (out, in) → TF.js kernel (in, out).
        const w = variable(tf.tensor2d(weight!, [l.out, l.in]).transpose());
        const b = bias ? variable(tf.tensor1d(bias)) : null;
        return ([x]) => withBias(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b);
      }
      case 'conv2d': {
        // File layout (out, in, kh, kw) → TF.js filter (kh, kw, in, out).
        const w = variable(tf.tensor4d(weight!, [l.out, l.in, l.kernel, l.kernel]).transpose([2, 3, 1, 0]));
        const b = bias ? variable(tf.tensor1d(bias)) : null;
        const pad = l.padding;
        return ([x]) => withBias(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, l.stride, pad === 0 ? 'valid' : [[0, 0], [pad, pad], [pad, pad], [0, 0]]), b);
      }
      case 'avgpool2d':
      case 'maxpool2d': {
        if (l.padding) throw new Error('the TF.js benchmark has no padded pooling');
        const pool = l.type === 'avgpool2d' ? tf.avgPool : tf.maxPool;
        return ([x]) => pool(x as tf.Tensor4D, l.kernel, l.stride, 'valid');
      }
      case 'batchnorm': {
        // x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β; statistics per channel over N, H, W (NHWC: axes 0..2) or over N.
        const gamma = variable(tf.tensor1d(weight!));
        const beta = variable(tf.tensor1d(bias!));
        const st: BatchNormState = {
          mean: tf.tensor1d(params.get(`${op.path}.running_mean`)!), var: tf.tensor1d(params.get(`${op.path}.running_var`)!), batch: null, momentum: l.momentum,
        };
        norms.push(st);
        const axes = l.spatial ? [0, 1, 2] : [0];
        return ([x]) => {
          let mean: tf.Tensor = st.mean;
          let variance: tf.Tensor = st.var;
          if (training) {
            mean = tf.mean(x, axes);
            // Biased variance (÷ N), as the lab normalises and moves its running variance with it.
            variance = tf.mean(tf.square(tf.sub(x, mean)), axes);
            st.batch = [tf.keep(mean) as tf.Tensor1D, tf.keep(variance) as tf.Tensor1D];
          }
          return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, l.eps))), gamma), beta);
        };
      }
      case 'globalavgpool':
        return ([x]) => tf.mean(x, [1, 2], true);
      case 'relu':
        return ([x]) => tf.relu(x);
      case 'sigmoid':
        return ([x]) => tf.sigmoid(x);
      case 'add':
        return ([a, b]) => tf.add(a, b);
      case 'concat':
        return (xs) => tf.concat(xs, xs[0].rank === 4 ? 3 : 1);
      default:
        throw new Error(`the TF.js benchmark has no ${l.type} layer`);
    }
  });
  const [c, h, w] = arch.inputShape;
  const image = arch.inputShape.length === 3 && graph.ops.some((op) => op.spec.type === 'conv2d');
  return {
    vars,
    state: () => norms.flatMap((n) => [n.mean, n.var]),
    updateRunning: () => {
      for (const n of norms) {
        if (!n.batch) continue;
        const [bm, bv] = n.batch;
        const m = n.momentum;
        const next = tf.tidy(() => [tf.add(tf.mul(n.mean, 1 - m), tf.mul(bm, m)), tf.add(tf.mul(n.var, 1 - m), tf.mul(bv, m))] as tf.Tensor1D[]);
        tf.dispose([n.mean, n.var, bm, bv]);
        [n.mean, n.var] = next;
        n.batch = null;
      }
    },
    forward: (x, train) => {
      training = train;
      const values: tf.Tensor[] = [image ? x.reshape([x.shape[0], c, h, w]).transpose([0, 2, 3, 1]) : x];
      graph.ops.forEach((op, i) => (values[op.output] = steps[i](op.inputs.map((t) => values[t]))));
      return values[graph.output] as tf.Tensor2D;
    },
  };
}

/** Bytes → floats × scale, as a [count, features] tensor on the GPU (uploaded in slices). */
function featuresTensor(x: Dataset['train']['x'], count: number, features: number, scale: number): tf.Tensor2D {
  const parts: tf.Tensor2D[] = [];
  const rowsPer = 4096;
  for (let r = 0; r < count; r += rowsPer) {
    const n = Math.min(rowsPer, count - r);
    const f = new Float32Array(n * features);
    for (let i = 0; i < f.length; i++) f[i] = x[r * features + i] * scale;
    parts.push(tf.tensor2d(f, [n, features]));
  }
  const all = tf.concat(parts, 0);
  parts.forEach((p) => p.dispose());
  return all;
}

/** The lab's optimizer as TF.js's: SGD, SGD + momentum (v ← μ·v + g; p ← p − η·v) or Adam with the lab's β1, β2, ε. */
function optimizerOf(config: TrainConfig): { optimizer: tf.Optimizer; setLr(lr: number): void } {
  if (config.weightDecay !== 0) throw new Error(`the TF.js benchmark has no weight decay (${config.weightDecay})`);
  switch (config.optimizer) {
    case 'sgd':
    case 'momentum': {
      const o = config.optimizer === 'sgd' ? tf.train.sgd(config.lr) : tf.train.momentum(config.lr, config.momentum);
      return { optimizer: o, setLr: (lr) => o.setLearningRate(lr) };
    }
    case 'adam': {
      // TF.js: p ← p − η·m̂/(√v̂ + ε), m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t): ε outside the root, as the lab's
      // optim.wgsl (β^t: TF.js multiplies an accumulator each step, the lab takes the power).
      const o = tf.train.adam(config.lr, adamDefaults.beta1, adamDefaults.beta2, adamDefaults.eps);
      // Adam reads `learningRate` at each update (SGD caches a scalar: setLearningRate).
      return { optimizer: o, setLr: (lr) => ((o as unknown as { learningRate: number }).learningRate = lr) };
    }
    default:
      return config.optimizer satisfies never;
  }
}

/**
 * One epoch from the seeded init; the clock covers the training steps (validation is timed apart, as in
 * the lab). `validate` false skips the validation pass (warm-ups, and repetitions whose accuracy, from
 * the same init and order, is the last one's); `valLimit` validates on the first N validation examples.
 */
export async function tfjsEpoch(dataset: Dataset, config: TrainConfig, validate = true, feed: TfjsFeed = 'gpu', valLimit?: number): Promise<TfjsEpoch> {
  if (dataset.normalization.kind !== 'scale') throw new Error('the TF.js benchmark expects byte images scaled by a constant');
  const scale = dataset.normalization.scale;
  const data = new DataModule(dataset, config.batchSize, config.seed, config.limit);
  const arch = buildArchitecture(config, dataset.shape, dataset.classNames.length);
  const features = featureSize(dataset.shape);
  const classes = dataset.classNames.length;
  const n = data.numTrain;
  const model = buildModel(arch, initParams(arch, config.seed));
  const xAll = feed === 'gpu' ? featuresTensor(data.data.train.x, n, features, scale) : tf.zeros([1, features]);
  const yAll = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(data.data.train.y.subarray(0, n)), 'int32'), classes));
  const xs = data.data.train.x;
  const batchX = new Float32Array(config.batchSize * features);
  /** The batch's rows, gathered and scaled on the CPU (feed 'upload'). */
  const upload = (from: number, rows: number) => {
    for (let r = 0; r < rows; r++) {
      const src = order[from + r] * features;
      for (let j = 0; j < features; j++) batchX[r * features + j] = xs[src + j] * scale;
    }
    return tf.tensor2d(batchX.subarray(0, rows * features), [rows, features]);
  };
  const { optimizer, setLr } = optimizerOf(config);
  const order = Int32Array.from(data.order(0));
  const steps = data.stepsPerEpoch;
  const chunk = Math.ceil(steps / 10);
  let lossSum = 0;
  let inFlight: Promise<void> | null = null;
  const t0 = performance.now();
  let range = tf.scalar(0);
  for (let s = 0; s < steps; s++) {
    const rows = data.rowsAt(s);
    const idx = tf.tensor1d(order.subarray(s * config.batchSize, s * config.batchSize + rows), 'int32');
    const uploaded = feed === 'upload' ? upload(s * config.batchSize, rows) : null;
    if (config.schedule !== 'constant') setLr(learningRate(config, 0, s, steps));
    const cost = optimizer.minimize(() => {
      const xb = uploaded ?? (tf.gather(xAll, idx) as tf.Tensor2D);
      const yb = tf.gather(yAll, idx);
      return tf.losses.softmaxCrossEntropy(yb, model.forward(xb, true)) as tf.Scalar;
    }, true, model.vars)!;
    model.updateRunning();
    const next = tf.tidy(() => tf.add(range, tf.mul(cost, rows)) as tf.Scalar);
    range.dispose();
    range = next;
    cost.dispose();
    idx.dispose();
    uploaded?.dispose();
    if ((s + 1) % chunk === 0 || s === steps - 1) {
      const done = range;
      range = tf.scalar(0);
      const read = done.data().then((v) => {
        lossSum += v[0];
        done.dispose();
      });
      if (inFlight) await inFlight;
      inFlight = read;
    }
  }
  await inFlight;
  const seconds = (performance.now() - t0) / 1000;
  range.dispose();
  const v0 = performance.now();
  const valAcc = validate ? await tfjsAccuracy(dataset, model, features, scale, valLimit) : NaN;
  const valSeconds = (performance.now() - v0) / 1000;
  const valExamples = validate ? Math.min(valLimit ?? dataset.val.count, dataset.val.count) : 0;
  tf.dispose([xAll, yAll, ...model.vars, ...model.state()]);
  optimizer.dispose();
  return { examplesPerSecond: n / seconds, seconds, trainLoss: lossSum / n, valAcc, valExamples, valSeconds };
}

/** Validation accuracy on the first `limit` examples (all by default): argmax over the classes == label, counted in batches of 250 (a ResNet forward holds every intermediate until its tidy ends). */
async function tfjsAccuracy(dataset: Dataset, model: TfModel, features: number, scale: number, limit?: number): Promise<number> {
  const val = dataset.val;
  const count = Math.min(limit ?? val.count, val.count);
  let correct = 0;
  for (let r = 0; r < count; r += 250) {
    const rows = Math.min(250, count - r);
    const x = featuresTensor(val.x.subarray(r * features, (r + rows) * features), rows, features, scale);
    const hits = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(model.forward(x, false), 1), tf.tensor1d(Int32Array.from(val.y.subarray(r, r + rows)), 'int32')), 'int32')));
    correct += (await hits.data())[0];
    tf.dispose([x, hits]);
  }
  return correct / count;
}
