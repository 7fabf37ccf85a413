import { describe, expect, it } from 'vitest';
import { compareArrays, randomArray, testGpu } from '../../tests/helpers/gpu';
import { pad4, readFloats } from './buffers';
import { KernelContext } from './context';
import { encodeAll } from './dispatch';
import { candidates, heuristicVariant, Matmul, parseVariant, problemKey, subgroupsOfFour, type EpilogueName, type MatmulLayout, type MatmulProblem, type Variant } from './matmul';
import { matmulNN, matmulNT, matmulTN } from '../reference/matmul';
import { emptyBuffer, padRows, unpadRows, upload } from './test-util';

// Forward tolerance (STYLE.md): f32 sums of ≤ 100 products of values in [-1, 1).
const atol = 1e-5;
const rtol = 1e-4;

interface Case { layout: MatmulLayout; m: number; k: number; n: number; epilogue: EpilogueName }

/** Runs one product on the GPU with padded operands; returns C unpadded next to the f64 reference. */
let shared: { ctx: KernelContext; mm: Matmul } | undefined;

/** One context for the file, so that each pipeline compiles once. */
async function context() {
  if (!shared) {
    const ctx = new KernelContext((await testGpu()).device);
    shared = { ctx, mm: new Matmul(ctx) };
  }
  return shared;
}

async function run(c: Case, variant: Variant) {
  const gpu = await testGpu();
  const { mm } = await context();
  const { layout, m, k, n } = c;
  // Logical product: C (m, n) = reduce over k. Operand shapes per layout:
  //   nn: A (m, k), B (k, n); tn: A (k, m), B (k, n); nt: A (m, k), B (n, k)
  const a = randomArray(m * k, 11 + m);
  const b = randomArray(k * n, 23 + n);
  const bias = randomArray(n, 5);
  let ref: Float64Array;
  let aPad: Float32Array;
  let bPad: Float32Array;
  let inner: number;
  if (layout === 'nn') {
    ref = matmulNN(a, b, m, k, n);
    aPad = padRows(a, m, k, pad4(k));
    bPad = padRows(b, pad4(k), n, pad4(n)).fill(0);
    bPad.set(padRows(b, k, n, pad4(n)));
    inner = pad4(k);
  } else if (layout === 'tn') {
    ref = matmulTN(a, b, k, m, n);
    aPad = padRows(a, k, m, pad4(m));
    bPad = padRows(b, k, n, pad4(n));
    inner = k;
  } else {
    ref = matmulNT(a, b, m, k, n);
    aPad = padRows(a, m, k, pad4(k));
    bPad = padRows(b, n, k, pad4(k));
    inner = pad4(k);
  }
  const rows = layout === 'tn' ? pad4(m) : m;
  const masked = c.epilogue === 'reluMask' || c.epilogue === 'sigmoidGrad';
  const aux = masked ? randomArray(rows * pad4(n), 77) : padRows(bias, 1, n, pad4(n));
  const out = emptyBuffer(gpu.device, rows * pad4(n));
  const db = emptyBuffer(gpu.device, pad4(n));
  const bBuffer = upload(gpu.device, bPad);
  const d = await mm.plan(
    { layout, rows, cols: pad4(n), inner, epilogue: c.epilogue },
    { a: { buffer: upload(gpu.device, aPad) }, b: { buffer: bBuffer }, c: { buffer: out }, aux: { buffer: upload(gpu.device, aux) }, db: { buffer: db } },
    'test.matmul',
    variant,
  );
  gpu.device.pushErrorScope('validation');
  const enc = gpu.device.createCommandEncoder();
  const pass = enc.beginComputePass();
  encodeAll(pass, [d], 0);
  pass.end();
  gpu.device.queue.submit([enc.finish()]);
  const got = unpadRows(await readFloats(gpu.device, out, 0, rows * pad4(n)), m, n, pad4(n));
  const gotDb = c.epilogue === 'biasGrad' ? await readFloats(gpu.device, db, 0, pad4(n)) : null;
  const err = await gpu.device.popErrorScope();
  expect(err?.message).toBeUndefined();
  // Epilogue on the reference.
  const expected = Float64Array.from(ref, (v, i) => {
    const j = i % n;
    switch (c.epilogue) {
      case 'bias': return v + bias[j];
      case 'biasRelu': return Math.max(0, v + bias[j]);
      case 'biasSigmoid': return 1 / (1 + Math.exp(-(v + bias[j])));
      case 'reluMask': return aux[Math.floor(i / n) * pad4(n) + j] > 0 ? v : 0;
      case 'sigmoidGrad': {
        const y = aux[Math.floor(i / n) * pad4(n) + j];
        return v * y * (1 - y);
      }
      default: return v;
    }
  });
  const result = { ...compareArrays(got, expected, atol * Math.sqrt(k), rtol), got, gotDb, bBuffer };
  if (gotDb) {
    // db = Σ_r B[r, :] (B is (k, n) here), the padding columns zero.
    const refDb = Float64Array.from({ length: pad4(n) }, (_, j) => (j < n ? Array.from({ length: k }, (_, r) => b[r * n + j]).reduce((x, y) => x + y, 0) : 0));
    const dbCheck = compareArrays(gotDb, refDb, atol * Math.sqrt(k), rtol);
    if (!dbCheck.ok) return { ...result, ok: false, maxDiff: dbCheck.maxDiff, gpu: dbCheck.gpu, ref: dbCheck.ref };
  }
  return result;
}

/** Every variant this device can run (the subgroup ones where it has subgroups of 4, as SwiftShader does). */
async function deviceVariants(): Promise<Variant[]> {
  const gpu = await testGpu();
  return candidates(subgroupsOfFour(gpu.device));
}

describe('matmul vs CPU reference', () => {
  // Shapes off every block and workgroup multiple: 37 rows, 10 classes (one padded vec4), odd inner sizes.
  const cases: Case[] = [
    { layout: 'nn', m: 37, k: 30, n: 10, epilogue: 'bias' },
    { layout: 'nn', m: 70, k: 64, n: 33, epilogue: 'biasRelu' },
    { layout: 'nn', m: 5, k: 7, n: 3, epilogue: 'biasSigmoid' },
    { layout: 'tn', m: 30, k: 37, n: 10, epilogue: 'none' },
    { layout: 'tn', m: 66, k: 19, n: 41, epilogue: 'none' },
    { layout: 'tn', m: 30, k: 37, n: 10, epilogue: 'biasGrad' },
    { layout: 'tn', m: 66, k: 19, n: 41, epilogue: 'biasGrad' },
    { layout: 'nt', m: 37, k: 10, n: 30, epilogue: 'reluMask' },
    { layout: 'nt', m: 19, k: 33, n: 66, epilogue: 'none' },
    { layout: 'nt', m: 21, k: 12, n: 14, epilogue: 'sigmoidGrad' },
  ];
  for (const c of cases) {
    it(`${c.layout} ${c.m}×${c.k}×${c.n} ${c.epilogue}, every variant`, async () => {
      for (const v of await deviceVariants()) {
        const r = await run(c, v);
        expect(r.ok, `variant ${v.name}: max |gpu − ref| = ${r.maxDiff} (first bad ${r.gpu} vs ${r.ref})`).toBe(true);
      }
    });
  }

  it('SwiftShader runs the subgroup variants (subgroups of 4)', async () => {
    const gpu = await testGpu();
    const swiftshader = (gpu.adapter.info?.architecture ?? '').includes('swiftshader') || gpu.description.includes('swiftshader');
    if (swiftshader) expect(subgroupsOfFour(gpu.device)).toBe(true);
    expect((await deviceVariants()).length).toBeGreaterThanOrEqual(8);
  });

  // nn and nt add the products of each vec4 of the reduction in one order in every variant, so the
  // choice of variant does not change a bit; tn's subgroup variants sum four batch rows at a time.
  for (const c of [{ layout: 'nn', m: 70, k: 64, n: 33, epilogue: 'biasRelu' }, { layout: 'nt', m: 37, k: 10, n: 30, epilogue: 'reluMask' }] as Case[]) {
    it(`${c.layout}: every variant gives the same bits`, async () => {
      const [first, ...rest] = await deviceVariants();
      const base = (await run(c, first)).got;
      for (const v of rest) expect(Array.from((await run(c, v)).got), `variant ${v.name} vs ${first.name}`).toEqual(Array.from(base));
    });
  }
});

describe('the fused bias gradient (tn, epilogue biasGrad)', () => {
  it('adds the rows one by one in order, in f32: the same bits as a sequential sum, in every variant', async () => {
    const c: Case = { layout: 'tn', m: 66, k: 19, n: 41, epilogue: 'biasGrad' };
    for (const v of await deviceVariants()) {
      const r = await run(c, v);
      const b = await readFloats((await testGpu()).device, r.bBuffer, 0, c.k * pad4(c.n));
      const want = new Float32Array(pad4(c.n));
      for (let j = 0; j < pad4(c.n); j++) {
        let s = 0;
        for (let row = 0; row < c.k; row++) s = Math.fround(s + b[row * pad4(c.n) + j]);
        want[j] = s;
      }
      expect(Array.from(r.gotDb!), `variant ${v.name}`).toEqual(Array.from(want));
    }
  });

  it('is refused outside the tn layout', async () => {
    const { mm } = await context();
    expect(() => mm.validate({ layout: 'nn', rows: 4, cols: 4, inner: 4, epilogue: 'biasGrad' })).toThrow(/tn layout/);
  });
});

describe('matmul variant choice', () => {
  const p: MatmulProblem = { layout: 'nn', rows: 256, cols: 256, inner: 784, epilogue: 'bias' };
  const ops = async () => {
    const gpu = await testGpu();
    return { a: { buffer: emptyBuffer(gpu.device, 256 * 784) }, b: { buffer: emptyBuffer(gpu.device, 784 * 256) }, c: { buffer: emptyBuffer(gpu.device, 256 * 256) }, aux: { buffer: emptyBuffer(gpu.device, 256) } };
  };

  it('pins the heuristic choice for the run when nothing is pinned and no tuner is set', async () => {
    const ctx = new KernelContext((await testGpu()).device);
    const mm = new Matmul(ctx);
    const d = await mm.plan(p, await ops(), 'test.heuristic');
    expect(d.variant).toBe(heuristicVariant(p, mm.subgroups).name);
    expect(ctx.blockChoices.get(problemKey(p))).toBe(d.variant);
  });

  it('uses a pinned choice and never asks the tuner for it', async () => {
    const ctx = new KernelContext((await testGpu()).device);
    ctx.blockChoices.set(problemKey(p), '4x8');
    ctx.tuner = { choose: async () => { throw new Error('the tuner must not run for a pinned problem'); } };
    const d = await new Matmul(ctx).plan(p, await ops(), 'test.pinned');
    expect(d.variant).toBe('4x8');
  });

  it('asks the tuner once per problem, among the variants the device runs, and records its answer', async () => {
    const ctx = new KernelContext((await testGpu()).device);
    const mm = new Matmul(ctx);
    const asked: string[][] = [];
    ctx.tuner = { choose: async (_q, vs) => { asked.push(vs.map((v) => v.name)); return parseVariant('16x4'); } };
    const [d1, d2] = await Promise.all([mm.plan(p, await ops(), 'test.tuned1'), mm.plan(p, await ops(), 'test.tuned2')]);
    expect([d1.variant, d2.variant]).toEqual(['16x4', '16x4']);
    expect(asked).toEqual([candidates(mm.subgroups).map((v) => v.name)]);
    expect(ctx.blockChoices.get(problemKey(p))).toBe('16x4');
  });
});
