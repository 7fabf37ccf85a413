// The headless lab: `classifier-lab train|inspect …` on the same engine as the page, through Dawn.
// Prints one JSON object per line on stdout; messages go to stderr; exit 2 on bad input, 1 otherwise.
import { writeFile } from 'node:fs/promises';
import { LabEngine } from '../worker/lab-engine';
import { parseTrainArgs } from './args';
import { dataUsage, loadDataFiles } from './data-files';
import { nodePlatform } from './node-platform';

const usage = `usage:
  classifier-lab train [--model softmax|mlp] [--epochs 10] [--batch-size 256] [--lr 0.1] [--seed 0]
                       [--limit N] [--hidden 256,128] [--dataset fashion-mnist|mnist] [--out model.safetensors] [--cpu]
${dataUsage}`;

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
  const platform = nodePlatform();
  const engine = new LabEngine(values.cpu ? { ...platform, acquireGpu: async () => ({ ok: false, failure: { kind: 'no-adapter', message: '--cpu given' } }) } : platform);
  try {
    try {
      const info = await engine.init();
      process.stderr.write(`adapter: ${info.adapter}\n`);
    } catch (e) {
      if (!values.cpu) throw e;
      process.stderr.write('training on the CPU reference (--cpu)\n');
    }
    const summary = values.data ? await loadDataFiles(engine, values, positionals) : await engine.loadBuiltin(values.dataset ?? 'fashion-mnist');
    process.stderr.write(`dataset: ${summary.name}, ${summary.counts.train} train / ${summary.counts.val} validation\n`);
    let failure = '';
    await engine.train(config, {
      metric: () => {},
      progress: () => {},
      status: (s, m) => {
        if (s === 'diverged' || s === 'error') failure = m ?? s;
        else if (m) process.stderr.write(`${m}\n`);
      },
      epoch: (e) => process.stdout.write(`${JSON.stringify(e)}\n`),
    }, false);
    if (values.out) {
      const file = await engine.exportWeights();
      await writeFile(values.out, file.bytes);
      process.stderr.write(`wrote ${values.out} (${file.bytes.byteLength} bytes)\n`);
    }
    if (failure) throw new Error(failure);
  } finally {
    engine.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'train':
        await train(rest);
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
    return e instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
