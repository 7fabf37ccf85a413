// `classifier-lab inspect [options] [--] FILE...`: its own flags (so `inspect --help` prints help instead
// of opening a file named "--help"; `--` ends the options for a file that starts with "-"), the dataset
// loader's options, and the dispatch: a lone safetensors file is a model, anything else a dataset.
import { parseArgs } from 'node:util';
import { looksLikeSafetensors, SAFETENSORS_SNIFF_BYTES } from '../io/safetensors-sniff';
import { dataOptions } from './data-files';
import { InputError, readUserFile } from './input-error';
import type { InputFile, LoadOptions } from '../data/load-files';
import { inspectFiles, type InspectResult } from './inspect';
import { inspectWeights, type WeightsInspection } from './inspect-weights';

export const inspectUsage = `  classifier-lab inspect [--label-column C] [--image-size N|HxW] [--channels grey|rgb] [--max-classes N] [--] FILE.safetensors | DATASET FILES...
    prints as JSON what a weights file holds (manifest, tensors) or what the loader understood of a dataset;
    a bad file exits 2 with what is wrong and where (file, row, byte offset)
`;

const options = {
  help: { type: 'boolean', short: 'h' },
  'label-column': { type: 'string' },
  'image-size': { type: 'string' },
  channels: { type: 'string' },
  'max-classes': { type: 'string' },
} as const;

export async function inspectCommand(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new InputError(`inspect: ${(e as Error).message} (classifier-lab inspect --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`usage:\n${inspectUsage}`);
    return;
  }
  if (positionals.length === 0) throw new InputError('inspect needs a file (classifier-lab inspect --help)');
  const loadOptions = dataOptions(values);
  const files = await Promise.all(positionals.map(async (name) => ({ name, bytes: await readUserFile(name) })));
  let summary;
  try {
    summary = await inspectInputs(files, loadOptions);
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

/** What inspect reports for files already read: a lone safetensors file is a model, anything else a dataset. */
export async function inspectInputs(files: InputFile[], options: LoadOptions = {}): Promise<InspectResult | WeightsInspection> {
  const [first] = files;
  // By name too, so that a truncated or damaged .safetensors gets the strict reader's message.
  const weights = files.length === 1 && (/\.safetensors$/i.test(first.name) || looksLikeSafetensors(first.bytes.subarray(0, SAFETENSORS_SNIFF_BYTES), first.bytes.byteLength));
  return weights ? inspectWeights(first.bytes, first.name) : inspectFiles(files, options);
}
