// The lab's weights file (DESIGN.md "The weights file"): one .safetensors for export, checkpoints and
// import. F32 tensors in PyTorch layouts, named by their layer's path in the architecture
// (`layers.{i}.weight` for the flat models, `net.b2.0.conv1.weight` for graphs), state such as
// `….running_mean|running_var`, and `optim.{param}.{slot}`; `__metadata__` = {format: "classifier-lab/1",
// manifest: JSON}.

import { checkWeightValues } from './weight-values';
import { graphOf, type Architecture } from '../model/architecture';
import { FORMAT, parseManifest, type Manifest } from './manifest';
import { readSafetensors, writeSafetensors, type SafetensorsTensor } from './safetensors';

export interface WeightsFile {
  manifest: Manifest;
  /** PyTorch layout; each array owns its ArrayBuffer. */
  params: Map<string, Float32Array<ArrayBuffer>>;
}

export interface TensorSpec {
  name: string;
  shape: number[];
}

const OPTIM_SLOT = /^[A-Za-z][A-Za-z0-9_]*$/;
const dims = (shape: readonly number[]) => (shape.length === 0 ? 'a scalar' : shape.join('×'));
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** The trainable tensors of an architecture, in graph order. */
const trainableSpecs = (arch: Architecture): TensorSpec[] => graphOf(arch).params.map((p) => ({ name: p.name, shape: p.decl.shape }));

/** The model tensors a file of this architecture holds, in graph order: parameters, then state (BatchNorm running statistics). */
export function weightSpecs(arch: Architecture): TensorSpec[] {
  return [...trainableSpecs(arch), ...graphOf(arch).state.map((s) => ({ name: s.name, shape: [s.decl.size] }))];
}

/**
 * Holds named tensors to the architecture: every model tensor present with its shape; optimizer state
 * only as `optim.{trainable param}.{slot}` of that param's shape, each slot present for every param.
 * Returns the problems, one phrase each (empty when the tensors fit).
 */
export function tensorProblems(arch: Architecture, tensors: ReadonlyMap<string, { shape: readonly number[]; dtype?: string }>): string[] {
  const problems: string[] = [];
  const model = new Map(weightSpecs(arch).map((s) => [s.name, s.shape]));
  const trainable = trainableSpecs(arch);
  const slots = new Set<string>();
  for (const [name, t] of tensors) {
    if (t.dtype !== undefined && t.dtype !== 'F32') problems.push(`${name} is ${t.dtype}, not F32`);
    let want = model.get(name);
    if (!want && name.startsWith('optim.')) {
      const cut = name.lastIndexOf('.');
      const param = trainable.find((p) => p.name === name.slice(6, cut));
      if (param && OPTIM_SLOT.test(name.slice(cut + 1))) {
        want = param.shape;
        slots.add(name.slice(cut + 1));
      }
    }
    if (!want) problems.push(`unexpected tensor ${name}`);
    else if (!sameShape(t.shape, want)) problems.push(`${name} is ${dims(t.shape)}, the architecture needs ${dims(want)}`);
  }
  for (const [name, shape] of model) if (!tensors.has(name)) problems.push(`missing ${name} (${dims(shape)})`);
  for (const slot of slots) {
    const absent = trainable.filter((p) => !tensors.has(`optim.${p.name}.${slot}`)).map((p) => `optim.${p.name}.${slot} (${dims(p.shape)})`);
    if (absent.length > 0) problems.push(`optimizer state "${slot}" is incomplete: missing ${absent.join(', ')}`);
  }
  return problems;
}

/** Problems as one phrase, the first few in full. */
function listProblems(problems: readonly string[]): string {
  const shown = problems.slice(0, 8).join('; ');
  return problems.length > 8 ? `${shown}; and ${problems.length - 8} more` : shown;
}

/** The first NaN/±Inf of a tensor, as `[i, j] (element k)`, or undefined. */
function firstNonFinite(data: Float32Array, shape: readonly number[]): { at: string; index: number; value: number } | undefined {
  for (let k = 0; k < data.length; k++) {
    if (Number.isFinite(data[k])) continue;
    const idx: number[] = [];
    let rest = k;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx.unshift(rest % shape[d]);
      rest = Math.floor(rest / shape[d]);
    }
    return { at: `[${idx.join(', ')}] (element ${k})`, index: k, value: data[k] };
  }
  return undefined;
}

/** Serialises a model (and, for a checkpoint, its optimizer state); refuses what decodeWeights would refuse. */
export function encodeWeights(manifest: Manifest, params: ReadonlyMap<string, Float32Array>): Uint8Array {
  const json = JSON.stringify(manifest);
  try {
    parseManifest(json);
  } catch (e) {
    throw new Error(`Cannot write the weights file: ${(e as Error).message}`);
  }
  // Arrays carry no shape: each takes its spec's shape when the sizes agree, else [length] (and a problem below).
  const shapes = new Map(weightSpecs(manifest.architecture).map((s) => [s.name, s.shape]));
  const withShapes = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, data] of params) {
    const spec = shapes.get(name.startsWith('optim.') ? name.slice(6, name.lastIndexOf('.')) : name);
    const fits = spec !== undefined && spec.reduce((a, b) => a * b, 1) === data.length;
    withShapes.set(name, { shape: fits ? spec : [data.length], data });
  }
  const problems = tensorProblems(manifest.architecture, withShapes);
  if (problems.length > 0) throw new Error(`Cannot write the weights file: the tensors do not fit the ${manifest.architecture.name} architecture: ${listProblems(problems)}`);
  for (const [name, t] of withShapes) {
    const bad = firstNonFinite(t.data, t.shape);
    if (bad) throw new Error(`Cannot write the weights file: ${name}${bad.at} is ${bad.value}`);
  }
  const tensors = [...withShapes].map(([name, t]) => ({ name, dtype: 'F32' as const, shape: t.shape, data: t.data }));
  return writeSafetensors(tensors, { format: FORMAT, manifest: json });
}

/** Reads a weights file and holds it to its own manifest; every refusal names the file and what is wrong. */
export function decodeWeights(bytes: Uint8Array, fileName: string): WeightsFile {
  const file = readSafetensors(bytes, fileName);
  const format = file.metadata.format;
  if (format === undefined) {
    throw new Error(`${fileName}: not a Classifier Lab weights file (its __metadata__ has no "format"; a plain safetensors file does not say how to rebuild the model)`);
  }
  if (format !== FORMAT) throw new Error(`${fileName}: format "${format}" is not one this lab reads ("${FORMAT}")`);
  if (file.metadata.manifest === undefined) throw new Error(`${fileName}: the __metadata__ has no "manifest"`);
  let manifest: Manifest;
  try {
    manifest = parseManifest(file.metadata.manifest);
  } catch (e) {
    throw new Error(`${fileName}: ${(e as Error).message}`);
  }
  const problems = tensorProblems(manifest.architecture, file.tensors);
  if (problems.length > 0) {
    throw new Error(`${fileName}: the tensors do not match the manifest's ${manifest.architecture.name} architecture: ${listProblems(problems)}`);
  }
  const params = new Map<string, Float32Array<ArrayBuffer>>();
  for (const [name, t] of file.tensors as Map<string, SafetensorsTensor & { data: Float32Array<ArrayBuffer> }>) {
    const bad = firstNonFinite(t.data, t.shape);
    if (bad) throw new Error(`${fileName}, byte ${t.offset + 4 * bad.index}: tensor ${name} holds ${bad.value} at ${bad.at}`);
    params.set(name, t.data);
  }
  checkWeightValues(fileName, manifest.normalization, file.tensors as ReadonlyMap<string, SafetensorsTensor & { data: Float32Array }>); // #15.7: running_var < 0, std ≤ 0
  return { manifest, params };
}

/** Throws when a model's classes do not fit the loaded dataset's. */
export function checkClassCount(manifest: Manifest, classes: readonly string[] | number): void {
  const count = typeof classes === 'number' ? classes : classes.length;
  const want = manifest.architecture.numClasses;
  if (count === want) return;
  const names = (list: readonly string[]) => (list.length > 0 ? ` (${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''})` : '');
  throw new Error(
    `The model has ${want} classes${names(manifest.classNames)}, but the dataset has ${count}${typeof classes === 'number' ? '' : names(classes)}: load a dataset with ${want} classes, or train a new model`,
  );
}

/** GPU dense weight (in, out), row-major → file layout (out, in) (PyTorch's nn.Linear.weight). */
export function denseToFile(w: Float32Array, inFeatures: number, outFeatures: number): Float32Array<ArrayBuffer> {
  return transpose(w, inFeatures, outFeatures);
}

/** File dense weight (out, in) → GPU layout (in, out), so that the forward is X·W. */
export function denseFromFile(w: Float32Array, inFeatures: number, outFeatures: number): Float32Array<ArrayBuffer> {
  return transpose(w, outFeatures, inFeatures);
}

/** (rows, cols) row-major → (cols, rows) row-major. */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array<ArrayBuffer> {
  if (a.length !== rows * cols) throw new Error(`dense weight: ${a.length} values do not make a ${rows}×${cols} matrix`);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}
