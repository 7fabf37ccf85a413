// The image layers' wasm kernels against the CPU reference on odd sizes (batch not a multiple of a tile,
// channels not multiples of 4, stride 2 on odd inputs, kernels 1–11, padding beyond k − 1), on 1 and 3
// threads bit for bit, and with a small thread scratch that cuts every image into several pixel chunks.
// Tolerances (STYLE.md): forward |w − ref| ≤ 1e-5 + 1e-4·|ref|, gradients 1e-4 + 1e-3·|ref| (a weight
// gradient sums over batch × pixels: 1e-4·√n more); counts and copies exactly.
import { describe, expect, it } from 'vitest';
import { conv2dBackward, conv2dForward, convOutSize, type ConvShape } from '../reference/conv';
import { avgPool2dBackward, avgPool2dForward, globalAvgPoolBackward, globalAvgPoolForward, maxPool2dBackward, maxPool2dForward, poolOutSize } from '../reference/pool';
import { batchNormBackward, batchNormForward } from '../reference/batchnorm';
import { sigmoidForward, tanhForward } from '../reference/layers';
import { augmentKey, gatherBatch } from '../reference/gather';
import { addOutcome, emptyCounts, validationCounts, type Outcome } from '../reference/validation-stats';
import { streamKey, uniform } from '../reference/random';
import type { ActivationName } from './abi';
import { outcomeBytes } from './abi';
import { Harness } from './harness';
import { convForwardOp, convInputGradOp, convScratchBytes, convWeightGradOp, dyPixelFloats, dyPixelsOp, type ConvGeometry } from './ops-conv';
import { batchNormOp, batchNormStatsFloats, copySliceOp, gatherImageOp, outcomeOp, poolOp, type PoolGeometry } from './ops-layers';
import { pad4 } from './ops';
import type { Op } from './program';
import { readOutcomes } from './outcomes';

function values(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const key = streamKey(seed, 77);
  return Float32Array.from({ length: n }, (_, i) => lo + (hi - lo) * uniform(key, i));
}

/** rows examples of `per` floats each, padded to pad4(per) per row, and the dense copy. */
function rowsOf(rows: number, per: number, seed: number, lo = -1, hi = 1) {
  const dense = values(rows * per, seed, lo, hi);
  const s = pad4(per);
  const data = new Float32Array(rows * s);
  for (let r = 0; r < rows; r++) data.set(dense.subarray(r * per, (r + 1) * per), r * s);
  return { data, dense, stride: s };
}

/** The dense rows of a padded (rows, pad4(per)) buffer, and whether its padding is zero. */
function unpad(got: Float32Array, rows: number, per: number) {
  const s = pad4(per);
  const dense = new Float32Array(rows * per);
  let padZero = true;
  for (let r = 0; r < rows; r++) {
    dense.set(got.subarray(r * s, r * s + per), r * per);
    for (let j = per; j < s; j++) if (got[r * s + j] !== 0) padZero = false;
  }
  return { dense, padZero };
}

function within(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number): { ok: boolean; maxDiff: number; at: number } {
  let ok = true;
  let maxDiff = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= atol + rtol * Math.abs(want[i]))) {
      ok = false;
      if (at < 0) at = i;
    }
    if (d > maxDiff || Number.isNaN(d)) maxDiff = d;
  }
  return { ok, maxDiff, at };
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(Float32Array.from(a).buffer));

const actRef = (kind: ActivationName, v: Float64Array): Float64Array =>
  kind === 'relu' ? v.map((x) => (x > 0 ? x : 0)) : kind === 'sigmoid' ? sigmoidForward(v) : kind === 'tanh' ? tanhForward(v) : v;
const actGradRef = (kind: ActivationName, g: number, y: number): number =>
  kind === 'relu' ? (y > 0 ? g : 0) : kind === 'sigmoid' ? g * y * (1 - y) : kind === 'tanh' ? g * (1 - y * y) : g;

/** The arena's Wᵀ (pad4(in·k²), pad4(out)) of a (out, in, k, k) weight. */
function arenaWeight(w: Float32Array, out: number, fan: number): Float32Array {
  const a = new Float32Array(pad4(fan) * pad4(out));
  for (let o = 0; o < out; o++) for (let i = 0; i < fan; i++) a[i * pad4(out) + o] = w[o * fan + i];
  return a;
}

interface ConvCase {
  name: string;
  rows: number;
  c: ConvGeometry;
}

const convCase = (name: string, rows: number, inC: number, h: number, w: number, outC: number, kernel: number, stride: number, padding: number): ConvCase => {
  const [oh, ow] = convOutSize({ batch: rows, inC, h, w, outC, kernel, stride, padding });
  return { name, rows, c: { inC, h, w, outC, oh, ow, kernel, stride, padding } };
};

const convCases: ConvCase[] = [
  convCase('3×3 same, 3 → 6 channels on 9×7', 5, 3, 9, 7, 6, 3, 1, 1),
  convCase('LeNet conv 1: 5×5 pad 2 on 28×28', 3, 1, 28, 28, 6, 5, 1, 2),
  convCase('LeNet conv 2: 5×5, 6 → 16 on 14×14', 3, 6, 14, 14, 16, 5, 1, 0),
  convCase('5×5 stride 2 pad 2 on odd 11×9', 3, 2, 11, 9, 5, 5, 2, 2),
  convCase('1×1 stride 2 (a projection shortcut) on 7×7', 4, 4, 7, 7, 10, 1, 2, 0),
  convCase('1×1 with padding 1 (beyond k − 1)', 2, 3, 5, 6, 4, 1, 1, 1),
  convCase('2×2 stride 2 pad 1 on 7×8', 3, 3, 7, 8, 7, 2, 2, 1),
  convCase('11×11 stride 4 pad 2 on 23×21 (AlexNet-like)', 2, 3, 23, 21, 5, 11, 4, 2),
  convCase('3×3 on 1×1 with padding 1', 5, 9, 1, 1, 3, 3, 1, 1),
];

describe('conv2d: forward, input gradient, weight gradient', () => {
  describe.each(convCases)('$name, batch $rows', ({ rows, c }) => {
    const fan = c.inC * c.kernel * c.kernel;
    const inF = c.inC * c.h * c.w;
    const outF = c.outC * c.oh * c.ow;
    const shape: ConvShape = { batch: rows, ...c };
    const x = rowsOf(rows, inF, 1, 0.01, 0.99); // also the producer's (sigmoid) output for act'
    for (let i = 0; i < x.dense.length; i += 7) x.dense[i] = 0; // relu' = 0 here
    x.data.set(Float32Array.from(x.data, (v, i) => (i % x.stride < inF && x.dense[Math.floor(i / x.stride) * inF + (i % x.stride)] === 0 ? 0 : v)));
    const wFile = values(c.outC * fan, 2, -0.5, 0.5);
    const bias = values(pad4(c.outC), 3);
    const dy = rowsOf(rows, outF, 4);

    /** Runs forward (act), dX (act'), dY pixel-major + dW on `threads` threads with `scratch` bytes a thread. */
    async function run(threads: number, act: ActivationName, scratch: number) {
      const h = new Harness();
      const at = {
        x: h.put('x', x.data), w: h.put('w', arenaWeight(wFile, c.outC, fan)), bias: h.put('bias', bias), dy: h.put('dy', dy.data),
        y: h.alloc('y', rows * pad4(outF) * 4), dx: h.alloc('dx', rows * x.stride * 4),
        dyp: h.alloc('dyp', rows * dyPixelFloats(c) * 4), dw: h.alloc('dw', pad4(fan) * pad4(c.outC) * 4),
      };
      const xr = { at: at.x, stride: x.stride };
      const ops: Op[][] = [
        [dyPixelsOp('dyp', rows, c, { at: at.dy, stride: dy.stride }, at.dyp), convForwardOp('fwd', rows, c, xr, at.w, { at: at.y, stride: pad4(outF) }, { bias: at.bias, act, scratchBytes: scratch }),
          convInputGradOp('dx', rows, c, { at: at.dy, stride: dy.stride }, at.w, { at: at.dx, stride: x.stride }, { act, x: at.x, scratchBytes: scratch })],
        [convWeightGradOp('dw', rows, c, xr, at.dyp, at.dw, scratch)],
      ];
      const pool = await h.run(ops, threads, undefined, scratch);
      return { y: Float32Array.from(pool.f32(at.y, rows * pad4(outF))), dx: Float32Array.from(pool.f32(at.dx, rows * x.stride)), dw: Float32Array.from(pool.f32(at.dw, pad4(fan) * pad4(c.outC))) };
    }

    it.each(['none', 'relu', 'sigmoid', 'tanh'] as const)('fused %s: held to the reference; 3 threads and a small scratch give the same bits', async (act) => {
      const small = Math.max(convScratchBytes(fan), 2048);
      const [one, three, chunked] = [await run(1, act, 256 * 1024), await run(3, act, 256 * 1024), await run(2, act, small)];
      const pre = conv2dForward(x.dense, wFile, bias, shape);
      const y = unpad(one.y, rows, outF);
      const fy = within(y.dense, actRef(act, pre), 1e-5, 1e-4);
      expect(fy.ok, `forward max |diff| ${fy.maxDiff} (first at ${fy.at})`).toBe(true);
      expect(y.padZero).toBe(true);
      const g = conv2dBackward(x.dense, wFile, dy.dense, shape);
      const dx = unpad(one.dx, rows, inF);
      const fdx = within(dx.dense, g.dX.map((v, i) => actGradRef(act, v, x.dense[i])), 1e-4, 1e-3);
      expect(fdx.ok, `dX max |diff| ${fdx.maxDiff} (first at ${fdx.at})`).toBe(true);
      expect(dx.padZero).toBe(true);
      // dWᵀ in the arena → file layout; its padding rows and columns stay 0.
      const dw = new Float32Array(c.outC * fan);
      let padZero = true;
      for (let i = 0; i < pad4(fan); i++) {
        for (let o = 0; o < pad4(c.outC); o++) {
          const v = one.dw[i * pad4(c.outC) + o];
          if (i < fan && o < c.outC) dw[o * fan + i] = v;
          else if (v !== 0) padZero = false;
        }
      }
      const fdw = within(dw, g.dW, 1e-4, 1e-3);
      expect(fdw.ok, `dW max |diff| ${fdw.maxDiff} (first at ${fdw.at})`).toBe(true);
      expect(padZero, 'dW padding').toBe(true);
      for (const k of ['y', 'dx', 'dw'] as const) expect(bits(three[k]), `${k}: 3 threads = 1 thread`).toEqual(bits(one[k]));
      // A forward element is one micro-kernel sum, whatever the chunks; dX and dW add chunk sums in order,
      // so a smaller scratch rounds differently (a run's scratch is fixed, whatever its threads).
      expect(bits(chunked.y), 'y: small scratch (several pixel chunks) = whole images').toEqual(bits(one.y));
      for (const k of ['dx', 'dw'] as const) expect(within(chunked[k], one[k], 1e-5, 1e-5).ok, `${k} in pixel chunks`).toBe(true);
    });
  });
});

const poolCases: [string, number, PoolGeometry][] = [
  ['2×2 stride 2 on 28×28, 6 channels', 3, { channels: 6, h: 28, w: 28, oh: 14, ow: 14, kernel: 2, stride: 2, padding: 0 }],
  ['3×3 stride 2 pad 1 on odd 9×7', 5, { channels: 3, h: 9, w: 7, oh: 5, ow: 4, kernel: 3, stride: 2, padding: 1 }],
  ['3×3 stride 1 pad 1 on 5×6 (overlapping)', 2, { channels: 5, h: 5, w: 6, oh: 5, ow: 6, kernel: 3, stride: 1, padding: 1 }],
  ['2×2 stride 2 on odd 5×5 (floor mode drops the last row)', 3, { channels: 7, h: 5, w: 5, oh: 2, ow: 2, kernel: 2, stride: 2, padding: 0 }],
];

describe('pooling', () => {
  describe.each(poolCases)('%s, batch %i', (_name, rows, g) => {
    const inF = g.channels * g.h * g.w;
    const outF = g.channels * g.oh * g.ow;
    const shape = { batch: rows, channels: g.channels, h: g.h, w: g.w, kernel: g.kernel, stride: g.stride, padding: g.padding };
    expect(poolOutSize(shape)).toEqual([g.oh, g.ow]);
    const x = rowsOf(rows, inF, 5, -2, 2);
    // Ties: whole windows of equal values (the first element wins).
    for (let i = 0; i < 12; i++) x.dense[i] = x.data[i] = 0.5;
    const dy = rowsOf(rows, outF, 6);

    it.each(['max', 'avg'] as const)('%s: forward, and the backward through a relu producer; 1 and 3 threads', async (mode) => {
      const results = [];
      for (const threads of [1, 3]) {
        const h = new Harness();
        const t = {
          x: h.put('x', x.data), dy: h.put('dy', dy.data), y: h.alloc('y', rows * pad4(outF) * 4), argmax: h.alloc('argmax', rows * pad4(outF) * 4),
          dx: h.alloc('dx', rows * pad4(inF) * 4),
        };
        const pool = await h.run([[poolOp('fwd', rows, mode, false, g, t)], [poolOp('bwd', rows, mode, true, g, t, 'relu')]], threads);
        results.push({ y: Float32Array.from(pool.f32(t.y, rows * pad4(outF))), dx: Float32Array.from(pool.f32(t.dx, rows * pad4(inF))) });
      }
      const y = unpad(results[0].y, rows, outF);
      const fy = within(y.dense, mode === 'max' ? maxPool2dForward(x.dense, shape) : avgPool2dForward(x.dense, shape), 1e-6, 1e-5);
      expect(fy.ok, `forward max |diff| ${fy.maxDiff}`).toBe(true);
      expect(y.padZero).toBe(true);
      const dxRef = mode === 'max' ? maxPool2dBackward(x.dense, dy.dense, shape) : avgPool2dBackward(x.dense, dy.dense, shape);
      const dx = unpad(results[0].dx, rows, inF);
      const fdx = within(dx.dense, dxRef.map((v, i) => (x.dense[i] > 0 ? v : 0)), 1e-6, 1e-5);
      expect(fdx.ok, `backward max |diff| ${fdx.maxDiff}`).toBe(true);
      expect(dx.padZero).toBe(true);
      expect(bits(results[1].y)).toEqual(bits(results[0].y));
      expect(bits(results[1].dx)).toEqual(bits(results[0].dx));
    });
  });

  it('global average over 5×3 planes of 7 channels, backward through a sigmoid producer', async () => {
    const [rows, c, hh, ww] = [9, 7, 5, 3];
    const g: PoolGeometry = { channels: c, h: hh, w: ww, oh: 1, ow: 1, kernel: 1, stride: 1, padding: 0 };
    const x = rowsOf(rows, c * hh * ww, 7, 0.01, 0.99);
    const dy = rowsOf(rows, c, 8);
    const h = new Harness();
    const t = { x: h.put('x', x.data), dy: h.put('dy', dy.data), y: h.alloc('y', rows * pad4(c) * 4), argmax: 0, dx: h.alloc('dx', rows * x.stride * 4) };
    const pool = await h.run([[poolOp('fwd', rows, 'global', false, g, t)], [poolOp('bwd', rows, 'global', true, g, t, 'sigmoid')]], 2);
    const shape = { batch: rows, channels: c, h: hh, w: ww };
    const fy = within(unpad(pool.f32(t.y, rows * pad4(c)), rows, c).dense, globalAvgPoolForward(x.dense, shape), 1e-6, 1e-5);
    expect(fy.ok, `forward max |diff| ${fy.maxDiff}`).toBe(true);
    const want = globalAvgPoolBackward(x.dense, dy.dense, shape).map((v, i) => v * x.dense[i] * (1 - x.dense[i]));
    const fdx = within(unpad(pool.f32(t.dx, rows * x.stride), rows, c * hh * ww).dense, want, 1e-6, 1e-5);
    expect(fdx.ok, `backward max |diff| ${fdx.maxDiff}`).toBe(true);
  });
});

describe('BatchNorm', () => {
  it.each([
    ['2-D: 6 channels of 9×7, batch 11', 11, 6, 63],
    ['2-D: 5 channels of 3×1 (runs shorter than a vec4), batch 13', 13, 5, 3],
    ['1-D: 30 features, batch 37', 37, 30, 1],
  ] as const)('%s: statistics, running update, normalise + relu, dγ dβ, dX through a sigmoid producer; eval; 1 and 3 threads', async (_name, rows, channels, spatial) => {
    const per = channels * spatial;
    const x = rowsOf(rows, per, 9, 0.01, 1.5);
    const dy = rowsOf(rows, per, 10);
    const gamma = values(pad4(channels), 11, 0.5, 1.5);
    const beta = values(pad4(channels), 12);
    const running = new Float32Array(2 * pad4(channels));
    running.set(values(channels, 13), 0);
    running.set(values(channels, 14, 0.5, 2), pad4(channels));
    const s = { rows, channels, spatial, eps: 1e-5, momentum: 0.1 };
    const results: Float32Array[][] = [];
    for (const threads of [1, 3]) {
      const h = new Harness();
      const t = {
        x: h.put('x', x.data), dy: h.put('dy', dy.data), gamma: h.put('gamma', gamma), beta: h.put('beta', beta), running: h.put('running', running),
        y: h.alloc('y', rows * x.stride * 4), ye: h.alloc('ye', rows * x.stride * 4), stats: h.alloc('stats', batchNormStatsFloats(channels) * 4),
        dgamma: h.alloc('dgamma', pad4(channels) * 4), dbeta: h.alloc('dbeta', pad4(channels) * 4), dx: h.alloc('dx', rows * x.stride * 4),
      };
      const ops: Op[][] = [
        [batchNormOp('eval', 'normalizeRunning', s, { ...t, y: t.ye })],
        [batchNormOp('stats', 'stats', s, t)],
        [batchNormOp('norm', 'normalizeBatch', s, t, 'relu'), batchNormOp('reduce', 'gradReduce', s, t)],
        [batchNormOp('dx', 'inputGrad', s, t, 'sigmoid')],
      ];
      const pool = await h.run(ops, threads);
      results.push([t.y, t.ye, t.dx, t.dgamma, t.dbeta, t.running].map((at, i) => Float32Array.from(pool.f32(at, i < 3 ? rows * x.stride : i < 5 ? pad4(channels) : 2 * pad4(channels)))));
    }
    const [y, ye, dx, dgamma, dbeta, run] = results[0];
    const shape = { batch: rows, channels, spatial, eps: 1e-5, momentum: 0.1 };
    const runRef = { mean: running.subarray(0, channels), var: running.subarray(pad4(channels), pad4(channels) + channels) };
    const train = batchNormForward(x.dense, gamma, beta, runRef, shape, true);
    const evalRef = batchNormForward(x.dense, gamma, beta, runRef, shape, false);
    const fy = within(unpad(y, rows, per).dense, train.y.map((v) => (v > 0 ? v : 0)), 1e-5, 1e-4);
    expect(fy.ok, `training forward max |diff| ${fy.maxDiff}`).toBe(true);
    const fe = within(unpad(ye, rows, per).dense, evalRef.y, 1e-5, 1e-4);
    expect(fe.ok, `evaluation forward max |diff| ${fe.maxDiff}`).toBe(true);
    expect(unpad(y, rows, per).padZero && unpad(ye, rows, per).padZero).toBe(true);
    expect(within(run.subarray(0, channels), train.running.mean, 1e-6, 1e-5).ok, 'running mean').toBe(true);
    expect(within(run.subarray(pad4(channels), pad4(channels) + channels), train.running.var, 1e-6, 1e-5).ok, 'running var').toBe(true);
    const g = batchNormBackward(x.dense, gamma, dy.dense, train.cache, shape);
    expect(within(dgamma.subarray(0, channels), g.dGamma, 1e-4, 1e-3).ok, 'dγ').toBe(true);
    expect(within(dbeta.subarray(0, channels), g.dBeta, 1e-4, 1e-3).ok, 'dβ').toBe(true);
    const fdx = within(unpad(dx, rows, per).dense, g.dX.map((v, i) => v * x.dense[i] * (1 - x.dense[i])), 1e-4, 1e-3);
    expect(fdx.ok, `dX max |diff| ${fdx.maxDiff}`).toBe(true);
    expect(unpad(dx, rows, per).padZero).toBe(true);
    results[1].forEach((r, i) => expect(bits(r), `output ${i}: 3 threads = 1 thread`).toEqual(bits(results[0][i])));
  });
});

describe('concat slices and the residual add', () => {
  it('two branches of 3 and 5 channels of 3×3 into one row at unaligned offsets, and back out through a tanh producer', async () => {
    const rows = 11;
    const [fa, fb] = [3 * 9, 5 * 9];
    const a = rowsOf(rows, fa, 15);
    const b = rowsOf(rows, fb, 16, -0.9, 0.9);
    const out = fa + fb;
    const h = new Harness();
    const at = { a: h.put('a', a.data), b: h.put('b', b.data), y: h.alloc('y', rows * pad4(out) * 4), db: h.alloc('db', rows * b.stride * 4) };
    const pool = await h.run([
      [copySliceOp('a', { rows, count: fa, src: at.a, srcStride: a.stride, srcOffset: 0, dst: at.y, dstStride: pad4(out), dstOffset: 0 }),
        copySliceOp('b', { rows, count: fb, src: at.b, srcStride: b.stride, srcOffset: 0, dst: at.y, dstStride: pad4(out), dstOffset: fa })],
      [copySliceOp('back', { rows, count: fb, src: at.y, srcStride: pad4(out), srcOffset: fa, dst: at.db, dstStride: b.stride, dstOffset: 0, act: 'tanh', y: at.b })],
    ], 3);
    const y = unpad(pool.f32(at.y, rows * pad4(out)), rows, out);
    const want = new Float32Array(rows * out);
    for (let r = 0; r < rows; r++) {
      want.set(a.dense.subarray(r * fa, (r + 1) * fa), r * out);
      want.set(b.dense.subarray(r * fb, (r + 1) * fb), r * out + fa);
    }
    expect(bits(y.dense)).toEqual(bits(want));
    expect(y.padZero).toBe(true);
    const db = unpad(pool.f32(at.db, rows * b.stride), rows, fb);
    expect(within(db.dense, Float64Array.from(b.dense, (v) => v * (1 - v * v)), 1e-7, 1e-6).ok).toBe(true);
    expect(db.padZero).toBe(true);
  });
});

describe('image gather: resize and augmentation', () => {
  it.each([
    ['resize 28 → 14, u8', 'u8', 1, 28, 28, 14, 14, null],
    ['resize 9×7 → 13×5, 3 channels, f32', 'f32', 3, 9, 7, 13, 5, null],
    ['crop 3 + flip, no resize', 'u8', 1, 12, 10, 12, 10, { crop: 3, flip: true }],
    ['crop 2 + flip, then resize 11×11 → 8×8, 2 channels', 'u8', 2, 11, 11, 8, 8, { crop: 2, flip: true }],
  ] as const)('%s', async (_name, dtype, channels, hh, ww, oh, ow, augment) => {
    const n = 40;
    const rows = 13;
    const d = channels * hh * ww;
    const raw = dtype === 'u8' ? Uint8Array.from(values(n * d, 17, 0, 256), Math.floor) : values(n * d, 17, -3, 3);
    const labels = Uint32Array.from({ length: n }, (_, i) => (i * 5) % 7);
    const order = Uint32Array.from({ length: n }, (_, i) => (i * 17 + 3) % n);
    const scale = Float32Array.from(values(pad4(d), 18, 0.001, 0.01), (v, i) => (i < d ? v : 0));
    const shift = Float32Array.from(values(pad4(d), 19, -0.5, 0.5), (v, i) => (i < d ? v : 0));
    const key = augmentKey(7, 2);
    const h = new Harness();
    const at = {
      data: h.put('data', raw), labels: h.put('labels', labels), order: h.put('order', order), scale: h.put('scale', scale), shift: h.put('shift', shift),
      key: h.put('key', Uint32Array.of(key)), x: h.alloc('x', rows * pad4(channels * oh * ow) * 4), y: h.alloc('y', rows * 4),
    };
    const op = gatherImageOp('gather', {
      rows, channels, h: hh, w: ww, oh, ow, data: at.data, dtype, order: at.order, scale: at.scale, shift: at.shift, labels: at.labels, x: at.x, y: at.y,
      crop: augment?.crop ?? 0, flip: augment?.flip ?? false, key: augment ? at.key : 0,
    });
    const pool = await h.run([[op]], 3, [{ step: 0, batchStart: 9, slot: 0, lr: 0, c1: 1, c2: 1 }]);
    const idx = order.subarray(9, 9 + rows);
    const want = gatherBatch({ x: raw, y: labels }, idx, scale, shift, { shape: [channels, hh, ww], resize: oh !== hh || ow !== ww ? [oh, ow] : null, augment }, key);
    const x = unpad(pool.f32(at.x, rows * pad4(channels * oh * ow)), rows, channels * oh * ow);
    const r = within(x.dense, want.x, 1e-6, 1e-5);
    expect(r.ok, `max |diff| ${r.maxDiff}`).toBe(true);
    expect(x.padZero).toBe(true);
    expect(Array.from(pool.u32(at.y, rows))).toEqual(Array.from(want.y));
  });
});

describe('validation outcomes', () => {
  it.each([[333, 13], [50, 2], [97, 10]])('%i rows × %i classes: every record = the reference outcome, counts added up = the reference counts', async (rows, classes) => {
    const z = rowsOf(rows, classes, 20, -5, 5);
    const labels = Uint32Array.from({ length: rows }, (_, b) => (b * 7 + 3) % classes);
    labels[rows - 1] = classes - 1;
    const set = (b: number, row: number[]) => row.forEach((v, j) => (z.dense[b * classes + j] = z.data[b * z.stride + j] = v));
    set(0, Array.from({ length: classes }, (_, j) => (j === 1 % classes ? 80 : -80)));
    set(1, Array.from({ length: classes }, () => 3)); // ties: class 0
    set(2, Array.from({ length: classes }, (_, j) => (j === classes - 1 ? NaN : 0))); // invalid
    set(3, Array.from({ length: classes }, (_, j) => (j === 0 ? Infinity : 1)));
    set(4, Array.from({ length: classes }, () => -Infinity));
    const h = new Harness();
    const at = { z: h.put('z', z.data), labels: h.put('labels', labels), out: h.alloc('out', (rows + 5) * outcomeBytes) };
    // The record index is the split's row: a batch starting at row 5 writes records 5 … rows + 4.
    const pool = await h.run([[outcomeOp('outcome', rows, classes, z.stride, at.z, at.labels, at.out)]], 3, [{ step: 0, batchStart: 5, slot: 0, lr: 0, c1: 1, c2: 1 }]);
    const outcomes = readOutcomes(pool.memory.buffer, at.out + 5 * outcomeBytes, rows);
    const want: Outcome[] = [];
    const counts = validationCounts(z.dense, labels, rows, classes, undefined, want);
    expect(outcomes[2].top).toEqual([]);
    expect(outcomes[1].top[0]).toBe(0);
    outcomes.forEach((o, i) => {
      expect(o.top, `row ${i}`).toEqual(want[i].top);
      expect(o.label).toBe(want[i].label);
      expect(within(o.probs, want[i].probs, 1e-12, 1e-12).ok, `row ${i} probabilities`).toBe(true);
      expect(Math.abs(o.pTrue - want[i].pTrue)).toBeLessThanOrEqual(1e-12);
    });
    const got = emptyCounts(classes);
    for (const o of outcomes) addOutcome(got, o, classes);
    expect(got.correct).toBe(counts.correct);
    expect(got.invalid).toBe(1);
    expect(Array.from(got.confusion)).toEqual(Array.from(counts.confusion));
    expect(got.calibration.binRows).toEqual(counts.calibration.binRows);
    expect(got.calibration.binCorrect).toEqual(counts.calibration.binCorrect);
    expect(got.calibration.trueHistogram).toEqual(counts.calibration.trueHistogram);
    expect(Math.abs(got.calibration.trueProbability - counts.calibration.trueProbability)).toBeLessThanOrEqual(1e-9);
  });
});
