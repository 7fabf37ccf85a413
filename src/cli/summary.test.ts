// `classifier-lab summary` from the built CLI: the torchinfo-like table, the JSON object, a custom
// architecture file, and refusals that name the layer path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from '../../tests/helpers/cli';

let cli: string;
let remove: () => void;
const dir = mkdtempSync(join(tmpdir(), 'summary-'));
beforeAll(() => ({ cli, remove } = buildCli()));
afterAll(() => {
  remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('classifier-lab summary', () => {
  it('--json: ResNet-18 at 1×96×96 has d2l\'s 11,178,378 parameters; rows carry path, type, shape, params, MACs', async () => {
    const r = await runCli(cli, ['summary', '--model', 'resnet18', '--input', '1x96x96', '--classes', '10', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.params).toBe(11_178_378);
    expect(s.layers[0]).toEqual({ path: 'net.0.0', type: 'conv2d', label: 'Conv2d 64@7×7, stride 2, pad 3', output: [64, 48, 48], params: 64 * 49 + 64, macs: 48 * 48 * 64 * 49, activation_bytes: 4 * 64 * 48 * 48 });
    expect(s.macs).toBe(s.layers.reduce((n: number, l: { macs: number }) => n + l.macs, 0));
    expect(s.layers.find((l: { path: string }) => l.path === 'net.b3.0')).toMatchObject({ type: 'add', output: [128, 12, 12], params: 0 });
  });

  it('the table: one line per layer path, then the totals', async () => {
    const r = await runCli(cli, ['summary', '--model', 'lenet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^lenet on 1×28×28 inputs, 10 classes\n/);
    expect(r.stdout).toMatch(/layers\.0 +Conv2d 6@5×5, pad 2 +6×28×28 +156 +118 k +18\.8 kB/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^61,706 parameters; /);
  });

  it('--arch FILE.json: a custom graph; a bad layer is refused with its path and reason (exit 2)', async () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ net: [{ type: 'conv2d', out: 4, kernel: 3, padding: 'same' }, { type: 'residual', name: 'r', body: [{ type: 'conv2d', name: 'c', out: 4, kernel: 3, padding: 1 }], activation: 'relu' }, { type: 'globalavgpool' }, { type: 'flatten' }, { type: 'dense', out: 'classes' }] }));
    const r = await runCli(cli, ['summary', '--arch', good, '--input', '3x32x32', '--classes', '5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).params).toBe(3 * 4 * 9 + 4 + 4 * 4 * 9 + 4 + 4 * 5 + 5);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ net: [{ type: 'conv2d', out: 64, kernel: 3 }, { type: 'sequential', name: 'stages', layers: [{ type: 'conv2d', name: 'conv1', in: 32, out: 8, kernel: 3 }] }, { type: 'flatten' }, { type: 'dense', out: 'classes' }] }));
    const b = await runCli(cli, ['summary', '--arch', bad]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('stages.conv1: input has 64 channels, the layer expects 32');
  });
});
