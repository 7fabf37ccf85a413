// `classifier-lab bench` built and run on real WebGPU (Dawn), on a subset: a table with the model's
// row and its profiled step, then one JSON line with the speed, accuracy and structural figures. The
// autotune is off (--no-autotune) so the test never writes the user's cache; nothing checks speed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from '../../tests/helpers/cli';

let cli: string;
let remove: () => void;

beforeAll(() => {
  ({ cli, remove } = buildCli());
});
afterAll(() => remove?.());

describe('classifier-lab bench', () => {
  it('prints the table, the softmax step by kernel, and a JSON line with the figures', async () => {
    const r = await runCli(cli, ['bench', '--models', 'softmax', '--reps', '2', '--limit', '1024', '--warmup-limit', '256', '--no-autotune']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/softmax rep 2\/2: \d+ examples\/s/);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\| model\s+\| examples\/s \|/);
    expect(r.stdout).toMatch(/\| softmax step \(batch 256\)/);
    expect(r.stdout).toMatch(/\| layers\.1\.backward\.dW\s+\|\s+matmul \|/);
    const json = JSON.parse(lines.at(-1)!);
    expect(json.adapter).toMatch(/swiftshader/i);
    const s = json.models.softmax;
    expect(s.lab).toBeGreaterThan(0);
    expect(s.lab_val_acc).toBeGreaterThan(0.1);
    // 1,024 examples at batch 256: 4 steps in 4 ranges, validation, the epoch-end weights, the engine's
    // in-memory checkpoint of them, and (a run of one epoch) the initial weights the trainer keeps for a
    // divergence. A step's dispatches include the training steps' accuracy count (issue 12 item 7).
    expect(s).toMatchObject({ dispatches_per_step: 7, submits_per_epoch: 8, map_async_per_epoch: 8, bytes_uploaded_per_epoch: 1024 * 4 + 4 * 256 });
  });

  it('refuses a bad --reps with a usage message', async () => {
    const r = await runCli(cli, ['bench', '--reps', 'three']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--reps: "three" is not a number/);
  });
});
