// Every wasm kernel against its CPU reference on odd sizes (rows not a multiple of a tile, features not
// multiples of 4), on one thread and on three; and a whole training step's ops on 1, 2 and 4 threads,
// bit for bit. Tolerances (STYLE.md): f32 forward |w − ref| ≤ 1e-5 + 1e-4·|ref|, gradients 1e-4 + 1e-3·|ref|;
// counts, masks, gathers and transposes exactly.
import { describe, expect, it } from 'vitest';
import { matmulNN as refNN, matmulNT as refNT, matmulTN as refTN } from '../reference/matmul';
import { accuracy, softmaxCrossEntropy, softmaxCrossEntropyBackward } from '../reference/softmax-xent';
import { dropoutKey, dropoutMask } from '../reference/dropout';
import { adamUpdate, momentumUpdate, sgdUpdate } from '../reference/optim';
import { sigmoidForward, tanhForward } from '../reference/layers';
import { streamKey, uniform } from '../reference/random';
import { defaultStep, Harness } from './harness';
import {
  accuracyOp, activationOp, colsumOp, dropoutOp, gatherOp, gradSumOp, lossSumOp, mat, matmulNN, matmulTN, optimizerOp, pad4, softmaxXentOp, transposeOp,
} from './ops';
import type { EpilogueName } from './abi';
import type { Op, StepRecord } from './program';

/** Uniform values in [lo, hi) from a seeded stream, rounded to f32. */
function values(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const key = streamKey(seed, 99);
  return Float32Array.from({ length: n }, (_, i) => lo + (hi - lo) * uniform(key, i));
}

/** A (rows, cols) matrix padded to pad4(cols) columns with zeros, and its dense copy. */
function padded(rows: number, cols: number, seed: number, lo = -1, hi = 1): { data: Float32Array; dense: Float32Array } {
  const dense = values(rows * cols, seed, lo, hi);
  const s = pad4(cols);
  const data = new Float32Array(rows * s);
  for (let r = 0; r < rows; r++) data.set(dense.subarray(r * cols, (r + 1) * cols), r * s);
  return { data, dense };
}

/** Max of |got − want| − tol(want) over the real columns (≤ 0 passes), and whether the padding is zero. */
function check(got: Float32Array, want: ArrayLike<number>, rows: number, cols: number, atol: number, rtol: number) {
  const s = pad4(cols);
  let worst = -Infinity;
  let maxDiff = 0;
  let padZero = true;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < s; c++) {
      const g = got[r * s + c];
      if (c >= cols) {
        if (g !== 0) padZero = false;
        continue;
      }
      const w = want[r * cols + c];
      const d = Math.abs(g - w);
      maxDiff = Math.max(maxDiff, d);
      worst = Math.max(worst, d - (atol + rtol * Math.abs(w)));
    }
  }
  return { worst, maxDiff, padZero };
}

const bits = (a: ArrayLike<number>) => Array.from(Float32Array.from(a as ArrayLike<number>), (v) => new Uint32Array(Float32Array.of(v).buffer)[0]);

const epilogueCases: { epilogue: EpilogueName; bias: boolean; aux: boolean }[] = [
  { epilogue: 'none', bias: false, aux: false },
  { epilogue: 'none', bias: true, aux: false },
  { epilogue: 'relu', bias: true, aux: false },
  { epilogue: 'sigmoid', bias: true, aux: false },
  { epilogue: 'reluMask', bias: false, aux: true },
  { epilogue: 'sigmoidGrad', bias: false, aux: true },
  { epilogue: 'tanh', bias: true, aux: false },
  { epilogue: 'tanhGrad', bias: false, aux: true },
];

/** The reference epilogue on a product (f64). */
function epilogueRef(prod: Float64Array, m: number, n: number, e: (typeof epilogueCases)[number], bias: Float32Array, aux: Float32Array): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let v = prod[i * n + j] + (e.bias ? bias[j] : 0);
      const y = aux[i * n + j];
      if (e.epilogue === 'relu') v = v > 0 ? v : 0;
      if (e.epilogue === 'sigmoid') v = sigmoidForward([v])[0];
      if (e.epilogue === 'reluMask') v = y > 0 ? v : 0;
      if (e.epilogue === 'sigmoidGrad') v = v * y * (1 - y);
      if (e.epilogue === 'tanh') v = tanhForward([v])[0];
      if (e.epilogue === 'tanhGrad') v = v * (1 - y * y);
      out[i * n + j] = v;
    }
  }
  return out;
}

const shapes: [number, number, number][] = [
  [37, 29, 13], // nothing a multiple of 4 or of a tile
  [5, 3, 1],
  [70, 100, 10], // a softmax-regression-like product, two row tiles
  [33, 17, 70], // several column panels and a 4-wide tail (70 = 8·8 + 6)
];

describe('matmul', () => {
  describe.each(['nn', 'tn', 'nt'] as const)('%s', (layout) => {
    it.each(shapes)('M=%i K=%i N=%i, every epilogue, 1 and 3 threads', async (m, k, n) => {
      // Logical operands: A (M, K), B (K, N); stored as the layout reads them.
      const A = padded(layout === 'tn' ? k : m, layout === 'tn' ? m : k, 1);
      const B = padded(layout === 'nt' ? n : k, layout === 'nt' ? k : n, 2);
      const bias = padded(1, n, 3).data;
      const aux = padded(m, n, 4, 0.01, 0.99); // sigmoid outputs and relu masks alike: (0, 1), some below 0.5
      for (let i = 0; i < aux.dense.length; i += 3) aux.dense[i] = aux.data[Math.floor(i / n) * pad4(n) + (i % n)] = -0.5;
      const prod = layout === 'nn' ? refNN(A.dense, B.dense, m, k, n) : layout === 'tn' ? refTN(A.dense, B.dense, k, m, n) : refNT(A.dense, B.dense, m, k, n);
      for (const e of epilogueCases) {
        const results: Float32Array[] = [];
        for (const threads of [1, 3]) {
          const h = new Harness();
          const a = h.put('a', A.data);
          const b = h.put('b', B.data);
          const biasAt = h.put('bias', bias);
          const auxAt = h.put('aux', aux.data);
          const c = h.alloc('c', m * pad4(n) * 4);
          const opts = { epilogue: e.epilogue, bias: e.bias ? biasAt : 0, aux: e.aux ? auxAt : 0 };
          const cm = mat(c, m, n);
          const ops: Op[][] = [];
          if (layout === 'nn') ops.push([matmulNN('nn', mat(a, m, k), mat(b, k, n), cm, opts)]);
          if (layout === 'tn') ops.push([matmulTN('tn', mat(a, k, m), mat(b, k, n), cm, opts)]);
          if (layout === 'nt') {
            const bt = h.alloc('bt', k * pad4(n) * 4);
            ops.push([transposeOp('pack', mat(b, n, k), mat(bt, k, n))], [matmulNN('nt', mat(a, m, k), mat(bt, k, n), cm, opts)]);
          }
          const pool = await h.run(ops, threads);
          results.push(Float32Array.from(pool.f32(c, m * pad4(n))));
        }
        const want = epilogueRef(prod, m, n, e, bias, aux.dense);
        const r = check(results[0], want, m, n, 1e-5, 1e-4);
        expect(r.worst, `${e.epilogue}${e.bias ? '+bias' : ''}: max |diff| ${r.maxDiff}`).toBeLessThanOrEqual(0);
        expect(r.padZero, `${e.epilogue}: padding columns written as 0`).toBe(true);
        expect(bits(results[1]), `${e.epilogue}: 3 threads = 1 thread`).toEqual(bits(results[0]));
      }
    });
  });
});

describe('colsum (bias gradient)', () => {
  it.each([[37, 13], [256, 70], [1, 3]])('%i rows × %i columns, in row order', async (rows, cols) => {
    const src = padded(rows, cols, 5);
    const h = new Harness();
    const s = h.put('src', src.data);
    const d = h.alloc('dst', pad4(cols) * 4);
    const pool = await h.run([[colsumOp('db', mat(s, rows, cols), d)]], 2);
    const want = new Float64Array(cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) want[c] += src.dense[r * cols + c];
    const r = check(pool.f32(d, pad4(cols)), want, 1, cols, 1e-4, 1e-3);
    expect(r.worst, `max |diff| ${r.maxDiff}`).toBeLessThanOrEqual(0);
    expect(r.padZero).toBe(true);
  });
});

describe('gather', () => {
  it.each([
    ['u8', 13],
    ['u8', 784],
    ['f32', 7],
  ] as const)('%s rows of %i features, by the epoch order, normalised as the reference does', async (dtype, features) => {
    const n = 50;
    const rows = 19;
    const raw = dtype === 'u8' ? Uint8Array.from(values(n * features, 6, 0, 256), Math.floor) : values(n * features, 6, -3, 3);
    const labels = Uint32Array.from({ length: n }, (_, i) => (i * 7) % 10);
    const order = Uint32Array.from({ length: n }, (_, i) => (i * 31 + 5) % n);
    const scale = padded(1, features, 7, 0.5, 2).data;
    const shift = padded(1, features, 8).data;
    const h = new Harness();
    const at = {
      data: h.put('data', raw), labels: h.put('labels', labels), order: h.put('order', order), scale: h.put('scale', scale), shift: h.put('shift', shift),
      x: h.alloc('x', rows * pad4(features) * 4), y: h.alloc('y', rows * 4),
    };
    const step = { ...defaultStep, batchStart: 23 };
    const pool = await h.run([[gatherOp('gather', { rows, features, dtype, ...at })]], 2, [step]);
    const x = pool.f32(at.x, rows * pad4(features));
    const want = new Float32Array(rows * pad4(features));
    for (let b = 0; b < rows; b++) {
      const idx = order[23 + b];
      for (let j = 0; j < features; j++) want[b * pad4(features) + j] = Math.fround(Math.fround(raw[idx * features + j] * scale[j]) + shift[j]);
    }
    expect(bits(x)).toEqual(bits(want));
    expect(Array.from(pool.u32(at.y, rows))).toEqual(Array.from({ length: rows }, (_, b) => labels[order[23 + b]]));
  });
});

describe('softmax–cross-entropy, loss sum and accuracy', () => {
  it.each([
    [37, 10],
    [16, 7],
    [3, 1],
  ])('%i rows × %i classes (logits of ±80 included, label = last class)', async (rows, classes) => {
    const z = padded(rows, classes, 9, -4, 4);
    const labels = Uint32Array.from({ length: rows }, (_, b) => (b * 3) % classes);
    labels[rows - 1] = classes - 1;
    // Extreme rows: +80 on one class, −80 on the others (e^(90+) overflows f32: the max shift must hold).
    for (const b of [0, Math.min(1, rows - 1)]) {
      for (let j = 0; j < classes; j++) z.dense[b * classes + j] = z.data[b * pad4(classes) + j] = j === b % classes ? 80 : -80;
    }
    const h = new Harness();
    const zl = h.put('logits', z.data);
    const lab = h.put('labels', labels);
    const losses = h.alloc('losses', rows * 8);
    const d = h.alloc('dlogits', rows * pad4(classes) * 4);
    const out = h.alloc('out', 16);
    const counts = h.alloc('counts', 16);
    const logits = mat(zl, rows, classes);
    const step = { ...defaultStep, slot: 2 };
    const pool = await h.run([[softmaxXentOp('xent', logits, lab, losses, d), accuracyOp('acc', logits, lab, counts)], [lossSumOp('sum', rows, losses, out)]], 3, [step]);
    const want = softmaxCrossEntropy(z.dense, labels, rows, classes);
    const got = pool.f64(losses, rows);
    for (let b = 0; b < rows; b++) expect(Math.abs(got[b] - want[b]), `row ${b}: ${got[b]} vs ${want[b]}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want[b])));
    const sum = want.reduce((a, v) => a + v, 0);
    expect(pool.f32(out, 4)[2]).toBe(Math.fround(Array.from(got).reduce((a, v) => a + v, 0)));
    expect(Math.abs(pool.f32(out, 4)[2] - sum)).toBeLessThanOrEqual(1e-6 * Math.max(1, sum));
    const r = check(pool.f32(d, rows * pad4(classes)), softmaxCrossEntropyBackward(z.dense, labels, rows, classes), rows, classes, 1e-7, 1e-6);
    expect(r.worst, `dlogits max |diff| ${r.maxDiff}`).toBeLessThanOrEqual(0);
    expect(r.padZero).toBe(true);
    expect(pool.u32(counts, 1)[0]).toBe(accuracy(z.dense, labels, rows, classes, false));
  });

  it('accuracy: ties go to the first index, a row with a NaN is wrong, ±Inf are values', async () => {
    const classes = 5;
    const rows = [
      [1, 3, 3, 0, 0], // tie: argmax 1
      [1, 3, 3, 0, 0], // tie, label 2: wrong
      [NaN, 0, 0, 9, 0], // NaN: wrong though 3 is the max
      [0, 0, Infinity, 0, 0],
      [-Infinity, -Infinity, -Infinity, -Infinity, -1],
      [0, 0, 0, 0, 0], // all equal: argmax 0
    ];
    const labels = Uint32Array.from([1, 2, 3, 2, 4, 0]);
    const n = 70; // past one tile: the rows repeat
    const data = new Float32Array(n * 8);
    const lab = new Uint32Array(n);
    for (let b = 0; b < n; b++) {
      data.set(rows[b % rows.length], b * 8);
      lab[b] = labels[b % rows.length];
    }
    const h = new Harness();
    const z = h.put('z', data);
    const l = h.put('labels', lab);
    const counts = h.alloc('counts', 16);
    const pool = await h.run([[accuracyOp('acc', mat(z, n, classes), l, counts)]], 2);
    const dense = Float32Array.from({ length: n * classes }, (_, i) => data[Math.floor(i / classes) * 8 + (i % classes)]);
    expect(pool.u32(counts, 1)[0]).toBe(accuracy(dense, lab, n, classes, false));
    expect(pool.u32(counts, 1)[0]).toBe(11 * 4 + 2); // 4 right of each 6 rows: 11 repeats, then 2 of the 4 rows left
  });
});

describe('dropout and activations', () => {
  it.each([[19, 30, 0.3], [8, 13, 0.5], [33, 256, 0.1]])('dropout on %i × %i, p = %f: the reference mask, forward and backward', async (rows, features, p) => {
    const x = padded(rows, features, 10);
    const dy = padded(rows, features, 11);
    const key = dropoutKey(7, 3);
    const step = { ...defaultStep, step: 12345 };
    const h = new Harness();
    const xs = h.put('x', x.data);
    const dys = h.put('dy', dy.data);
    const y = h.alloc('y', x.data.byteLength);
    const dx = h.alloc('dx', x.data.byteLength);
    const pool = await h.run(
      [[dropoutOp('fwd', { key, p, mode: 'forward', src: mat(xs, rows, features), dst: y }), dropoutOp('bwd', { key, p, mode: 'backward', src: mat(dys, rows, features), dst: dx, act: 'relu', actOut: xs })]],
      3, [step],
    );
    const mask = dropoutMask(key, 12345, rows, features, p);
    const scale = Math.fround(1 / (1 - p));
    const s = pad4(features);
    const wantY = new Float32Array(rows * s);
    const wantDx = new Float32Array(rows * s);
    for (let b = 0; b < rows; b++) {
      for (let j = 0; j < features; j++) {
        const i = b * features + j;
        wantY[b * s + j] = mask[i] ? Math.fround(x.dense[i] * scale) : 0;
        wantDx[b * s + j] = mask[i] && x.dense[i] > 0 ? Math.fround(dy.dense[i] * scale) : 0;
      }
    }
    expect(bits(pool.f32(y, rows * s))).toEqual(bits(wantY));
    expect(bits(pool.f32(dx, rows * s))).toEqual(bits(wantDx));
    const kept = mask.reduce((a, v) => a + v, 0) / mask.length;
    expect(Math.abs(kept - (1 - p))).toBeLessThan(0.1);
  });

  it.each(['relu', 'sigmoid', 'tanh'] as const)('%s forward and backward on 19 × 30, and a gradient sum through it', async (kind) => {
    const [rows, features] = [19, 30];
    const x = padded(rows, features, 12, -6, 6);
    const dy = padded(rows, features, 13);
    const h = new Harness();
    const xs = h.put('x', x.data);
    const dys = h.put('dy', dy.data);
    const y = h.alloc('y', x.data.byteLength);
    const dx = h.alloc('dx', x.data.byteLength);
    const sum = h.alloc('sum', x.data.byteLength);
    const pool = await h.run(
      [[activationOp('fwd', kind, 'forward', mat(xs, rows, features), y)], [activationOp('bwd', kind, 'backward', mat(dys, rows, features), dx, y), gradSumOp('sum', mat(dys, rows, features), xs, kind, y, sum)]],
      2,
    );
    const wantY = kind === 'relu' ? Float64Array.from(x.dense, (v) => (v > 0 ? v : 0)) : kind === 'sigmoid' ? sigmoidForward(x.dense) : tanhForward(x.dense);
    const ry = check(pool.f32(y, rows * pad4(features)), wantY, rows, features, 1e-6, 1e-5);
    expect(ry.worst, `forward max |diff| ${ry.maxDiff}`).toBeLessThanOrEqual(0);
    expect(ry.padZero).toBe(true);
    const through = (g: number, i: number) => (kind === 'relu' ? (x.dense[i] > 0 ? g : 0) : kind === 'sigmoid' ? g * wantY[i] * (1 - wantY[i]) : g * (1 - wantY[i] ** 2));
    const rd = check(pool.f32(dx, rows * pad4(features)), Float64Array.from(dy.dense, through), rows, features, 1e-6, 1e-5);
    expect(rd.worst, `backward max |diff| ${rd.maxDiff}`).toBeLessThanOrEqual(0);
    const rs = check(pool.f32(sum, rows * pad4(features)), Float64Array.from(dy.dense, (g, i) => through(g + x.dense[i], i)), rows, features, 1e-6, 1e-5);
    expect(rs.worst, `gradient sum max |diff| ${rs.maxDiff}`).toBeLessThanOrEqual(0);
    expect(rs.padZero).toBe(true);
  });
});

describe('optimizers over an arena (two steps)', () => {
  it.each(['sgd', 'momentum', 'adam'] as const)('%s with weight decay', async (kind) => {
    const count = 4096 + 36; // two tiles
    const w0 = values(count, 14);
    const g = values(count, 15);
    const h = new Harness();
    const w = h.put('w', w0);
    const gs = h.put('g', g);
    const s1 = h.alloc('s1', count * 4);
    const s2 = h.alloc('s2', count * 4);
    const wd = 1e-3;
    const steps: StepRecord[] = [0, 1].map((t) => ({ ...defaultStep, step: t, lr: 0.05, c1: Math.fround(1 - 0.9 ** (t + 1)), c2: Math.fround(1 - 0.999 ** (t + 1)) }));
    const pool = await h.run([[optimizerOp('optim', { kind, count, weights: w, grads: gs, s1, s2, weightDecay: wd, momentum: 0.9 })]], 3, steps);
    const p = Float32Array.from(w0);
    const m = new Float32Array(count);
    const v = new Float32Array(count);
    for (const t of [0, 1]) {
      if (kind === 'sgd') sgdUpdate(p, g, 0.05, wd);
      if (kind === 'momentum') momentumUpdate(p, g, m, 0.05, 0.9, wd);
      if (kind === 'adam') adamUpdate(p, g, m, v, 0.05, t, wd);
    }
    const r = check(pool.f32(w, count), p, 1, count, 1e-6, 1e-5);
    expect(r.worst, `max |diff| ${r.maxDiff}`).toBeLessThanOrEqual(0);
  });
});

describe('thread count', () => {
  it('a training step (gather, dense + relu, dense, loss, gradients, Adam) gives the same bits on 1, 2 and 4 threads', async () => {
    const [n, features, hidden, classes, rows] = [300, 50, 37, 10, 97];
    const data = Uint8Array.from(values(n * features, 16, 0, 256), Math.floor);
    const labels = Uint32Array.from({ length: n }, (_, i) => i % classes);
    const order = Uint32Array.from({ length: n }, (_, i) => (i * 7) % n);
    const results: number[][] = [];
    for (const threads of [1, 2, 4]) {
      const h = new Harness();
      const W1 = padded(features, hidden, 17, -0.1, 0.1).data;
      const W2 = padded(hidden, classes, 18, -0.1, 0.1).data;
      const at = {
        data: h.put('data', data), labels: h.put('labels', labels), order: h.put('order', order),
        scale: h.put('scale', new Float32Array(pad4(features)).fill(1 / 255)), shift: h.put('shift', new Float32Array(pad4(features))),
        x: h.alloc('x', rows * pad4(features) * 4), y: h.alloc('y', rows * 4),
      };
      // Arena: W1 | b1 | W2 | b2, grads beside it, Adam state.
      const arena = new Float32Array(W1.length + pad4(hidden) + W2.length + pad4(classes));
      arena.set(W1, 0);
      arena.set(W2, W1.length + pad4(hidden));
      const w = h.put('weights', arena);
      const g = h.alloc('grads', arena.byteLength);
      const [s1, s2] = [h.alloc('m', arena.byteLength), h.alloc('v', arena.byteLength)];
      const w1 = mat(w, features, hidden);
      const b1 = w + 4 * W1.length;
      const w2 = mat(b1 + 4 * pad4(hidden), hidden, classes);
      const b2 = w2.at + 4 * W2.length;
      const gw1 = mat(g, features, hidden);
      const gb1 = g + 4 * W1.length;
      const gw2 = mat(gb1 + 4 * pad4(hidden), hidden, classes);
      const gb2 = gw2.at + 4 * W2.length;
      const h1 = mat(h.alloc('h1', rows * pad4(hidden) * 4), rows, hidden);
      const z = mat(h.alloc('z', rows * pad4(classes) * 4), rows, classes);
      const dz = mat(h.alloc('dz', rows * pad4(classes) * 4), rows, classes);
      const dh = mat(h.alloc('dh', rows * pad4(hidden) * 4), rows, hidden);
      const w2t = mat(h.alloc('w2t', classes * pad4(hidden) * 4), classes, hidden);
      const losses = h.alloc('losses', rows * 8);
      const out = h.alloc('out', 16);
      const x = mat(at.x, rows, features);
      const ops: Op[][] = [
        [gatherOp('gather', { rows, features, dtype: 'u8', ...at }), transposeOp('w2t', w2, w2t)],
        [matmulNN('fc1', x, w1, h1, { epilogue: 'relu', bias: b1 })],
        [matmulNN('fc2', h1, w2, z, { bias: b2 })],
        [softmaxXentOp('loss', z, at.y, losses, dz.at)],
        [lossSumOp('sum', rows, losses, out), matmulTN('dW2', h1, dz, gw2), colsumOp('db2', dz, gb2), matmulNN('dh', dz, w2t, dh, { epilogue: 'reluMask', aux: h1.at })],
        [matmulTN('dW1', x, dh, gw1), colsumOp('db1', dh, gb1)],
        [optimizerOp('adam', { kind: 'adam', count: arena.length, weights: w, grads: g, s1, s2, weightDecay: 1e-4, momentum: 0 })],
      ];
      const steps = [0, 1, 2].map((t) => ({ step: t, batchStart: t * 67, slot: t, lr: 0.01, c1: Math.fround(1 - 0.9 ** (t + 1)), c2: Math.fround(1 - 0.999 ** (t + 1)) }));
      const pool = await h.run(ops, threads, steps);
      expect(pool.threads).toBe(threads);
      results.push([...bits(pool.f32(w, arena.length)), ...bits(pool.f32(out, 3))]);
    }
    expect(results[0].slice(-3).every((v) => v !== 0)).toBe(true);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});
