// `classifier-lab evaluate MODEL.safetensors [--data FILE…] [--json]`: the page's "Evaluate" of an opened
// model, headless. The file's model is opened on the run's built-in dataset (or the user's files, parsed by
// the same loaders as `train --data`) and measured on its validation split by the engine's evaluation path
// (the fused accuracy statistics): accuracy, loss, confusion matrix, per-class figures and ECE.
import { cliEngine, startEngine } from './cli-engine';
import { parseArgs } from 'node:util';
import { builtinNames, isBuiltinName } from '../data/builtin';
import { decodeRunFile } from '../io/checkpoint';
import type { Manifest } from '../io/manifest';
import { settings, type BackendName } from '../model/config';
import { checkFits, slug } from '../worker/run-files';
import { loadDataFiles } from './data-files';
import { evaluationReport, evaluationTable } from './evaluate-report';
import { InputError, parseUserFile } from './input-error';
import { fileChoiceStore } from './kernel-cache';
import { nodePlatform } from './node-platform';

export const evaluateUsage = `  classifier-lab evaluate MODEL.safetensors [--data FILE... [--label-column C] [--image-size N|HxW] [--channels grey|rgb] [--max-classes N]]
                          [--dataset NAME] [--backend auto|webgpu|wasm|reference] [--cpu] [--json]
    measures a checkpoint or export on a validation split: without --data the built-in dataset the run trained on
    (the split it validated on), with --data your files through train's loaders (their validation split);
    prints accuracy, loss, the confusion matrix (a row per true class) and per-class precision/recall/accuracy,
    or with --json one line {accuracy, loss, confusion, per_class, ece, invalid, examples, split, dataset, ...}
`;

const options = {
  data: { type: 'string', multiple: true },
  dataset: { type: 'string' },
  'label-column': { type: 'string' },
  'image-size': { type: 'string' },
  channels: { type: 'string' },
  'max-classes': { type: 'string' },
  backend: { type: 'string' },
  cpu: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function evaluate(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new InputError(`evaluate: ${(e as Error).message}\nusage:\n${evaluateUsage}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`usage:\n${evaluateUsage}`);
    return;
  }
  const [modelPath, ...moreData] = positionals;
  if (!modelPath) throw new InputError(`evaluate needs a model file\nusage:\n${evaluateUsage}`);
  if (moreData.length > 0 && !values.data) throw new InputError(`evaluate takes one model file, not ${positionals.length}; data files go after --data\nusage:\n${evaluateUsage}`);
  if (values.data && values.dataset) throw new InputError('evaluate: give --data FILE... or --dataset NAME, not both');
  const backend = backendOf(values.backend, values.cpu);
  // The model file first: a bad one is refused before any GPU or data work.
  const file = await parseUserFile(modelPath, (bytes) => ({ bytes, manifest: decodeRunFile(bytes, modelPath).manifest }));
  const builtin = values.data ? undefined : (values.dataset ?? runBuiltin(file.manifest, modelPath));
  if (builtin !== undefined && !isBuiltinName(builtin)) throw new InputError(`--dataset ${builtin} is not a built-in dataset (${builtinNames.join(', ')})`);
  const loaderFlags = (['label-column', 'image-size', 'channels', 'max-classes'] as const).filter((k) => values[k] !== undefined);
  if (!values.data && loaderFlags.length > 0) throw new InputError(`evaluate: ${loaderFlags.map((k) => `--${k}`).join(', ')} ${loaderFlags.length === 1 ? 'is' : 'are'} for --data files only`);

  const platform = { ...nodePlatform(), kernelChoices: fileChoiceStore() };
  const engine = cliEngine(platform, backend);
  try {
    // The data before the GPU: a file that does not fit the model is refused without opening a device.
    const summary = builtin === undefined
      ? await loadDataFiles(engine, values, moreData)
      : await engine.loadBuiltin(builtin);
    process.stderr.write(`dataset: ${summary.name}, ${summary.counts.train} train / ${summary.counts.val} validation\n`);
    const dataset = engine.currentDataset!;
    try {
      checkFits(file.manifest, dataset, modelPath);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    await startEngine(engine, backend);
    const restored = await engine.openRun(file.bytes, modelPath, { backend });
    if (restored.differences.length > 0) process.stderr.write(`note: ${summary.name} differs from the data ${modelPath} trained on in ${restored.differences.join(', ')}\n`);
    const modelNames = file.manifest.classNames;
    if (modelNames.length > 0 && modelNames.join('\n') !== dataset.classNames.join('\n')) {
      process.stderr.write(`warning: the dataset's classes (${dataset.classNames.join(', ')}) are not the model's (${modelNames.join(', ')}); they are matched by index\n`);
    }
    const ev = await engine.evaluate();
    if (!ev.validation) throw new Error(`${backend} counted no confusion matrix on this evaluation`);
    const report = evaluationReport({
      model: modelPath, dataset: ev.dataset, splitNote: summary.splitNote, classNames: modelNames.length > 0 ? modelNames : dataset.classNames,
      loss: ev.loss, acc: ev.acc, count: ev.count, validation: ev.validation,
    });
    process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : evaluationTable(report));
  } finally {
    engine.destroy();
  }
}

/** `--backend NAME` (train's setting and parser) or `--cpu` (the CPU reference); auto by default. */
function backendOf(raw: string | undefined, cpu: boolean | undefined): BackendName {
  if (cpu && raw !== undefined && raw !== 'reference') throw new InputError(`evaluate: --cpu is --backend reference; drop --backend ${raw}`);
  if (cpu) return 'reference';
  if (raw === undefined) return 'auto';
  const v = settings.backend.kind.parse(raw);
  if (!v) throw new InputError(`--backend: "${raw}" is not ${settings.backend.kind.need}`);
  return v.value;
}

/** The built-in dataset the run trained on (its manifest's dataset name), else an InputError asking for --data. */
function runBuiltin(m: Manifest, path: string): string {
  const name = slug(m.dataset.name);
  if (isBuiltinName(name)) return name;
  throw new InputError(`${path} trained on ${m.dataset.name}, which is not a built-in dataset (${builtinNames.join(', ')}): give its files with --data FILE...`);
}
