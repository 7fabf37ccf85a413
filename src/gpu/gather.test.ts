import { describe, expect, it } from 'vitest';
import { compareArrays, testGpu } from '../../tests/helpers/gpu';
import { normalize } from '../reference/layers';
import { permutation, streamKey } from '../reference/random';
import { pad4, readBuffer, readFloats } from './buffers';
import { KernelContext } from './context';
import { Gather, type DataChunk } from './gather';
import { StepUniform } from './step-uniform';
import { emptyBuffer, padRows, runDispatches, unpadRows, upload } from './test-util';

/** Uploads u8 or f32 rows as `chunkRows`-row chunks (bytes padded to whole u32 words per chunk). */
function chunksOf(device: GPUDevice, data: Uint8Array | Float32Array, features: number, n: number, chunkRows: number): DataChunk[] {
  const out: DataChunk[] = [];
  for (let start = 0; start < n; start += chunkRows) {
    const rows = Math.min(chunkRows, n - start);
    const part = data.subarray(start * features, (start + rows) * features);
    const bytes = new Uint8Array(Math.ceil(part.byteLength / 16) * 16 || 16);
    bytes.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
    const buffer = device.createBuffer({ size: bytes.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(buffer, 0, bytes);
    out.push({ buffer, start, rows });
  }
  return out;
}

async function gather(dtype: 'u8' | 'f32', features: number, n: number, batch: number, batchStart: number, chunkRows: number) {
  const gpu = await testGpu();
  const ctx = new KernelContext(gpu.device);
  const data = dtype === 'u8' ? Uint8Array.from({ length: n * features }, (_, i) => (i * 37 + 11) & 255) : Float32Array.from({ length: n * features }, (_, i) => Math.sin(i));
  const labels = Uint32Array.from({ length: n }, (_, i) => i % 7);
  const order = permutation(n, streamKey(3, 2));
  const scale = Float32Array.from({ length: features }, (_, j) => 1 / (j + 2));
  const shift = Float32Array.from({ length: features }, (_, j) => -j / 10);
  const stride = pad4(features);
  const steps = new StepUniform(gpu.device, 2, 'test.steps');
  steps.set(1, { step: 0, batchStart, slot: 0, lr: 0 });
  steps.flush();
  const x = emptyBuffer(gpu.device, batch * stride);
  gpu.device.queue.writeBuffer(x, 0, new Float32Array(batch * stride).fill(9));
  const y = emptyBuffer(gpu.device, batch);
  const list = await new Gather(ctx).plan({ rows: batch, features, dtype }, {
    chunks: chunksOf(gpu.device, data, features, n, chunkRows),
    order: { buffer: upload(gpu.device, order) },
    scale: { buffer: upload(gpu.device, padRows(scale, 1, features, stride)) },
    shift: { buffer: upload(gpu.device, padRows(shift, 1, features, stride)) },
    labels: { buffer: upload(gpu.device, labels) },
    x: { buffer: x },
    y: { buffer: y },
    stepBuffer: steps.buffer,
  }, 'test.gather');
  await runDispatches(gpu.device, list, 1);
  const xs = await readFloats(gpu.device, x, 0, batch * stride);
  const ys = new Uint32Array(await readBuffer(gpu.device, y, 0, batch * 4));
  // Reference: the rows order[batchStart + b], normalised.
  const rows = new Float64Array(batch * features);
  const refY = new Uint32Array(batch);
  for (let b = 0; b < batch; b++) {
    const src = order[batchStart + b];
    refY[b] = labels[src];
    for (let j = 0; j < features; j++) rows[b * features + j] = data[src * features + j];
  }
  return { got: unpadRows(xs, batch, features, stride), padded: xs, ref: normalize(rows, scale, shift, features), ys, refY, stride };
}

describe('batch gather + normalise vs CPU reference', () => {
  const cases = [
    { dtype: 'u8', features: 784, n: 300, batch: 37, batchStart: 100, chunkRows: 300 },
    { dtype: 'u8', features: 13, n: 90, batch: 20, batchStart: 50, chunkRows: 90 },
    { dtype: 'u8', features: 13, n: 90, batch: 40, batchStart: 40, chunkRows: 17 }, // five chunks
    { dtype: 'f32', features: 10, n: 64, batch: 30, batchStart: 30, chunkRows: 64 },
    { dtype: 'f32', features: 10, n: 64, batch: 64, batchStart: 0, chunkRows: 9 },
  ] as const;
  for (const c of cases) {
    it(`${c.dtype} D=${c.features} batch ${c.batch} from ${c.batchStart}, chunks of ${c.chunkRows}`, async () => {
      const r = await gather(c.dtype, c.features, c.n, c.batch, c.batchStart, c.chunkRows);
      // Exact up to one f32 multiply-add per element.
      const cmp = compareArrays(r.got, r.ref, 1e-6, 1e-6);
      expect(cmp.ok, `max diff ${cmp.maxDiff}`).toBe(true);
      expect([...r.ys]).toEqual([...r.refY]);
      for (let b = 0; b < c.batch; b++) for (let j = c.features; j < r.stride; j++) expect(r.padded[b * r.stride + j]).toBe(0);
    });
  }
});
