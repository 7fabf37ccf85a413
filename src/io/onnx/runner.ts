// What an ONNX runtime gives back for a batch: the logits and, when the graph has it, the softmax output.

export interface OnnxOutputs {
  logits: Float32Array;
  probabilities?: Float32Array;
  /** "onnxruntime-web 1.30.0 (wasm, 1 thread)". */
  runtime: string;
}

/** Runs a serialized graph on `input` shaped `dims` (batch first). */
export type OnnxRunner = (model: Uint8Array, input: Float32Array, dims: number[]) => Promise<OnnxOutputs>;
