import { describe, expect, it } from 'vitest';
import { compareArrays, randomArray, testGpu } from '../../tests/helpers/gpu';
import { softmaxCrossEntropy, softmaxCrossEntropyBackward } from '../reference/softmax-xent';
import { pad4, readFloats } from './buffers';
import { KernelContext } from './context';
import { SoftmaxXent } from './softmax-xent';
import { StepUniform } from './step-uniform';
import { emptyBuffer, padRows, runDispatches, unpadRows, upload } from './test-util';

// Gradient tolerance: dlogits are O(1/B); f32 exp/log give ~1e-7 relative error per term.
const gradAtol = 1e-6;
const gradRtol = 1e-4;

async function run(rows: number, classes: number, logits: Float32Array, labels: Uint32Array, train: boolean, slot: number) {
  const gpu = await testGpu();
  const ctx = new KernelContext(gpu.device);
  const stride = pad4(classes);
  const steps = new StepUniform(gpu.device, slot + 1, 'test.steps');
  steps.set(slot, { step: 0, batchStart: 0, slot, lr: 0 });
  steps.flush();
  const dLogits = emptyBuffer(gpu.device, rows * stride);
  // Poison the padding so a kernel that skips it is caught.
  gpu.device.queue.writeBuffer(dLogits, 0, new Float32Array(rows * stride).fill(7));
  const losses = emptyBuffer(gpu.device, slot + 4);
  const list = await new SoftmaxXent(ctx).plan(
    { rows, classes, stride },
    {
      logits: { buffer: upload(gpu.device, padRows(logits, rows, classes, stride)) },
      labels: { buffer: upload(gpu.device, labels) },
      dLogits: train ? { buffer: dLogits } : undefined,
      partials: { buffer: emptyBuffer(gpu.device, Math.ceil(rows / 64)) },
      losses: { buffer: losses },
      stepBuffer: steps.buffer,
    },
    'test.xent',
  );
  await runDispatches(gpu.device, list, slot);
  const padded = await readFloats(gpu.device, dLogits, 0, rows * stride);
  const loss = (await readFloats(gpu.device, losses, slot, 1))[0];
  return { loss, padded, d: unpadRows(padded, rows, classes, stride) };
}

function makeCase(rows: number, classes: number, seed: number) {
  const logits = randomArray(rows * classes, seed, 4);
  const labels = Uint32Array.from({ length: rows }, (_, i) => (i * 7 + seed) % classes);
  labels[rows - 1] = classes - 1; // the last class
  // Extreme rows: softmax must stay finite at ±80 (exp(80) overflows f32 without the max shift).
  for (let j = 0; j < classes; j++) logits[j] = j === 0 ? 80 : -80;
  for (let j = 0; j < classes; j++) logits[classes + j] = 80;
  return { logits, labels };
}

describe('softmax cross-entropy vs CPU reference', () => {
  for (const [rows, classes] of [[37, 10], [150, 3], [64, 17]] as const) {
    it(`${rows} rows × ${classes} classes: loss sum, dlogits, zero padding`, async () => {
      const { logits, labels } = makeCase(rows, classes, rows);
      const { loss, d, padded } = await run(rows, classes, logits, labels, true, 2);
      const refLoss = softmaxCrossEntropy(logits, labels, rows, classes).reduce((a, b) => a + b, 0);
      expect(Number.isFinite(loss)).toBe(true);
      expect(Math.abs(loss - refLoss), `loss ${loss} vs ${refLoss}`).toBeLessThanOrEqual(1e-4 + 1e-5 * Math.abs(refLoss));
      const cmp = compareArrays(d, softmaxCrossEntropyBackward(logits, labels, rows, classes), gradAtol, gradRtol);
      expect(cmp.ok, `max diff ${cmp.maxDiff}`).toBe(true);
      const stride = pad4(classes);
      for (let i = 0; i < rows; i++) for (let j = classes; j < stride; j++) expect(padded[i * stride + j]).toBe(0);
    });
  }

  it('validation entry computes the same loss without touching dlogits', async () => {
    const { logits, labels } = makeCase(70, 10, 3);
    const train = await run(70, 10, logits, labels, true, 0);
    const val = await run(70, 10, logits, labels, false, 5);
    expect(val.loss).toBe(train.loss);
    expect(val.padded.every((v) => v === 7)).toBe(true);
  });

  it('is bit-identical across runs (fixed-order reduction)', async () => {
    const { logits, labels } = makeCase(200, 10, 9);
    const a = await run(200, 10, logits, labels, true, 1);
    const b = await run(200, 10, logits, labels, true, 1);
    expect(b.loss).toBe(a.loss);
    expect(Buffer.from(b.padded.buffer).equals(Buffer.from(a.padded.buffer))).toBe(true);
  });
});
