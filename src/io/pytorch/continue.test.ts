// A lab run handed over to PyTorch takes the steps the lab would have taken: one process, no dropout, the
// first steps of train.py from the lab's checkpoint move every tensor (weights, BatchNorm statistics,
// optimizer state) as the lab's CPU reference moves them from the same checkpoint, within 1e-5 — from an
// epoch end (MLP, SGD with momentum, cosine schedule stretched to a new total, weight decay) and from the
// middle of an epoch (LeNet-BN with momentum and the step schedule; an MLP with Adam). That is the example order, the learning rate at
// that step, the optimizer state and Adam's step count carried over. The checkpoint train.py writes is
// read back by the lab's strict reader, and the lab resumes it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../data/dataset';
import { defaultsFor, type TrainConfig } from '../../model/config';
import { CpuBackend } from '../../model/cpu-backend';
import { DataModule } from '../../model/data-module';
import { epochLearningRates } from '../../model/schedule';
import { dataForModel } from '../../worker/run-files';
import { decodeRunFile, type RunFile } from '../checkpoint';
import { exportPytorchProject } from './export';
import { compare, cpuEngine, fashionSubset, tempDir, trainLab, writeFiles } from './test-util';
import { launch, PYTHON, runPy, TORCHRUN, torchMissing } from '../../../tests/helpers/torch';

const missing = torchMissing();

/** The lab's next `k` steps from a checkpoint (the CPU reference), in a run of `total` epochs. */
interface LabState {
  params: Map<string, Float32Array>;
  state: Map<string, Float32Array>;
}

async function labSteps(file: RunFile, data: Dataset, total: number, k: number): Promise<LabState> {
  const m = file.manifest;
  const c = { ...m.config, epochs: total };
  const dm = new DataModule(dataForModel(data, m), c.batchSize, c.seed, c.limit);
  const backend = new CpuBackend({
    arch: m.architecture, data: dm.data, batchSize: c.batchSize, weightDecay: c.weightDecay, optimizer: c.optimizer, momentum: c.momentum, seed: c.seed,
    resize: c.resize === undefined ? null : [c.resize, c.resize], params: file.params,
  });
  backend.writeOptimizerState(file.optimizerState);
  let { epoch, step } = m.position!;
  const steps = dm.stepsPerEpoch;
  while (k > 0) {
    const to = Math.min(steps, step + k);
    backend.beginEpoch(dm.order(epoch), epochLearningRates(c, epoch, steps), epoch * steps);
    await backend.trainSteps(step, to);
    k -= to - step;
    [epoch, step] = to === steps ? [epoch + 1, 0] : [epoch, to];
  }
  return { params: await backend.readParams(), state: await backend.readOptimizerState() };
}

interface Case {
  name: string;
  config: TrainConfig;
  /** Stop the lab after this many train points (mid-epoch), else after config.epochs. */
  stopAfterPoints?: number;
  total: number;
  steps: number;
  /** Also under torchrun with 2 processes (DDP: each takes half of every batch; BatchNorm's statistics all-reduced). */
  ddp?: boolean;
}

const cases: Case[] = [
  {
    name: 'MLP, momentum + cosine + weight decay, from the end of epoch 2 (schedule stretched to 4 epochs)',
    config: { ...defaultsFor('mlp'), hidden: [64], optimizer: 'momentum', momentum: 0.9, schedule: 'cosine', weightDecay: 1e-3, lr: 0.1, epochs: 2, batchSize: 256, seed: 4 },
    total: 4,
    steps: 3,
  },
  {
    name: 'LeNet-BN, momentum + step schedule, from the middle of epoch 2 (BatchNorm running statistics)',
    config: { ...defaultsFor('lenet-bn'), optimizer: 'momentum', lr: 0.1, schedule: 'step', epochs: 3, batchSize: 128, seed: 2, limit: 1000 },
    stopAfterPoints: 12,
    total: 3,
    steps: 3,
    ddp: true,
  },
  // Adam divides by √v̂: where a gradient is only rounding noise (a bias right before BatchNorm) the two
  // sides' noise becomes steps of ±lr, so Adam is held to the lab on a model without BatchNorm.
  {
    name: 'MLP, Adam (step count = the global step) + weight decay, from the middle of epoch 2',
    config: { ...defaultsFor('mlp'), hidden: [48], optimizer: 'adam', lr: 0.002, weightDecay: 1e-4, epochs: 3, batchSize: 100, seed: 6, limit: 1000 },
    stopAfterPoints: 13,
    total: 3,
    steps: 4,
  },
];

describe.skipIf(missing !== null)(`first steps in PyTorch = the lab's${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const tmp = tempDir('lab-continue-');
  afterAll(() => tmp.remove());

  it.each(cases.map((c, i) => ({ ...c, i })))('$name', async ({ i, config, stopAfterPoints, total, steps, ddp }) => {
    const data = await fashionSubset(2000, 200);
    const engine = await cpuEngine(data);
    await trainLab(engine, config, false, stopAfterPoints === undefined ? undefined : (points) => points >= stopAfterPoints);
    const file = await engine.checkpoint();
    engine.destroy();
    const start = decodeRunFile(file.bytes, file.filename);
    const pos = start.manifest.position!;
    if (stopAfterPoints === undefined) expect([pos.epoch, pos.step]).toEqual([config.epochs, 0]);
    else expect(pos.step, 'a mid-epoch checkpoint').toBeGreaterThan(0);

    const dir = join(tmp.dir, `case-${i}`);
    writeFiles(dir, await exportPytorchProject(file.bytes, file.filename, data));
    const lab = await labSteps(start, data, total, steps);
    const args = ['train.py', '--from', 'run.safetensors', '--epochs', String(total), '--max-steps', String(steps)];
    const r = await runPy(PYTHON, [...args, '--checkpoint', 'one.safetensors'], dir);
    expect(r.code, r.stderr).toBe(0);
    holdTo(start, lab, decodeRunFile(readFileSync(join(dir, 'one.safetensors')), 'one.safetensors'), steps, total);
    if (ddp) {
      const two = await runPy(TORCHRUN, [...(await launch(2)), ...args, '--checkpoint', 'two.safetensors'], dir);
      expect(two.code, two.stderr).toBe(0);
      holdTo(start, lab, decodeRunFile(readFileSync(join(dir, 'two.safetensors')), 'two.safetensors'), steps, total);
    }
  }, 300_000);
});

/** PyTorch's checkpoint after the steps, held to the lab's tensors after the same steps (within 1e-5). */
function holdTo(start: RunFile, lab: LabState, torch: RunFile, steps: number, total: number): void {
  const pos = start.manifest.position!;
  const g = pos.globalStep + steps;
  const spe = pos.stepsPerEpoch;
  expect(torch.manifest.position).toMatchObject({ epoch: Math.floor(g / spe), step: g % spe, globalStep: g, stepsPerEpoch: spe });
  expect(torch.manifest.optimizer).toMatchObject({ kind: start.manifest.config.optimizer, steps: g });
  expect(torch.manifest.config.epochs).toBe(total);
  let worst = 0;
  for (const [label, ours, theirs] of [['tensor', lab.params, torch.params], ['optimizer state', lab.state, torch.optimizerState]] as const) {
    expect([...theirs.keys()].sort(), `${label} names`).toEqual([...ours.keys()].sort());
    for (const [k, v] of ours) {
      const c = compare(theirs.get(k)!, v, 1e-5, 0);
      worst = Math.max(worst, c.maxDiff);
      expect(c.firstOutside, `${k}: max |torch − lab| = ${c.maxDiff}`).toBe(-1);
    }
  }
  // The steps moved the weights far more than the two sides differ.
  let moved = 0;
  for (const [k, v] of start.params) moved = Math.max(moved, compare(lab.params.get(k)!, v, 0, 0).maxDiff);
  expect(moved).toBeGreaterThan(100 * Math.max(worst, 1e-7));
}
