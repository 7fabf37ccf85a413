// The register-block kernels (shaders/ceiling.wgsl) on real WebGPU against their f32 host reference: an odd count
// of invocations (the last workgroup part-filled, dst poisoned past it), a few odd step counts, and a
// src small enough that the load indices wrap.
import { describe, expect, it } from 'vitest';
import { compareArrays, randomArray, testGpu } from '../../tests/helpers/gpu';
import { readFloats } from './buffers';
import { ceilingDispatch, ceilingFlops, ceilingReference, productsPerLoad, type CeilingKernel } from './ceiling';
import { KernelContext } from './context';
import { runDispatches, upload } from './test-util';

describe('ceiling kernels vs the host reference', () => {
  it.each([
    ['alu', 1],
    ['alu', 9],
    ['gather', 1],
    ['gather', 7],
  ] as [CeilingKernel, number][])('%s, %i steps, 101 invocations', async (kernel, steps) => {
    const { device } = await testGpu();
    const kc = new KernelContext(device);
    const invocations = 101;
    const src = randomArray(64, 5 + steps, 1);
    const dst = upload(device, new Float32Array(128 * 4).fill(7));
    const d = await ceilingDispatch(kc, kernel, { invocations, steps, srcFloats: src.length }, { src: { buffer: upload(device, src) }, dst: { buffer: dst } }, 'test.ceiling');
    expect(d.flops).toBe(invocations * steps * 256 * 2);
    await runDispatches(device, [d]);
    const out = await readFloats(device, dst, 0, 128 * 4);
    const ref = new Float32Array(invocations * 4);
    for (let t = 0; t < invocations; t++) ref.set(ceilingReference(kernel, src, t, steps), 4 * t);
    // f32 in the same order; a device may fuse a product and a sum into one rounding (hence 1e-5, not 0).
    const cmp = compareArrays(out.subarray(0, invocations * 4), ref, 1e-5, 1e-5);
    expect(cmp.ok, JSON.stringify(cmp)).toBe(true);
    expect([...out.subarray(invocations * 4)]).toEqual(new Array((128 - invocations) * 4).fill(7));
  });

  it('counts: FLOPs of a launch and multiply-adds per load', () => {
    expect(ceilingFlops({ invocations: 4096, steps: 256, srcFloats: 65536 })).toBe(4096 * 256 * 8 * 2 * 4 * 4 * 2);
    expect([productsPerLoad('alu'), productsPerLoad('gather')]).toEqual([256, 4]);
  });

  it('refuses a src whose length is not a power of 2', async () => {
    const { device } = await testGpu();
    const kc = new KernelContext(device);
    const b = { buffer: kc.dummy };
    await expect(ceilingDispatch(kc, 'alu', { invocations: 1, steps: 1, srcFloats: 48 }, { src: b, dst: b }, 'test')).rejects.toThrow('src must hold a power of 2 of floats, got 48');
  });
});
