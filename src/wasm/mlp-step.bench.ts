// Where a training step goes on the wasm backend, for the bench's config of a model (default the MLP:
// batch 256, 784 → 256 → 10, SGD lr 0.1): each op of the step timed alone (WasmBackend.profile: the
// median of 15 runs of a one-op program on every thread, its dispatch and barrier included), then the
// median of 3 epochs through trainSteps in the trainer's chunks of 8 steps, on 1 and 2 threads:
//   npx vitest bench --run --project unit src/wasm/mlp-step.bench.ts
//   STEP_MODEL=lenet STEP_EXAMPLES=4096 STEP_THREADS=2 npx vitest bench --run --project unit src/wasm/mlp-step.bench.ts
// Timings drift on a shared machine: under load the epoch (preempted) exceeds the sum of the ops.
import { bench, describe } from 'vitest';
import { firstExamples } from '../../tests/helpers/dataset-slice';
import { loadBuiltin } from '../data/builtin';
import { readFromDir } from '../data/builtin-node';
import { benchConfig } from '../cli/bench-config';
import { DataModule } from '../model/data-module';
import { initParams } from '../model/params';
import { WasmBackend } from '../model/wasm-backend';
import { buildArchitecture } from '../model/zoo';

const model = (process.env.STEP_MODEL ?? 'mlp') as Parameters<typeof benchConfig>[0];
const examples = Number(process.env.STEP_EXAMPLES ?? 20000);
const threadCounts = (process.env.STEP_THREADS ?? '1,2').split(',').map(Number);

describe(`${model} step`, async () => {
  const full = await loadBuiltin('fashion-mnist', readFromDir());
  const data = firstExamples(full, examples, 1000);
  const config = benchConfig(model);
  const arch = buildArchitecture(config, data.shape, data.classNames.length);
  for (const threads of threadCounts) {
    const wasm = await WasmBackend.create({ arch, data, batchSize: config.batchSize, weightDecay: config.weightDecay, optimizer: config.optimizer, seed: 0, threads });
    wasm.writeParams(initParams(arch, 0));
    const dm = new DataModule(data, config.batchSize, 0);
    const steps = dm.stepsPerEpoch;
    const epoch = async () => {
      wasm.beginEpoch(dm.order(0), new Float32Array(steps).fill(config.lr), 0);
      const t = performance.now();
      for (let s = 0; s < steps; s += 8) await wasm.trainSteps(s, Math.min(steps, s + 8));
      return performance.now() - t;
    };
    await epoch();
    const prof = await wasm.profile(15);
    const total = prof.reduce((a, p) => a + p.ms, 0);
    const lines = prof.map((p) => `  ${p.label.padEnd(28)} ${p.op.padEnd(12)} ${p.ms.toFixed(3).padStart(7)} ms ${(100 * p.ms / total).toFixed(1).padStart(5)} %${p.gflops ? ` ${p.gflops.toFixed(1)} GFLOP/s` : ''}`);
    const epochs = [await epoch(), await epoch(), await epoch()].sort((a, b) => a - b);
    const ms = epochs[1];
    console.log(`${model}, ${threads} thread(s): epoch of ${examples} in ${ms.toFixed(0)} ms = ${(examples / ms * 1000).toFixed(0)} examples/s, ${(ms / steps).toFixed(3)} ms/step; ops alone sum to ${total.toFixed(3)} ms\n${lines.join('\n')}`);
    bench(`${threads} thread(s) epoch`, async () => { await epoch(); }, { iterations: 1, time: 0, warmupIterations: 0 });
  }
});
