// A real Classifier Lab weights file built the way an export is (manifest + tensors through
// encodeWeights), for tests and the fuzzer's safetensors seeds. Kept in one place because the manifest
// follows the model layer: when the architecture format changes, this is the one function to update.

import type { ManifestNormalization } from '../io/manifest';
import { FORMAT, type Manifest } from '../io/manifest';
import { encodeWeights, weightSpecs } from '../io/weights-file';
import { defaultConfig } from '../model/config';
import { buildArchitecture } from '../model/zoo';

export interface ExportSpec {
  model: 'softmax' | 'mlp' | 'lenet-bn';
  shape: number[];
  classNames: string[];
  normalization: ManifestNormalization;
}

export function labExport(s: ExportSpec): Uint8Array {
  const config = { ...defaultConfig, model: s.model, hidden: [6] };
  const architecture = buildArchitecture(config, s.shape, s.classNames.length);
  const manifest: Manifest = {
    format: FORMAT,
    architecture,
    weightLayout: 'pytorch',
    config,
    classNames: s.classNames,
    normalization: s.normalization,
    dataset: { name: 'fuzz', train: 90, val: 10 },
    history: [{ step: 1, epoch: 1, key: 'loss', split: 'train', value: 0.5 }],
    epochsDone: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  let k = 0;
  const params = new Map(
    weightSpecs(architecture).map((t) => {
      const n = t.shape.reduce((a, b) => a * b, 1);
      // Running variances start at 1 (as BatchNorm's do); everything else small and varied.
      return [t.name, Float32Array.from({ length: n }, () => (t.name.endsWith('running_var') ? 1 : Math.sin(++k) * 0.1))];
    }),
  );
  return encodeWeights(manifest, params);
}
