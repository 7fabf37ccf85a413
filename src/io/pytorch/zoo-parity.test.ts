// Every graph zoo model through the PyTorch export: the lab trains it two steps on the CPU reference at
// the smallest input it accepts (Fashion-MNIST resized in the gather where 28×28 is too small), enough to
// move BatchNorm's running statistics; the exported project's model.py loads the checkpoint with
// strict=True and its eval-mode logits (predict.py: the project's own gather, normalise + resize) equal the
// lab's forward pass (labLogits, what `classifier-lab predict` prints) within 1e-4 + 1e-4·|lab| on 16
// validation examples — f32 PyTorch against the f64 reference.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNpy } from '../../data/npy';
import { defaultsFor, type ModelName } from '../../model/config';
import { decodeRunFile } from '../checkpoint';
import { labLogits } from '../lab-forward';
import { writeNpyF32 } from '../npy-write';
import { exportPytorchProject } from './export';
import { compare, cpuEngine, fashionSubset, rawVal, tempDir, trainLab, writeFiles } from './test-util';
import { PYTHON, runPy, torchMissing } from '../../../tests/helpers/torch';

const missing = torchMissing();
const ROWS = 16;
/** d2l chapter 8 and the lab's ResNet at the smallest input each accepts (src/model/zoo.ts minInputSize). */
const models: [ModelName, number][] = [['alexnet', 65], ['vgg11', 32], ['nin', 67], ['googlenet', 28], ['resnet18', 28], ['densenet', 29], ['resnet-narrow', 28]];

describe.skipIf(missing !== null)(`graph zoo models: PyTorch eval logits = the lab's${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const tmp = tempDir('lab-zoo-');
  afterAll(() => tmp.remove());

  it.each(models)('%s at %i px square: logits within 1e-4 + 1e-4·|lab|, argmax equal, BatchNorm statistics moved', async (model, size) => {
    const data = await fashionSubset(4, ROWS);
    const x = rawVal(data, ROWS);
    const engine = await cpuEngine(data);
    // Two SGD steps of 2 examples (the model's d2l settings otherwise), validated on the 16.
    await trainLab(engine, { ...defaultsFor(model), epochs: 1, batchSize: 2, limit: 4, seed: 3, lr: 0.05, ...(size !== 28 && { resize: size }) }, false);
    const file = await engine.checkpoint();
    engine.destroy();
    const run = decodeRunFile(file.bytes, file.filename);
    const dir = join(tmp.dir, model);
    writeFiles(dir, await exportPytorchProject(file.bytes, file.filename, null));
    writeFileSync(join(dir, 'x.npy'), writeNpyF32(x, [ROWS, 1, 28, 28]));
    const r = await runPy(PYTHON, ['predict.py', '--input', 'x.npy', '--out', 'logits.npy'], dir);
    expect(r.code, r.stderr).toBe(0);
    const torch = parseNpy(readFileSync(join(dir, 'logits.npy')), 'logits.npy').data;
    const lab = labLogits(run.manifest, run.params, x, ROWS);
    const c = compare(torch, lab, 1e-4, 1e-4);
    expect(c.firstOutside, `max |torch − lab| = ${c.maxDiff}`).toBe(-1);
    const argmax = (a: ArrayLike<number>, i: number) => {
      const row = Array.from({ length: 10 }, (_, k) => a[i * 10 + k]);
      return row.indexOf(Math.max(...row));
    };
    for (let i = 0; i < ROWS; i++) expect(argmax(torch, i)).toBe(argmax(lab, i));
    expect(Math.max(...lab) - Math.min(...lab), 'logits spread').toBeGreaterThan(1e-3);
    const stats = [...run.params].filter(([k]) => k.endsWith('running_mean'));
    for (const [name, v] of stats) expect(v.some((m) => m !== 0), `${name} moved`).toBe(true);
  }, 300_000);
});
