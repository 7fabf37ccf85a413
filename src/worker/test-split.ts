// The test split's one evaluation, after a run's last epoch: the run's final weights on a backend built
// for the test split alone (the GPU where the run trained there, else the CPU reference), through the
// same fused statistics as validation. Its figures are reported apart and never choose the best epoch.
import { limitSplit, featureSize, type Split } from '../data/dataset';
import type { KernelContext } from '../gpu/context';
import type { Backend } from '../model/backend';
import { CpuBackend } from '../model/cpu-backend';
import { GpuBackend } from '../model/gpu-backend';
import type { Run } from './engine-run';
import type { TestReport } from './insight-types';
import { toEpochValidation } from './validation-log';

export async function evaluateTest(run: Run, test: Split, gpu: { kc: KernelContext; adapter: string } | null): Promise<TestReport> {
  const d = run.data.data;
  const c = run.config;
  // The backend validates `val`; its training split is a token batch of the test split (never trained on).
  const data = { ...d, train: limitSplit(test, c.batchSize, featureSize(d.shape)), val: test };
  const options = {
    arch: run.arch, data, batchSize: Math.min(c.batchSize, test.count), weightDecay: c.weightDecay, optimizer: c.optimizer, momentum: c.momentum, seed: c.seed,
    resize: c.resize === undefined ? null : ([c.resize, c.resize] as const),
  };
  const params = await run.backend.readParams();
  const backend: Backend = run.device && gpu ? await GpuBackend.create({ ...options, kc: gpu.kc, description: `webgpu: ${gpu.adapter}` }) : new CpuBackend({ ...options, params });
  try {
    backend.writeParams(params);
    return toEpochValidation(run.trainer.position.epoch, await backend.validate());
  } finally {
    backend.destroy();
  }
}
