// The page's downloads (Export → PyTorch project (.zip), Export dataset (.npz)): the project's files in one
// zip under a folder named after the run (text deflated; weights and data stored, they barely compress),
// and the run's dataset alone, for `train.py --data` or a project exported without data.
import { zipSync, type Zippable } from 'fflate';
import type { Dataset } from '../../data/dataset';
import { decodeRunFile } from '../checkpoint';
import { datasetFingerprint } from '../dataset-fingerprint';
import { datasetNpz } from './dataset-npz';
import { exportPytorchProject, runDataNpz } from './export';

/** A run file's project as a zip: `<name>-pytorch/…`; `dataset` null leaves data.npz out. */
export async function pytorchProjectZip(bytes: Uint8Array, fileName: string, dataset: Dataset | null): Promise<{ filename: string; bytes: Uint8Array }> {
  const files = await exportPytorchProject(bytes, fileName, dataset);
  const folder = `${fileName.replace(/\.safetensors$/i, '').replace(/-checkpoint$/, '')}-pytorch`;
  const entries: Zippable = {};
  for (const [name, content] of files) entries[`${folder}/${name}`] = [content, { level: /\.(safetensors|npz)$/.test(name) ? 0 : 6 }];
  return { filename: `${folder}.zip`, bytes: zipSync(entries) };
}

/** data.npz of a run file's dataset (its limit and normalisation), or of a loaded dataset with no run. */
export async function datasetNpzFile(dataset: Dataset, run: { bytes: Uint8Array; fileName: string } | null, baseName: string): Promise<{ filename: string; bytes: Uint8Array }> {
  const bytes = run
    ? await runDataNpz(decodeRunFile(run.bytes, run.fileName).manifest, dataset)
    : datasetNpz(dataset, { fingerprint: await datasetFingerprint(dataset) });
  return { filename: `${baseName}.npz`, bytes };
}
