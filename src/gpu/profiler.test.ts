// The timestamp profiler on real WebGPU: one timing per dispatch, in list order, with its label, family
// and FLOPs; the dispatches really run (their output is the product); families sum their members.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../tests/helpers/gpu';
import { readFloats } from './buffers';
import { KernelContext } from './context';
import { Matmul } from './matmul';
import { byFamily, gflops, median, Profiler, timestampsSupported } from './profiler';
import { emptyBuffer, upload } from './test-util';

describe('Profiler', () => {
  it('times each dispatch of a list in its own pass, and the work is done', async () => {
    const gpu = await testGpu();
    expect(timestampsSupported(gpu.device), 'SwiftShader offers timestamp-query; the lab requests it').toBe(true);
    const kc = new KernelContext(gpu.device);
    const mm = new Matmul(kc);
    // C = A·B with A = 8×8 ones and B = 8×4 twos: every entry is 16.
    const a = upload(gpu.device, new Float32Array(64).fill(1));
    const b = upload(gpu.device, new Float32Array(32).fill(2));
    const c1 = emptyBuffer(gpu.device, 32);
    const c2 = emptyBuffer(gpu.device, 32);
    const p = { layout: 'nn', rows: 8, cols: 4, inner: 8, epilogue: 'none' } as const;
    const list = [await mm.plan(p, { a: { buffer: a }, b: { buffer: b }, c: { buffer: c1 } }, 'first'), await mm.plan(p, { a: { buffer: a }, b: { buffer: b }, c: { buffer: c2 } }, 'second')];
    const profiler = new Profiler(gpu.device, 4);
    const t = await profiler.time(list, 0, 3);
    expect(t.map((x) => x.label)).toEqual(['first', 'second']);
    expect(t.map((x) => x.family)).toEqual(['matmul', 'matmul']);
    expect(t.map((x) => x.flops)).toEqual([512, 512]);
    for (const x of t) expect(Number.isFinite(x.ms) && x.ms >= 0).toBe(true);
    expect(Array.from(await readFloats(gpu.device, c2))).toEqual(new Array(32).fill(16));
    await expect(profiler.time(new Array(5).fill(list[0]))).rejects.toThrow(/capacity of 4/);
    profiler.destroy();
  });

  it('sums families, largest first, and computes GFLOP/s and medians', () => {
    const f = byFamily([
      { label: 'a', family: 'matmul', ms: 2, flops: 4e6 },
      { label: 'b', family: 'gather', ms: 3, flops: 0 },
      { label: 'c', family: 'matmul', ms: 2, flops: 4e6 },
    ]);
    expect(f).toEqual([
      { family: 'matmul', ms: 4, count: 2, flops: 8e6 },
      { family: 'gather', ms: 3, count: 1, flops: 0 },
    ]);
    expect(gflops(8e6, 4)).toBe(2);
    expect(gflops(1, 0)).toBe(0);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
