// The standalone kernel benchmarks (bench --matmul, --conv, --conv-blocks, --bn) each run on a Node
// WebGPU device of their own, destroyed when they end, whether they succeed or throw.
import { KernelContext } from '../gpu/context';
import { acquireNodeGpu } from '../gpu/node-gpu';

export async function onOwnDevice<T>(run: (kc: KernelContext) => Promise<T>): Promise<T> {
  const r = await acquireNodeGpu();
  if (!r.ok) throw new Error(r.failure.message);
  try {
    return await run(new KernelContext(r.gpu.device));
  } finally {
    r.gpu.device.destroy();
  }
}
