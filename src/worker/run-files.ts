// The engine's side of checkpoints and exports: the checks before a file's model meets the loaded
// dataset, the dataset view it trains and evaluates on (the model's own normalisation), and the
// summaries the page shows. The engine (lab-engine.ts) does the GPU work.
import type { Dataset } from '../data/dataset';
import { describeRunFile, normalizationOf } from '../io/checkpoint';
import { checkClassCount } from '../io/weights-file';
import { featuresShape, type Manifest } from '../io/manifest';
import type { RunSummary } from './protocol';

/** Throws when the file's model cannot run on the dataset: other class count or input shape. */
export function checkFits(m: Manifest, d: Dataset, fileName: string): void {
  try {
    checkClassCount(m, d.classNames);
  } catch (e) {
    throw new Error(`${fileName}: ${(e as Error).message}`);
  }
  const want = featuresShape(m).join('×');
  const have = d.shape.join('×');
  if (want !== have) throw new Error(`${fileName}: the model takes ${want} inputs, the dataset ${d.name} has ${have}`);
}

/** The dataset as the file's model sees it: its inputs normalised the way the model was trained. */
export function dataForModel(d: Dataset, m: Manifest): Dataset {
  return { ...d, normalization: normalizationOf(m.normalization) };
}

export function summaryOf(m: Manifest): RunSummary {
  const p = m.position;
  return {
    description: describeRunFile(m),
    contents: m.contents ?? 'export',
    config: m.config,
    datasetName: m.dataset.name,
    epochsDone: m.epochsDone,
    step: p?.step ?? 0,
    stepsPerEpoch: p?.stepsPerEpoch ?? 0,
    historyLength: m.history.length,
    createdAt: m.createdAt,
    finished: m.epochsDone >= m.config.epochs,
  };
}

/** A file-name-safe lower-case form of a dataset name ("Fashion-MNIST" → "fashion-mnist"). */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'dataset';
}
