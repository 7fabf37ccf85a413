// jax-js's one-epoch trainer (jax-trainer.ts) headless in Node, for the --cpu benchmark's CLI comparison:
// `node jax-node.mjs MODEL LIMIT` prints the epoch as one JSON line (examples_per_s, train_loss, val_acc).
import { loadBuiltin } from '../src/data/builtin';
import { readFromDir } from '../src/data/builtin-node';
import type { ModelName } from '../src/model/config';
import { benchConfig } from '../src/cli/bench-config';
import { initJax, jaxEpoch } from './jax-trainer';

const [model, limit] = process.argv.slice(2);
const dataset = await loadBuiltin('fashion-mnist', readFromDir(process.env.CLASSIFIER_LAB_DATA ?? 'public/data'));
const device = await initJax();
// Warm-up: compiles the jitted step outside the clock (the lab's CLI compiles its kernels before its epoch too).
await jaxEpoch(dataset, benchConfig(model as ModelName, 512), false);
const e = await jaxEpoch(dataset, benchConfig(model as ModelName, limit ? Number(limit) : undefined));
process.stdout.write(`${JSON.stringify({ device, examples_per_s: e.examplesPerSecond, seconds: e.seconds, train_loss: e.trainLoss, val_acc: e.valAcc })}\n`);
