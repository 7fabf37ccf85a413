// The batch gather on real WebGPU against the CPU reference (src/reference/gather.ts): plain normalise,
// bilinear resize (28 → 96 up, odd sizes down), random crop and flip keyed per epoch, bytes and floats,
// datasets split across chunks, batches that are not a multiple of the workgroup.
import { describe, expect, it } from 'vitest';
import { compareArrays, testGpu } from '../../tests/helpers/gpu';
import { augmentDraw, augmentKey, gatherBatch, type Augment } from '../reference/gather';
import { permutation, streamKey } from '../reference/random';
import { pad4, readBuffer, readFloats } from './buffers';
import { KernelContext } from './context';
import { AugmentKey, Gather, gatherOutFeatures, type DataChunk, type GatherSpec } from './gather';
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

interface Case {
  dtype: 'u8' | 'f32';
  shape: number[];
  n: number;
  batch: number;
  batchStart: number;
  chunkRows: number;
  resize?: [number, number];
  augment?: Augment;
  epoch?: number;
}

async function gather(c: Case) {
  const gpu = await testGpu();
  const device = gpu.device;
  const ctx = new KernelContext(device);
  const features = c.shape.reduce((a, b) => a * b, 1);
  const data = c.dtype === 'u8' ? Uint8Array.from({ length: c.n * features }, (_, i) => (i * 37 + 11) & 255) : Float32Array.from({ length: c.n * features }, (_, i) => Math.sin(i));
  const labels = Uint32Array.from({ length: c.n }, (_, i) => i % 7);
  const order = permutation(c.n, streamKey(3, 2));
  const scale = Float32Array.from({ length: features }, (_, j) => 1 / (j + 2));
  const shift = Float32Array.from({ length: features }, (_, j) => -j / 10);
  const spec: GatherSpec = { rows: c.batch, features, dtype: c.dtype, shape: c.shape, resize: c.resize, augment: c.augment };
  const outF = gatherOutFeatures(spec);
  const stride = pad4(outF);
  const steps = new StepUniform(device, 2, 'test.steps');
  steps.set(1, { step: 0, batchStart: c.batchStart, slot: 0, lr: 0 });
  steps.flush();
  const key = new AugmentKey(device, 'test.augmentKey');
  key.set(11, c.epoch ?? 0);
  const x = upload(device, new Float32Array(c.batch * stride).fill(9));
  const y = emptyBuffer(device, c.batch);
  const list = await new Gather(ctx).plan(spec, {
    chunks: chunksOf(device, data, features, c.n, c.chunkRows),
    order: { buffer: upload(device, order) },
    scale: { buffer: upload(device, padRows(scale, 1, features, pad4(features))) },
    shift: { buffer: upload(device, padRows(shift, 1, features, pad4(features))) },
    labels: { buffer: upload(device, labels) },
    x: { buffer: x },
    y: { buffer: y },
    stepBuffer: steps.buffer,
    augment: key.buffer,
  }, 'test.gather');
  await runDispatches(device, list, 1);
  const padded = await readFloats(device, x, 0, c.batch * stride);
  const ys = new Uint32Array(await readBuffer(device, y, 0, c.batch * 4));
  const indices = order.subarray(c.batchStart, c.batchStart + c.batch);
  const ref = gatherBatch({ x: data, y: labels }, indices, scale, shift, { shape: c.shape, resize: c.resize, augment: c.augment }, augmentKey(11, c.epoch ?? 0));
  return { got: unpadRows(padded, c.batch, outF, stride), padded, ref, ys, indices, outF, stride };
}

const cases: Case[] = [
  { dtype: 'u8', shape: [784], n: 300, batch: 37, batchStart: 100, chunkRows: 300 },
  { dtype: 'u8', shape: [13], n: 90, batch: 20, batchStart: 50, chunkRows: 90 },
  { dtype: 'u8', shape: [13], n: 90, batch: 40, batchStart: 40, chunkRows: 17 }, // five chunks
  { dtype: 'f32', shape: [10], n: 64, batch: 30, batchStart: 30, chunkRows: 64 },
  { dtype: 'f32', shape: [10], n: 64, batch: 64, batchStart: 0, chunkRows: 9 },
  // Resize: Fashion-MNIST up to d2l's 96 (and a non-square odd target), down to odd sizes, RGB.
  { dtype: 'u8', shape: [1, 28, 28], n: 80, batch: 67, batchStart: 5, chunkRows: 30, resize: [96, 96] },
  { dtype: 'u8', shape: [1, 28, 28], n: 20, batch: 9, batchStart: 3, chunkRows: 20, resize: [41, 33] },
  { dtype: 'f32', shape: [3, 33, 29], n: 20, batch: 7, batchStart: 2, chunkRows: 6, resize: [17, 13] },
  { dtype: 'u8', shape: [3, 9, 7], n: 20, batch: 11, batchStart: 0, chunkRows: 20, resize: [4, 3] },
  // Augmentation, alone and with a resize.
  { dtype: 'u8', shape: [3, 11, 13], n: 90, batch: 65, batchStart: 10, chunkRows: 40, augment: { crop: 4, flip: true }, epoch: 3 },
  { dtype: 'u8', shape: [1, 28, 28], n: 50, batch: 21, batchStart: 7, chunkRows: 50, augment: { crop: 2, flip: false } },
  { dtype: 'f32', shape: [2, 7, 6], n: 30, batch: 13, batchStart: 1, chunkRows: 11, augment: { crop: 0, flip: true }, epoch: 1 },
  { dtype: 'u8', shape: [1, 28, 28], n: 30, batch: 10, batchStart: 4, chunkRows: 30, augment: { crop: 4, flip: true }, resize: [48, 40], epoch: 7 },
];

describe('batch gather vs CPU reference', () => {
  it.each(cases)('$dtype $shape batch $batch from $batchStart, chunks of $chunkRows, resize $resize, augment $augment', async (c) => {
    const r = await gather(c);
    // Plain and augmented: one f32 multiply-add per element. Resized: a bilinear blend of four such
    // values in f32 (weights and coordinates in f32 too): a few ulps of values up to ~80 (f32 data ≤ 1,
    // shifts down to −78).
    const cmp = compareArrays(r.got, r.ref.x, c.resize ? 2e-5 : 1e-6, c.resize ? 1e-5 : 1e-6);
    expect(cmp.ok, `max diff ${cmp.maxDiff} at ${cmp.firstBad}: ${cmp.gpu} vs ${cmp.ref}`).toBe(true);
    expect([...r.ys]).toEqual([...r.ref.y]);
    for (let b = 0; b < c.batch; b++) for (let j = r.outF; j < r.stride; j++) expect(r.padded[b * r.stride + j]).toBe(0);
  });

  // Each gather() builds a fresh context, Gather and AugmentKey, as a resumed run does: the batches of an
  // epoch depend on (seed, epoch, example index) only.
  it('augmentation: same (seed, epoch), same batch bit for bit, also rebuilt (resume); the next epoch draws anew; a flipped row mirrors', async () => {
    const c: Case = { dtype: 'u8', shape: [1, 6, 5], n: 40, batch: 40, batchStart: 0, chunkRows: 40, augment: { crop: 0, flip: true }, epoch: 2 };
    const a = await gather(c);
    const b = await gather(c);
    expect([...a.got]).toEqual([...b.got]);
    const next = await gather({ ...c, epoch: 3 });
    expect([...next.got]).not.toEqual([...a.got]);
    const plain = await gather({ ...c, augment: undefined });
    const key = augmentKey(11, 2);
    let flipped = 0;
    for (let row = 0; row < c.batch; row++) {
      const flip = augmentDraw(key, a.indices[row], c.augment!).flip;
      flipped += flip ? 1 : 0;
      // Normalisation depends on the position (scale[j]), so compare raw pixels: the plain gather's
      // normalisation undone at the source position, the augmented one at the output position.
      for (let r = 0; r < 6; r++) {
        for (let q = 0; q < 5; q++) {
          const j = r * 5 + q;
          const src = r * 5 + (flip ? 4 - q : q);
          const rawAug = (a.got[row * 30 + j] + j / 10) * (j + 2);
          const rawPlain = (plain.got[row * 30 + src] + src / 10) * (src + 2);
          expect(Math.abs(rawAug - rawPlain)).toBeLessThan(0.01);
        }
      }
    }
    expect(flipped > 0 && flipped < c.batch).toBe(true);
  });
});
