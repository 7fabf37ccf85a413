// `classifier-lab export-pytorch` end to end with the built CLI and real PyTorch (Debian's python3-torch):
// - softmax, an MLP with dropout and LeNet-BN trained one epoch on 2,000 examples: the project's eval
//   logits (predict.py) equal `classifier-lab predict`'s within 1e-4 + 1e-4·|lab| on 16 validation examples;
// - a 2-epoch MLP run (momentum, cosine) continued by `torchrun --nproc_per_node=2 train.py --epochs 4`
//   (DDP, gloo): its checkpoint opens in the lab (inspect: 4 of 4 epochs; train --resume keeps training),
//   its history is the lab's epochs 1–2 then PyTorch's 3–4, and its validation accuracy is within 0.02 of
//   the lab continuing the same checkpoint itself; `python3 -m torch.distributed.run` works the same;
// - a model PyTorch cannot express (a layer named after an nn.Module attribute) is refused by name.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli, type CliResult } from '../../tests/helpers/cli';
import { launch, PYTHON, runPy, TORCHRUN, torchMissing } from '../../tests/helpers/torch';
import { parseNpy } from '../data/npy';
import { decodeRunFile } from '../io/checkpoint';
import { writeNpyF32 } from '../io/npy-write';
import type { EpochSummary } from '../model/metrics';
import { compare, fashionSubset, labInputNpz, rawVal, tempDir } from '../io/pytorch/test-util';

const missing = torchMissing();
const ROWS = 16;

const ok = (r: CliResult | { code: number | null; stderr: string }) => expect(r.code, r.stderr).toBe(0);
const epochsOf = (stdout: string): EpochSummary[] => stdout.split('\n').filter((l) => l.startsWith('{"epoch"')).map((l) => JSON.parse(l) as EpochSummary);

describe.skipIf(missing !== null)(`classifier-lab export-pytorch with PyTorch${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let cli: string;
  let removeCli = () => {};
  const tmp = tempDir('lab-export-pytorch-');
  const data = join(tmp.dir, 'fashion-2000.npz');
  const x16 = join(tmp.dir, 'x16.npy');
  const lab = (...args: string[]) => runCli(cli, args);

  beforeAll(async () => {
    ({ cli, remove: removeCli } = buildCli());
    const d = await fashionSubset(2000, 500);
    writeFileSync(data, labInputNpz(d));
    writeFileSync(x16, writeNpyF32(rawVal(d, ROWS), [ROWS, 1, 28, 28]));
  }, 120_000);
  afterAll(() => {
    removeCli();
    tmp.remove();
  });

  it.each([
    ['softmax', ['--model', 'softmax']],
    ['mlp with dropout', ['--model', 'mlp', '--hidden', '128,64', '--dropout', '0.3']],
    ['lenet-bn', ['--model', 'lenet-bn']],
  ])('%s, one epoch on 2,000 examples: PyTorch eval logits = classifier-lab predict within 1e-4', async (name, flags) => {
    const dir = join(tmp.dir, name.replace(/ /g, '-'));
    const run = `${dir}.safetensors`;
    ok(await lab('train', '--data', data, ...flags, '--epochs', '1', '--seed', '1', '--cpu', '--checkpoint', run));
    ok(await lab('export-pytorch', run, '--data', data, '--out', dir));
    for (const f of ['model.py', 'train.py', 'predict.py', 'labdata.py', 'labio.py', 'README.md', 'requirements.txt', 'run.safetensors', 'data.npz']) expect(existsSync(join(dir, f)), f).toBe(true);
    ok(await lab('predict', run, '--input', x16, '--out', join(dir, 'lab.npy')));
    ok(await runPy(PYTHON, ['predict.py', '--input', x16, '--out', 'torch.npy'], dir));
    const ours = parseNpy(readFileSync(join(dir, 'lab.npy')), 'lab.npy').data;
    const theirs = parseNpy(readFileSync(join(dir, 'torch.npy')), 'torch.npy').data;
    const c = compare(theirs, ours, 1e-4, 1e-4);
    expect(c.firstOutside, `max |torch − lab| = ${c.maxDiff}`).toBe(-1);
    if (name === 'lenet-bn') {
      const { params } = decodeRunFile(readFileSync(run), run);
      expect([...params].filter(([k]) => k.endsWith('running_var')).every(([, v]) => v.some((s) => s !== 1)), 'BatchNorm statistics moved').toBe(true);
    }
  }, 300_000);

  it('torchrun --nproc_per_node=2 continues a 2-epoch MLP run to 4 epochs; the lab opens, inspects and resumes the result', async () => {
    const dir = join(tmp.dir, 'ddp');
    const run = join(tmp.dir, 'mlp-2-epochs.safetensors');
    const mlp = ['--model', 'mlp', '--hidden', '64', '--init', 'he', '--optimizer', 'momentum', '--schedule', 'cosine', '--lr', '0.1', '--seed', '7', '--cpu'];
    ok(await lab('train', '--data', data, ...mlp, '--epochs', '2', '--checkpoint', run));
    const before = decodeRunFile(readFileSync(run), run).manifest;
    ok(await lab('export-pytorch', run, '--data', data, '--out', dir));

    const torch = await runPy(TORCHRUN, [...(await launch(2)), 'train.py', '--epochs', '4'], dir);
    ok(torch);
    const torchEpochs = epochsOf(torch.stdout);
    expect(torchEpochs.map((e) => e.epoch)).toEqual([3, 4]);
    const ckpt = join(dir, 'checkpoint.safetensors');
    const after = decodeRunFile(readFileSync(ckpt), ckpt).manifest;
    expect(after.adapter).toMatch(/^pytorch .*: 2 × cpu$/);

    // History: the lab's records of epochs 1–2 unchanged, then PyTorch's epochs 3–4 (train points and validation).
    expect(after.history.slice(0, before.history.length)).toEqual(before.history);
    const added = after.history.slice(before.history.length);
    expect(added.filter((r) => r.split === 'val' && r.key === 'acc').map((r) => [r.epoch, r.value])).toEqual(torchEpochs.map((e) => [e.epoch, e.val_acc]));
    expect(Math.min(...added.map((r) => r.epoch))).toBeGreaterThan(2);

    const inspect = await lab('inspect', ckpt);
    ok(inspect);
    expect(JSON.parse(inspect.stdout).description).toMatch(/, 4 of 4 epochs$/);

    // The lab continuing its own checkpoint to 4 epochs: PyTorch's validation accuracy within 0.02 of it.
    const itself = await lab('train', '--resume', run, '--epochs', '4', '--data', data, '--cpu');
    ok(itself);
    const labEpochs = epochsOf(itself.stdout);
    expect(labEpochs.map((e) => e.epoch)).toEqual([3, 4]);
    for (let i = 0; i < 2; i++) expect(Math.abs(torchEpochs[i].val_acc - labEpochs[i].val_acc), `epoch ${i + 3}`).toBeLessThanOrEqual(0.02);

    // And the lab keeps training PyTorch's checkpoint.
    const more = await lab('train', '--resume', ckpt, '--epochs', '5', '--data', data, '--cpu');
    ok(more);
    expect(epochsOf(more.stdout).map((e) => e.epoch)).toEqual([5]);

    // `python3 -m torch.distributed.run` where the torchrun script is missing: the same, here 2 steps.
    const m = await runPy(PYTHON, ['-m', 'torch.distributed.run', ...(await launch(2)), 'train.py', '--from', 'run.safetensors', '--epochs', '4', '--max-steps', '2', '--checkpoint', 'm.safetensors'], dir);
    ok(m);
    expect(decodeRunFile(readFileSync(join(dir, 'm.safetensors')), 'm.safetensors').manifest.position).toMatchObject({ epoch: 2, step: 2 });
  }, 600_000);

  it('refuses, by name, a model PyTorch cannot express (a layer named "forward"), and writes nothing', async () => {
    const arch = join(tmp.dir, 'forward.json');
    writeFileSync(arch, JSON.stringify({ net: [{ type: 'flatten' }, { type: 'dense', out: 16, name: 'forward' }, { type: 'relu' }, { type: 'dense', out: 'classes' }] }));
    const run = join(tmp.dir, 'forward.safetensors');
    ok(await lab('train', '--data', data, '--model', 'custom', '--arch', arch, '--epochs', '1', '--limit', '256', '--cpu', '--checkpoint', run));
    const out = join(tmp.dir, 'refused');
    const r = await lab('export-pytorch', run, '--data', data, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PyTorch export: forward: "forward" is an attribute of torch\.nn\.Module/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
