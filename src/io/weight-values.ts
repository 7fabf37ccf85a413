// Values a weights file may hold as numbers but a model cannot use: a BatchNorm running variance below 0
// (its normalisation takes sqrt(var + eps): NaN) and a normalisation std of 0 or less (x / std: Infinity).
// Keyed by the tensor name's suffix (`.running_var`, as flat `layers.3.running_var` and graph paths
// `stages.1.0.bn1.running_var` both end) and by the manifest's normalisation, so the layout can change.

import type { ManifestNormalization } from './manifest';

interface Tensor {
  data: ArrayLike<number>;
  shape: readonly number[];
  /** File byte where the tensor's data begins. */
  offset: number;
}

/** Throws `<file>, byte N: …` (or `<file>: manifest.normalization.std[j] …`) for the first value a model cannot use. */
export function checkWeightValues(fileName: string, normalization: ManifestNormalization, tensors: ReadonlyMap<string, Tensor>): void {
  for (const [name, t] of tensors) {
    if (!name.endsWith('.running_var') && name !== 'running_var') continue;
    for (let i = 0; i < t.data.length; i++) {
      if (t.data[i] < 0) {
        throw new Error(
          `${fileName}, byte ${t.offset + 4 * i}: tensor ${name} holds ${t.data[i]} at [${i}]: a BatchNorm running variance below 0 ` +
            'makes the layer output NaN (the square root of a negative); the file is damaged',
        );
      }
    }
  }
  if (normalization.kind !== 'standardize') return;
  const j = normalization.std.findIndex((s) => !(s > 0));
  if (j >= 0) {
    throw new Error(
      `${fileName}: manifest.normalization.std[${j}] is ${normalization.std[j]}: features are divided by it, so it must be above 0 ` +
        '(a constant feature is stored with std 1)',
    );
  }
}
