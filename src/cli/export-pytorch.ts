// `classifier-lab export-pytorch RUN.safetensors --out DIR [--data FILE…] [--no-data]`: writes the run's
// PyTorch project (src/io/pytorch) into DIR, with data.npz from the run's built-in dataset or from the
// user's files parsed by the lab's loaders. A model or setting PyTorch cannot carry exits 2, naming it.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isBuiltinName, loadBuiltin } from '../data/builtin';
import { DataError } from '../data/errors';
import type { Dataset } from '../data/dataset';
import { decodeRunFile } from '../io/checkpoint';
import { exportPytorchProject } from '../io/pytorch/export';
import { PytorchExportError } from '../io/pytorch/model-py';
import { loadFileObjects } from '../worker/file-loader';
import { dataOptions, openDataFiles } from './data-files';
import { InputError, parseUserFile, readUserFile } from './input-error';
import { nodePlatform } from './node-platform';
import { builtinOf } from './train-files';

export const exportPytorchUsage = `  classifier-lab export-pytorch RUN.safetensors --out DIR [--data FILE... [--label-column C] [--image-size N|HxW] [--channels grey|rgb]] [--dataset NAME] [--no-data]
    writes a PyTorch project continuing the run (model.py, train.py for torchrun/DDP, predict.py, data.npz, README.md);
    the data is the run's built-in dataset, or --data the files it trained on; --no-data leaves data.npz out
`;

const options = {
  out: { type: 'string' },
  data: { type: 'string', multiple: true },
  dataset: { type: 'string' },
  'no-data': { type: 'boolean' },
  'label-column': { type: 'string' },
  'image-size': { type: 'string' },
  channels: { type: 'string' },
  'max-classes': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function exportPytorch(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new InputError(`export-pytorch: ${(e as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`usage:\n${exportPytorchUsage}`);
    return;
  }
  const [runPath, ...moreData] = positionals;
  if (!runPath || !values.out) throw new InputError(`export-pytorch needs a run file and --out DIR:\n${exportPytorchUsage}`);
  if (values['no-data'] && (values.data || values.dataset)) throw new InputError('export-pytorch: --no-data leaves the data out; drop --data/--dataset');
  const bytes = await readUserFile(runPath);
  const { manifest } = await parseUserFile(runPath, (b) => decodeRunFile(b, runPath));
  const out = values.out;
  const existing = await readdir(out).catch(() => []);
  if (existing.length > 0) throw new InputError(`${out} is not empty (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', …' : ''}): give a new directory`);
  let dataset: Dataset | null = null;
  if (!values['no-data']) {
    try {
      if (values.data) {
        dataset = await loadFileObjects(await openDataFiles([...values.data, ...moreData]), undefined, dataOptions(values));
      } else {
        const name = values.dataset ?? builtinOf(manifest);
        if (!isBuiltinName(name)) throw new InputError(`--dataset ${name} is not a built-in dataset`);
        dataset = await loadBuiltin(name, nodePlatform().readBuiltin());
      }
    } catch (e) {
      throw e instanceof DataError ? new InputError(e.message) : e;
    }
  }
  let files;
  try {
    files = await exportPytorchProject(bytes, runPath, dataset);
  } catch (e) {
    // A model or setting PyTorch cannot carry, or data other than the run's: the user's input, exit 2.
    throw e instanceof PytorchExportError || e instanceof Error ? new InputError(e.message) : e;
  }
  await mkdir(out, { recursive: true });
  for (const [name, content] of files) await writeFile(join(out, name), content);
  const data = files.get('data.npz') ? { train: manifest.dataset.train, val: manifest.dataset.val } : null;
  process.stderr.write(`wrote ${files.size} files to ${out}; continue with: cd ${out} && python train.py --epochs ${manifest.config.epochs + 10}${data ? '' : ' --data data.npz'}\n`);
  process.stdout.write(`${JSON.stringify({ out, files: [...files.keys()], model: manifest.architecture.name, data })}\n`);
}
