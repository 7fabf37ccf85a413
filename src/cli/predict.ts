// `classifier-lab predict FILE.safetensors --input X.npy --out logits.npy [--softmax]`: the lab's own
// forward pass (the CPU reference, evaluation mode) on raw float features, before normalisation, in
// chunks; writes the logits (or probabilities) as float32 .npy. The ONNX export must give these numbers.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseNpy } from '../data/npy';
import { featureSize } from '../data/dataset';
import { decodeRunFile } from '../io/checkpoint';
import { featuresShape } from '../io/manifest';
import { labLogits } from '../io/lab-forward';
import { writeNpyF32 } from '../io/npy-write';
import { InputError, parseUserFile } from './input-error';

export const predictUsage = '  classifier-lab predict FILE.safetensors --input X.npy --out logits.npy [--softmax]\n';

/** Rows per forward call: bounds the f64 activations of big inputs. */
const CHUNK = 1024;

export async function predict(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { input: { type: 'string' }, out: { type: 'string' }, softmax: { type: 'boolean' } } });
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || !values.input || !values.out) throw new InputError(`predict needs a weights file, --input and --out:\n${predictUsage}`);
  const weightsName = positionals[0];
  const { manifest, params } = await parseUserFile(weightsName, (b) => decodeRunFile(b, weightsName));
  const x = await parseUserFile(values.input, (b) => parseNpy(b, values.input!));
  const shape = featuresShape(manifest);
  const size = featureSize(shape);
  const rows = x.dims[0] ?? 0;
  const flat = x.dims.length === 2 && x.dims[1] === size;
  const exact = x.dims.length === shape.length + 1 && shape.every((d, i) => x.dims[i + 1] === d);
  if (!flat && !exact) {
    throw new InputError(`${values.input}: shape (${x.dims.join(', ')}) does not fit the model's input: (N, ${shape.join(', ')}) or (N, ${size}) raw features are needed`);
  }
  const classes = manifest.architecture.numClasses;
  const out = new Float32Array(rows * classes);
  for (let lo = 0; lo < rows; lo += CHUNK) {
    const hi = Math.min(rows, lo + CHUNK);
    const chunk = x.data.subarray(lo * size, hi * size);
    for (let i = 0; i < chunk.length; i++) {
      if (!Number.isFinite(chunk[i])) throw new InputError(`${values.input}, byte ${x.dataOffset + (lo * size + i) * x.itemSize}: value ${chunk[i]} is not finite`);
    }
    const logits = labLogits(manifest, params, chunk, hi - lo);
    out.set(values.softmax ? softmaxRows(logits, classes) : logits, lo * classes);
  }
  await writeFile(values.out, writeNpyF32(out, [rows, classes]));
  process.stdout.write(`${JSON.stringify({ out: values.out, output: values.softmax ? 'probabilities' : 'logits', rows, classes, class_names: manifest.classNames })}\n`);
}

/** Row-wise softmax, max-subtracted. */
function softmaxRows(logits: Float64Array, classes: number): Float64Array {
  const p = new Float64Array(logits.length);
  for (let r = 0; r < logits.length / classes; r++) {
    const row = logits.subarray(r * classes, (r + 1) * classes);
    const m = Math.max(...row);
    let z = 0;
    for (let c = 0; c < classes; c++) z += p[r * classes + c] = Math.exp(row[c] - m);
    for (let c = 0; c < classes; c++) p[r * classes + c] /= z;
  }
  return p;
}
