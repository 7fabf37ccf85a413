// The PyTorch project of a lab run (`classifier-lab export-pytorch`, the page's Export → PyTorch
// project): model.py generated from the architecture, train.py / predict.py / labdata.py / labio.py
// (fixed templates in ./py), the run file itself as run.safetensors (the starting point: weights,
// optimizer state, position, settings), data.npz unless left out, requirements.txt and a README with
// the commands. Anything train.py would not reproduce is refused by name before a file is written.
import { describeRunFile } from '../checkpoint';
import type { Manifest } from '../manifest';
import { parseAugment } from '../../reference/gather';
import { defaultOf, sameValue, settings, type AnySetting, type TrainConfig } from '../../model/config';
import { modelPy, PytorchExportError } from './model-py';
import { projectReadme } from './readme';
import labdataPy from './py/labdata.py?raw';
import labioPy from './py/labio.py?raw';
import predictPy from './py/predict.py?raw';
import trainPy from './py/train.py?raw';

/**
 * The config keys train.py carries (the architecture-defining ones arrive as the architecture and the
 * weights), and those that do not change the computation (where the lab trains, which epoch it keeps
 * as the best). Any other setting away from its default is refused by name until train.py learns it.
 */
const CARRIED = new Set([
  'model', 'epochs', 'batchSize', 'lr', 'seed', 'limit', 'optimizer', 'momentum', 'weightDecay', 'schedule', 'resize', 'augment',
  'hidden', 'init', 'initSigma', 'activation', 'pool', 'dropout', 'arch',
  'backend', 'bestBy',
]);

/** Whether `key` holds its declared default for the run's model (an undeclared key never does). */
function atDefault(c: TrainConfig, key: string): boolean {
  const s = (settings as Record<string, AnySetting | undefined>)[key];
  return s !== undefined && sameValue(s.key, c, { ...c, [s.key]: defaultOf(s, c.model) });
}
const OPTIMIZERS = ['sgd', 'momentum', 'adam'];
const SCHEDULES = ['constant', 'step', 'cosine'];

/** Throws PytorchExportError naming the setting train.py would not reproduce. */
export function checkPortable(m: Manifest): void {
  const c = m.config as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(c)) {
    if (value !== undefined && !CARRIED.has(key) && !atDefault(m.config, key)) throw new PytorchExportError(`setting ${key}`, `train.py does not reproduce it (value ${JSON.stringify(value)}); export without it`);
  }
  if (!OPTIMIZERS.includes(String(c.optimizer))) throw new PytorchExportError('setting optimizer', `"${String(c.optimizer)}" is not one of ${OPTIMIZERS.join(', ')}`);
  if (!SCHEDULES.includes(String(c.schedule))) throw new PytorchExportError('setting schedule', `"${String(c.schedule)}" is not one of ${SCHEDULES.join(', ')}`);
  const augment = c.augment;
  if (augment !== undefined && augment !== null) {
    const ok = typeof augment === 'string' ? tryParse(augment) : typeof augment === 'object' && Object.keys(augment).every((k) => k === 'crop' || k === 'flip');
    if (!ok) throw new PytorchExportError('setting augment', `${JSON.stringify(augment)} is not a crop/flip augmentation train.py reproduces`);
  }
}

function tryParse(text: string): boolean {
  try {
    parseAugment(text);
    return true;
  } catch {
    return false;
  }
}

export interface ProjectSource {
  /** The run's checkpoint or export, as a file. */
  bytes: Uint8Array;
  fileName: string;
  manifest: Manifest;
  /** data.npz (datasetNpz), or null to leave the data out. */
  data: Uint8Array | null;
}

/** The project's files by relative path. Throws PytorchExportError for what PyTorch cannot carry. */
export function pytorchProject(src: ProjectSource): Map<string, Uint8Array> {
  const m = src.manifest;
  checkPortable(m);
  const text = (s: string) => new TextEncoder().encode(s);
  const files = new Map<string, Uint8Array>([
    ['model.py', text(modelPy(m.architecture, `${src.fileName} (${describeRunFile(m)})`))],
    ['train.py', text(trainPy)],
    ['predict.py', text(predictPy)],
    ['labdata.py', text(labdataPy)],
    ['labio.py', text(labioPy)],
    ['requirements.txt', text('# python3 with these; Debian: apt-get install python3-torch (1.13 or later)\ntorch>=1.13\nnumpy\n# optional: safetensors (else labio.py reads and writes the files with NumPy)\n')],
    ['README.md', text(projectReadme(m, src.fileName, src.data !== null))],
    ['run.safetensors', src.bytes],
  ]);
  if (src.data) files.set('data.npz', src.data);
  return files;
}
