// The headless lab: `classifier-lab train|evaluate|predict|inspect …` on the same engine as the page, through Dawn.
// Prints one JSON object per line on stdout; messages go to stderr; exit 2 on bad input, 1 otherwise.
import { cliEngine, startEngine } from './cli-engine';
import { progressReporter } from './progress-line';
import { DEFAULT_BUILTIN } from '../data/builtin';
import { presets } from '../model/config';
import { num, parseTrainArgs, settingsUsage } from './args';
import { dataUsage, loadDataFiles } from './data-files';
import { fileCheckpointStore } from './file-checkpoint-store';
import { InputError } from './input-error';
import { inspectCommand, inspectUsage } from './inspect-command';
import { bench, benchUsage } from './bench';
import { fileChoiceStore } from './kernel-cache';
import { nodePlatform } from './node-platform';
import { predict, predictUsage } from './predict';
import { evaluate, evaluateUsage } from './evaluate';
import { exportPytorch, exportPytorchUsage } from './export-pytorch';
import { summary, summaryUsage } from './summary';
import { builtinOf, nodeOnnxRunner, openResumed, readResumeFile, writeOutputs } from './train-files';
import { expectedCalibrationError } from '../reference/calibration';
import type { EpochValidation } from '../worker/insight-types';

const usage = `usage:
  classifier-lab train [--preset NAME] [training flags] [--dataset fashion-mnist|mnist] [--out model.safetensors] [--cpu]
                       [--resume run.safetensors] [--checkpoint run.safetensors] [--until-epoch N] [--onnx model.onnx [--onnx-softmax]]
    training flags (the page's form and URL parameters under the same names):
${settingsUsage('      ')}
    --out writes an export (model tensors); --checkpoint keeps a full checkpoint (plus optimizer state and position),
    saved at every epoch end, every 30 s, on Ctrl-C and at the end; --resume continues either kind (only --epochs may change).
    A run starts from --preset (${Object.keys(presets).join(', ')}), else from the d2l settings of --model;
    the other flags override it.
${dataUsage}${evaluateUsage}${predictUsage}${exportPytorchUsage}${summaryUsage}${inspectUsage}${benchUsage}`;

class UsageError extends Error {}

async function train(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseTrainArgs(argv);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const { config, values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  const resumeFile = values.resume ? await readResumeFile(values.resume, values) : undefined;
  const platform = {
    ...nodePlatform(),
    // Autotuned matmul choices are cached per adapter in the user's cache directory.
    kernelChoices: fileChoiceStore(),
    ...(values.checkpoint ? { checkpoints: fileCheckpointStore(values.checkpoint) } : {}),
    ...(values.onnx ? { runOnnx: await nodeOnnxRunner() } : {}),
  };
  // --cpu is --backend reference.
  const backend = values.cpu ? 'reference' : config.backend;
  const engine = cliEngine(platform, backend);
  const stop = () => void engine.stop();
  process.once('SIGINT', stop);
  try {
    await startEngine(engine, backend);
    const summary = values.data
      ? await loadDataFiles(engine, values, positionals)
      : await engine.loadBuiltin(values.dataset ?? (resumeFile ? builtinOf(resumeFile.manifest) : DEFAULT_BUILTIN));
    process.stderr.write(`dataset: ${summary.name}, ${summary.counts.train} train / ${summary.counts.val} validation\n`);
    let runConfig = { ...config, backend };
    if (resumeFile) {
      const restored = await openResumed(engine, resumeFile, values.epochs === undefined ? undefined : config.epochs, backend);
      process.stderr.write(`resuming ${restored.description}\n`);
      restored.notes.forEach((n) => process.stderr.write(`${n}\n`));
      runConfig = { ...restored.config, backend };
    }
    const until = values['until-epoch'] === undefined ? Infinity : num('until-epoch', values['until-epoch']);
    let failure = '';
    let stats: EpochValidation | undefined;
    const where = progressReporter(process.stderr);
    await engine.train(runConfig, {
      metric: () => {},
      progress: where.progress,
      status: (s, m) => {
        where.end();
        if (s === 'diverged' || s === 'error') failure = m ?? s;
        else if (m) process.stderr.write(`${m}\n`);
      },
      validation: (v) => (stats = v),
      epoch: (e) => {
        // The epoch's confusion matrix (a row per true class) and expected calibration error, where the backend counts them.
        where.end();
        const extra = stats?.epoch === e.epoch ? { confusion: confusionRows(stats.confusion), ece: expectedCalibrationError(stats.calibration) } : {};
        process.stdout.write(`${JSON.stringify({ ...e, ...extra })}\n`);
        if (e.epoch >= until) stop();
      },
      // The test split's one evaluation at the end, as its own line (confusion: a row per true class).
      test: (r) => process.stdout.write(`${JSON.stringify({ test: { epoch: r.epoch, count: r.count, loss: r.loss, acc: r.acc, invalid: r.invalid, confusion: confusionRows(r.confusion) } })}\n`),
    }, resumeFile !== undefined);
    if (values.checkpoint) process.stderr.write(`checkpoint in ${values.checkpoint}\n`);
    await writeOutputs(engine, { out: values.out, onnx: values.onnx, softmax: values['onnx-softmax'] });
    if (failure) throw new Error(failure);
  } finally {
    process.off('SIGINT', stop);
    engine.destroy();
  }
}

/** `inspect FILE...`: a lone safetensors file (told by its content) is a model, anything else a dataset. */
async function inspect(argv: string[]): Promise<void> {
  await inspectCommand(argv); // its flags (--help, --max-classes, --) and dispatch live in inspect-command.ts
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'train':
        await train(rest);
        return 0;
      case 'bench':
        await bench(rest);
        return 0;
      case 'evaluate':
        await evaluate(rest);
        return 0;
      case 'predict':
        await predict(rest);
        return 0;
      case 'export-pytorch':
        await exportPytorch(rest);
        return 0;
      case 'inspect':
        await inspect(rest);
        return 0;
      case 'summary':
        await summary(rest);
        return 0;
      case undefined:
      case '--help':
      case 'help':
        process.stdout.write(usage);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    process.stderr.write(`classifier-lab: ${e instanceof Error ? e.message : String(e)}\n`);
    return e instanceof UsageError || e instanceof InputError ? 2 : 1;
  }
}

/** A flat (C × C) matrix as a row per true class. */
function confusionRows(m: Uint32Array): number[][] {
  const c = Math.round(Math.sqrt(m.length));
  return Array.from({ length: c }, (_, t) => Array.from(m.subarray(t * c, (t + 1) * c)));
}

process.exitCode = await main(process.argv.slice(2));
