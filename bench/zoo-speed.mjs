// `npm run bench:zoo`: every zoo model's parameter count and its training examples/s on this machine, at
// the smallest input it accepts (or --size N), through the built CLI on Dawn: one epoch on the first
// --train Fashion-MNIST examples (validation on the next --val), images resized in the gather, on
// --backend (webgpu by default: `auto` would choose per model; wasm for the WebAssembly kernels).
// Prints a table and one JSON line. Timings drift with the machine's load: compare within one run.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'softmax,mlp,lenet,lenet-bn,alexnet,vgg11,nin,googlenet,resnet18,densenet,resnet-narrow' },
    train: { type: 'string', default: '256' },
    val: { type: 'string', default: '64' },
    size: { type: 'string' },
    cli: { type: 'string', default: 'dist-cli/cli.mjs' },
    backend: { type: 'string', default: 'webgpu' },
  },
});
const root = new URL('..', import.meta.url).pathname;
const cli = join(root, values.cli);
const train = Number(values.train);
const val = Number(values.val);

/** The first n examples of the built-in Fashion-MNIST as an IDX pair (train) and the next m (val). */
function subset(dir) {
  const data = join(root, 'public/data/fashion-mnist');
  const images = readFileSync(join(data, 'train-images-idx3-ubyte'));
  const labels = readFileSync(join(data, 'train-labels-idx1-ubyte'));
  const write = (name, from, count) => {
    const img = Buffer.alloc(16 + count * 784);
    img.writeUInt32BE(0x803, 0);
    img.writeUInt32BE(count, 4);
    img.writeUInt32BE(28, 8);
    img.writeUInt32BE(28, 12);
    images.copy(img, 16, 16 + from * 784, 16 + (from + count) * 784);
    const lab = Buffer.alloc(8 + count);
    lab.writeUInt32BE(0x801, 0);
    lab.writeUInt32BE(count, 4);
    labels.copy(lab, 8, 8 + from, 8 + from + count);
    writeFileSync(join(dir, `${name}-images-idx3-ubyte`), img);
    writeFileSync(join(dir, `${name}-labels-idx1-ubyte`), lab);
    return [join(dir, `${name}-images-idx3-ubyte`), join(dir, `${name}-labels-idx1-ubyte`)];
  };
  return [...write('train', 0, train), ...write('val', train, val)];
}

const dir = mkdtempSync(join(tmpdir(), 'zoo-speed-'));
const files = subset(dir);
const rows = [];
try {
  for (const model of values.models.split(',')) {
    const summary = (size) => JSON.parse(execFileSync(process.execPath, [cli, 'summary', '--model', model, '--input', `1x${size}x${size}`, '--json'], { encoding: 'utf8' }));
    const flat = ['softmax', 'mlp'].includes(model);
    let size = flat ? 28 : Number(values.size ?? 0);
    if (!size) {
      // The smallest square input the model accepts, from 4 (the smallest --resize).
      for (size = 4; size <= 512; size++) {
        if (spawnSync(process.execPath, [cli, 'summary', '--model', model, '--input', `1x${size}x${size}`, '--json']).status === 0) break;
      }
    }
    const s = summary(size);
    const resize = size === 28 ? [] : ['--resize', String(size)];
    const args = [cli, 'train', '--model', model, '--epochs', '1', '--batch-size', String(Math.min(64, train)), '--data', ...files, ...resize, '--backend', values.backend];
    const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
    const epoch = run.stdout.trim().split('\n').map((l) => { try { return JSON.parse(l); } catch { return null; } }).find((e) => e && e.epoch === 1);
    const row = { model, input: size, params: s.params, macs: s.macs, examples_per_s: epoch ? Number(epoch.examples_per_s.toFixed(1)) : null, error: epoch ? undefined : run.stderr.trim().split('\n').at(-1) };
    rows.push(row);
    console.log(`${model.padEnd(14)} ${`${row.input}×${row.input}`.padStart(8)} ${row.params.toLocaleString('en-US').padStart(12)} params ${row.examples_per_s === null ? `failed: ${row.error}` : `${row.examples_per_s} examples/s`}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ backend: values.backend, train, val, rows }));
