import { describe, expect, it } from 'vitest';
import { randomArray, testGpu } from '../../tests/helpers/gpu';
import { accuracy } from '../reference/softmax-xent';
import { pad4, readBuffer } from './buffers';
import { Accuracy } from './accuracy';
import { KernelContext } from './context';
import { padRows, runDispatches, upload } from './test-util';

async function count(logits: Float32Array, labels: Uint32Array, rows: number, classes: number): Promise<number> {
  const gpu = await testGpu();
  const ctx = new KernelContext(gpu.device);
  const stride = pad4(classes);
  const correct = upload(gpu.device, new Uint32Array(4));
  const d = await new Accuracy(ctx).plan(
    { rows, classes, stride },
    { logits: { buffer: upload(gpu.device, stride === classes ? logits : padRows(logits, rows, classes, stride)) }, labels: { buffer: upload(gpu.device, labels) }, correct: { buffer: correct } },
    'test.accuracy',
  );
  await runDispatches(gpu.device, [d]);
  return new Uint32Array(await readBuffer(gpu.device, correct, 0, 4))[0];
}

describe('fused accuracy vs CPU reference (exact counts)', () => {
  it('random logits, 130 rows × 10 classes, label = last class included', async () => {
    const rows = 130;
    const logits = randomArray(rows * 10, 4);
    const labels = Uint32Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? 9 : i % 10));
    // Make about half the rows right.
    for (let i = 0; i < rows; i += 2) logits[i * 10 + labels[i]] = 5;
    expect(await count(logits, labels, rows, 10)).toBe(accuracy(logits, labels, rows, 10, false));
  });

  it('ties pick the first index; a row with NaN counts as wrong', async () => {
    const c = 4;
    const logits = Float32Array.from([
      1, 3, 3, 0, // tie between 1 and 2: argmax 1
      1, 3, 3, 0, // same row, label 2: wrong
      2, 2, 2, 2, // all equal: argmax 0
      0, NaN, 9, 0, // NaN: wrong even though 2 is the max
      NaN, 0, 0, 0, // NaN first
      -Infinity, -1, Infinity, 0, // infinities are ordinary values
    ]);
    const labels = Uint32Array.from([1, 2, 0, 2, 1, 2]);
    const ref = accuracy(logits, labels, 6, c, false);
    expect(ref).toBe(3);
    expect(await count(logits, labels, 6, c)).toBe(ref);
  });

  it('a batch needing more than 65,535 workgroups is folded into a 2-D grid', async () => {
    const rows = 65_535 * 64 + 1000; // one workgroup of 64 rows each: 65,551 workgroups
    const c = 4;
    const logits = new Float32Array(rows * c);
    const labels = new Uint32Array(rows);
    for (let i = 0; i < rows; i++) {
      const hot = (i * 2654435761) >>> 30; // 0..3
      logits[i * c + hot] = 1;
      labels[i] = i % 5 === 0 ? (hot + 1) % c : hot; // every fifth row wrong
    }
    expect(await count(logits, labels, rows, c)).toBe(accuracy(logits, labels, rows, c, false));
  });
});
