// The built CLI with files, on real WebGPU (Dawn): a run cut at epoch 1 (--until-epoch, --checkpoint) and
// resumed (--resume) ends bit-identical to an uninterrupted one; --onnx is checked by onnxruntime-node;
// predict's logits are the lab's forward pass and the ONNX graph's; inspect validates; bad input exits 2.
import { readFile, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from '../../tests/helpers/cli';
import { parseNpy } from '../data/npy';
import { decodeRunFile } from '../io/checkpoint';
import { labLogits } from '../io/lab-forward';
import { writeNpyF32 } from '../io/npy-write';
import { compareLogits } from '../io/onnx/parity';
import { runOnnxNode } from '../io/onnx/run-node';

let cli: string;
let remove: () => void;
const dir = mkdtempSync(join(tmpdir(), 'classifier-lab-cli-'));
const at = (name: string) => join(dir, name);
const run = (...args: string[]) => runCli(cli, args);
const epochsOf = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as { epoch: number; train_loss: number; val_loss: number; val_acc: number });
const bits = (t: Float32Array) => Buffer.from(t.buffer, t.byteOffset, t.byteLength).toString('base64');

beforeAll(() => {
  ({ cli, remove } = buildCli());
});
afterAll(() => {
  remove?.();
  rmSync(dir, { recursive: true, force: true });
});

const RUN = ['--model', 'mlp', '--hidden', '16', '--epochs', '3', '--limit', '1024', '--seed', '4'];

describe('classifier-lab train with files', () => {
  it('--until-epoch 1 --checkpoint, then --resume: the same epochs and final weights as one uninterrupted run', async () => {
    const whole = await run('train', ...RUN, '--out', at('whole.safetensors'));
    expect(whole.code, whole.stderr).toBe(0);
    const cut = await run('train', ...RUN, '--until-epoch', '1', '--checkpoint', at('cut.safetensors'));
    expect(cut.code, cut.stderr).toBe(0);
    expect(epochsOf(cut.stdout).map((e) => e.epoch)).toEqual([1]);
    const resumed = await run('train', '--resume', at('cut.safetensors'), '--checkpoint', at('resumed.safetensors'), '--out', at('resumed-export.safetensors'));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming checkpoint of mlp on Fashion-MNIST, 1 of 3 epochs');

    const strip = (e: ReturnType<typeof epochsOf>[number]) => ({ epoch: e.epoch, train_loss: e.train_loss, val_loss: e.val_loss, val_acc: e.val_acc });
    expect([...epochsOf(cut.stdout), ...epochsOf(resumed.stdout)].map(strip)).toEqual(epochsOf(whole.stdout).map(strip));
    const a = decodeRunFile(await readFile(at('whole.safetensors')), 'whole');
    const b = decodeRunFile(await readFile(at('resumed-export.safetensors')), 'resumed');
    for (const [name, t] of a.params) expect(bits(b.params.get(name)!), name).toBe(bits(t));
    expect(b.manifest.history).toEqual(a.manifest.history);
    const checkpoint = decodeRunFile(await readFile(at('resumed.safetensors')), 'checkpoint');
    expect(checkpoint.manifest.contents).toBe('checkpoint');
    expect(checkpoint.manifest.position).toMatchObject({ epoch: 3, step: 0 });
  });

  it('refuses to change a resumed run\'s settings, or to resume it on another dataset, naming what differs', async () => {
    const lr = await run('train', '--resume', at('cut.safetensors'), '--lr', '0.5');
    expect(lr.code).toBe(2);
    expect(lr.stderr).toContain('--resume continues the run with its own settings; drop --lr');
    const other = await run('train', '--resume', at('cut.safetensors'), '--dataset', 'mnist');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/trained on Fashion-MNIST \(60,000 train \/ 10,000 validation, 1×28×28, 10 classes\); the loaded dataset differs in training examples \(60000 vs 9000\), validation examples \(10000 vs 1000\), data hash/);
  });

  it('--onnx writes a graph onnxruntime-node agrees with; predict gives the lab\'s logits, which the graph reproduces', async () => {
    const r = await run('train', '--resume', at('cut.safetensors'), '--epochs', '1', '--onnx', at('model.onnx'), '--onnx-softmax', '--out', at('model.safetensors'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/onnxruntime-node 1\.30\.0 on 256 validation examples: largest logit difference \S+, argmax agrees on 256\/256/);

    const rows = 5;
    const x = Float32Array.from({ length: rows * 784 }, (_, i) => (i * 37) % 256);
    await writeFile(at('x.npy'), writeNpyF32(x, [rows, 1, 28, 28]));
    const p = await run('predict', at('model.safetensors'), '--input', at('x.npy'), '--out', at('logits.npy'));
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout)).toMatchObject({ rows, classes: 10, output: 'logits' });
    const logits = parseNpy(await readFile(at('logits.npy')), 'logits.npy');
    expect(logits.dims).toEqual([rows, 10]);
    const { manifest, params } = decodeRunFile(await readFile(at('model.safetensors')), 'model');
    expect(Array.from(logits.data)).toEqual(Array.from(Float32Array.from(labLogits(manifest, params, x, rows))));
    const onnx = await runOnnxNode(await readFile(at('model.onnx')), x, [rows, 1, 28, 28]);
    const parity = compareLogits(onnx.logits, logits.data, rows, 10);
    expect(parity.firstOutside).toBeUndefined();
    expect(parity.argmaxAgree).toBe(rows);
  });

  it('predict refuses input of the wrong shape, exit 2', async () => {
    await writeFile(at('bad.npy'), writeNpyF32(new Float32Array(2 * 10), [2, 10]));
    const p = await run('predict', at('model.safetensors'), '--input', at('bad.npy'), '--out', at('never.npy'));
    expect(p.code).toBe(2);
    expect(p.stderr).toContain("bad.npy: shape (2, 10) does not fit the model's input: (N, 1, 28, 28) or (N, 784) raw features are needed");
  });

  it('inspect prints the summary of a checkpoint, and a damaged file\'s error with exit 2', async () => {
    const ok = await run('inspect', at('resumed.safetensors'));
    expect(ok.code, ok.stderr).toBe(0);
    const summary = JSON.parse(ok.stdout);
    expect(summary).toMatchObject({ kind: 'checkpoint', history_length: expect.any(Number), optimizer_slots: [] });
    expect(summary.tensors.map((t: { name: string }) => t.name).sort()).toEqual(['layers.1.bias', 'layers.1.weight', 'layers.3.bias', 'layers.3.weight']);
    expect(summary.manifest.position.epoch).toBe(3);
    expect(summary.history_length).toBeGreaterThan(3);

    const bytes = new Uint8Array(await readFile(at('resumed.safetensors')));
    await writeFile(at('cut-short.safetensors'), bytes.subarray(0, bytes.length - 4));
    const bad = await run('inspect', at('cut-short.safetensors'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/cut-short\.safetensors, byte \d+: tensor "layers\.3\.weight": data_offsets \[\d+, (\d+)\] run past the end of the file \(the data section holds \d+ bytes\): truncated\?/);
  });
});
