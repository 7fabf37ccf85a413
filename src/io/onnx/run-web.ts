// Runs an ONNX graph with onnxruntime-web in the engine worker: the wasm build, one thread (no
// SharedArrayBuffer, no cross-origin isolation), its .wasm emitted into the build and served from our
// own origin (the CSP allows 'self' and 'wasm-unsafe-eval', nothing else). Loaded on first use only.
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import type { OnnxOutputs } from './runner';

export async function runOnnxWeb(model: Uint8Array, input: Float32Array, dims: number[]): Promise<OnnxOutputs> {
  const ort = await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = { wasm: new URL(wasmUrl, self.location.href).href };
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  try {
    const out = await session.run({ input: new ort.Tensor('float32', input, dims) });
    const probabilities = out.probabilities?.data as Float32Array | undefined;
    return { logits: out.logits.data as Float32Array, probabilities, runtime: `onnxruntime-web ${ort.env.versions.web ?? ''} (wasm, 1 thread)` };
  } finally {
    await session.release();
  }
}
