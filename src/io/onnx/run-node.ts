// Runs an ONNX graph with onnxruntime-node (its CPU build): the tests' runtime, and the CLI's where the
// package is installed (it is a development dependency, so it is imported only when asked for).
import type { OnnxOutputs } from './runner';

export async function runOnnxNode(model: Uint8Array, input: Float32Array, dims: number[]): Promise<OnnxOutputs> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  try {
    const out = await session.run({ input: new ort.Tensor('float32', input, dims) });
    const probabilities = out.probabilities?.data as Float32Array | undefined;
    return { logits: out.logits.data as Float32Array, probabilities, runtime: `onnxruntime-node ${ort.env.versions.node ?? ort.env.versions.common}` };
  } finally {
    await session.release();
  }
}
