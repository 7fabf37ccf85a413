// From a run file (and the dataset it trained on) to the PyTorch project's files: the one route the CLI
// (export-pytorch) and the engine (the page's Export → PyTorch project) take. The data must be the
// run's own: same class count and feature shape, and the same data where the file records a fingerprint.
import { featureSize, type Dataset } from '../../data/dataset';
import { decodeRunFile } from '../checkpoint';
import { datasetFingerprint, fingerprintDifferences } from '../dataset-fingerprint';
import { featuresShape, type Manifest } from '../manifest';
import { datasetNpz } from './dataset-npz';
import { checkPortable, pytorchProject } from './project';
import { modelPy } from './model-py';

/** Refuses a dataset other than the run's, naming what differs. */
async function checkDataset(m: Manifest, d: Dataset, fileName: string): Promise<void> {
  const want = featuresShape(m);
  if (d.classNames.length !== m.architecture.numClasses) throw new Error(`${fileName} has ${m.architecture.numClasses} classes, the dataset ${d.name} ${d.classNames.length}`);
  if (want.join('×') !== d.shape.join('×')) throw new Error(`${fileName} takes ${want.join('×')} inputs, the dataset ${d.name} has ${d.shape.join('×')}`);
  if (m.fingerprint) {
    const differences = fingerprintDifferences(m.fingerprint, await datasetFingerprint(d));
    if (differences.length > 0) throw new Error(`${fileName} trained on other data than ${d.name}: it differs in ${differences.join(', ')}`);
  }
}

/** The run's data as data.npz: its training limit and its normalisation (the model's), the fingerprint of the data as loaded. */
export async function runDataNpz(m: Manifest, d: Dataset): Promise<Uint8Array> {
  if (featureSize(d.shape) !== featureSize(featuresShape(m))) throw new Error(`the dataset's ${d.shape.join('×')} features do not fit the model`);
  return datasetNpz(d, { limit: m.config.limit, normalization: m.normalization, fingerprint: m.fingerprint ?? (await datasetFingerprint(d)) });
}

/**
 * The project of a run file; `dataset` null leaves data.npz out. Throws PytorchExportError for what
 * PyTorch cannot carry (before any data work), Error for a file or dataset that does not fit.
 */
export async function exportPytorchProject(bytes: Uint8Array, fileName: string, dataset: Dataset | null): Promise<Map<string, Uint8Array>> {
  const { manifest } = decodeRunFile(bytes, fileName);
  checkPortable(manifest);
  modelPy(manifest.architecture, fileName);
  let data: Uint8Array | null = null;
  if (dataset) {
    await checkDataset(manifest, dataset, fileName);
    data = await runDataNpz(manifest, dataset);
  }
  return pytorchProject({ bytes, fileName, manifest, data });
}
