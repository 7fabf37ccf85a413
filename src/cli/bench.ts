// `classifier-lab bench`: the engine benchmark, headless on Dawn (the browser benchmark against
// TensorFlow.js is `npm run bench`, bench/README.md). Each model trains one epoch with d2l's settings
// (bench-config.ts) from the same seeded init, `reps` times after a warm-up; it prints the median
// examples/s, epoch seconds, validation accuracy, the structural figures and the per-kernel GPU time as
// a table, then one JSON line.
import { parseArgs } from 'node:util';
import { DEFAULT_BUILTIN } from '../data/builtin';
import { candidates, Matmul, type MatmulProblem } from '../gpu/matmul';
import { timeVariants } from '../gpu/autotune';
import { modelNames, type ModelName, type TrainConfig } from '../model/config';
import type { EpochSummary } from '../model/metrics';
import { LabEngine } from '../worker/lab-engine';
import type { PerfReport } from '../worker/protocol';
import { num } from './args';
import { InputError } from './input-error';
import { fileChoiceStore } from './kernel-cache';
import { nodePlatform } from './node-platform';
import { benchConfig } from './bench-config';
import { onOwnDevice } from './own-device';
import { benchTable, kernelTable, median, type ModelFigures } from './bench-format';
import { standaloneBn } from './bench-bn';
import { standalonePool } from './bench-pool';
import { benchCeiling, type CeilingTiming } from '../gpu/ceiling';
import { benchConvBlocks, benchConvPasses, ceilingJson, ceilingLine, convBenchShapes, convTable, type ConvPassTiming } from './bench-conv';

export const benchUsage = `usage:
  classifier-lab bench [--models softmax,mlp] [--reps 3] [--limit N] [--warmup-limit 4096] [--no-autotune] [--matmul] [--conv] [--conv-blocks] [--bn] [--pool]
    Trains each model for one epoch (on the first N examples with --limit), reps times after a warm-up,
    and prints a table and one JSON line. --matmul also times every matmul variant standalone. --conv
    times every Conv2d pass (forward, input gradient, weight gradient) standalone per layer shape of
    LeNet and resnet-lab, in GFLOP/s (alone: without --models it trains no model). --conv-blocks times
    each of those passes in every register block, fastest first, the heuristic's choice marked with *.
    Both end with the yardstick of the conv figures: an 8x8 register block's GFLOP/s on this adapter
    with its operands in registers and with every operand loaded (shaders/ceiling.wgsl).
    --bn times BatchNorm and the elementwise graph passes standalone at resnet-lab's shapes (ms, M elements/s).
    --pool times the pooling forwards and backwards standalone at LeNet's and the ResNets' shapes (ms, M elements/s).
`;

const options = {
  models: { type: 'string' },
  reps: { type: 'string' },
  limit: { type: 'string' },
  'warmup-limit': { type: 'string' },
  'no-autotune': { type: 'boolean' },
  matmul: { type: 'boolean' },
  conv: { type: 'boolean' },
  'conv-blocks': { type: 'boolean' },
  bn: { type: 'boolean' },
  pool: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** One epoch of `model` from its seeded init; resolves with the epoch's summary. */
async function oneEpoch(engine: LabEngine, config: TrainConfig): Promise<EpochSummary> {
  let summary: EpochSummary | undefined;
  let failure = '';
  await engine.train({ ...config, epochs: 1 }, {
    metric: () => {},
    progress: () => {},
    status: (s, m) => {
      if (s === 'diverged' || s === 'error') failure = m ?? s;
    },
    epoch: (e) => (summary = e),
  }, false);
  if (failure || !summary) throw new Error(`bench: ${config.model} did not finish its epoch${failure ? `: ${failure}` : ''}`);
  return summary;
}

/** Standalone GFLOP/s of every variant on the MLP's two large products (the kernels' ceiling here). */
function standaloneMatmul(): Promise<string> {
  return onOwnDevice(async (kc) => {
    const vs = candidates(new Matmul(kc).subgroups);
    const problems: MatmulProblem[] = [
      { layout: 'nn', rows: 256, cols: 256, inner: 784, epilogue: 'biasRelu' },
      { layout: 'tn', rows: 784, cols: 256, inner: 256, epilogue: 'none' },
    ];
    const lines: string[] = [];
    for (const p of problems) {
      const times = await timeVariants(kc, p, vs, 3);
      const flops = 2 * p.rows * p.cols * p.inner;
      const row = Object.entries(times).sort((a, b) => a[1] - b[1]).map(([n, ms]) => `${n} ${(flops / ms / 1e6).toFixed(2)}`);
      lines.push(`standalone ${p.layout} ${p.rows}×${p.cols}×${p.inner} GFLOP/s: ${row.join(', ')}`);
    }
    return lines.join('\n');
  });
}

/** Every conv pass of the benchmark's layer shapes, standalone (bench-conv.ts). */
const standaloneConv = (reps: number): Promise<ConvPassTiming[]> => onOwnDevice((kc) => benchConvPasses(kc, convBenchShapes, reps));

/** Every conv pass of the benchmark's shapes in every block (bench-conv.ts benchConvBlocks). */
const standaloneConvBlocks = (reps: number): Promise<string> => onOwnDevice((kc) => benchConvBlocks(kc, convBenchShapes, reps));

/** The adapter's 8x8 register-block rates (src/gpu/ceiling.ts), the yardstick of the conv figures. */
const standaloneCeiling = (reps: number): Promise<CeilingTiming[]> => onOwnDevice((kc) => benchCeiling(kc, reps));

/** The options, checked: a bad one is the user's error (exit 2). */
function parse(argv: string[]) {
  try {
    const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    const count = (name: string, v: string | undefined, fallback?: number) => {
      if (v === undefined) return fallback;
      const n = num(name, v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: ${v} is not a positive integer`);
      return n;
    };
    const models = values.models === undefined && (values.conv || values['conv-blocks'] || values.bn || values.pool) ? [] : (values.models ?? 'softmax,mlp').split(',').map((m) => m.trim());
    for (const m of models) if (!modelNames.includes(m as ModelName)) throw new Error(`--models: unknown model "${m}" (one of ${modelNames.join(', ')})`);
    return { values, models: models as ModelName[], reps: count('reps', values.reps, 3)!, limit: count('limit', values.limit), warmupLimit: count('warmup-limit', values['warmup-limit'], 4096)! };
  } catch (e) {
    throw new InputError(`${e instanceof Error ? e.message : String(e)}\n${benchUsage}`);
  }
}

export async function bench(argv: string[]): Promise<void> {
  const { values, models, reps, limit, warmupLimit } = parse(argv);
  if (values.help) {
    process.stdout.write(benchUsage);
    return;
  }
  const engine = new LabEngine({ ...nodePlatform(), kernelChoices: values['no-autotune'] ? undefined : fileChoiceStore() });
  const figures: Record<string, ModelFigures> = {};
  const reports: Record<string, PerfReport> = {};
  let adapter = '';
  try {
    adapter = (await engine.init()).adapter;
    process.stderr.write(`adapter: ${adapter}\n`);
    if (models.length > 0) await engine.loadBuiltin(DEFAULT_BUILTIN);
    for (const model of models) {
      // The GPU's figures (the profile is WebGPU's): never the backend `auto` would pick.
      const config: TrainConfig = { ...benchConfig(model, limit), backend: 'webgpu' };
      process.stderr.write(`${model}: warm-up on ${warmupLimit} examples\n`);
      await oneEpoch(engine, { ...config, limit: Math.min(limit ?? Infinity, warmupLimit) });
      const runs: EpochSummary[] = [];
      for (let i = 0; i < reps; i++) {
        const e = await oneEpoch(engine, config);
        process.stderr.write(`${model} rep ${i + 1}/${reps}: ${e.examples_per_s.toFixed(0)} examples/s, val acc ${e.val_acc.toFixed(4)}\n`);
        runs.push(e);
      }
      const report = await engine.profile();
      if (report) reports[model] = report;
      figures[model] = {
        examplesPerSecond: median(runs.map((e) => e.examples_per_s)),
        epochSeconds: median(runs.map((e) => e.seconds)),
        valAcc: runs[runs.length - 1].val_acc,
        report,
      };
    }
  } finally {
    engine.destroy();
  }
  process.stdout.write(`${benchTable(figures)}\n`);
  for (const [model, r] of Object.entries(reports)) process.stdout.write(`\n${kernelTable(model, r)}\n`);
  if (values.matmul) process.stdout.write(`\n${await standaloneMatmul()}\n`);
  const conv = values.conv ? await standaloneConv(reps) : null;
  if (conv) process.stdout.write(`\n${convTable(conv, convBenchShapes)}\n`);
  if (values['conv-blocks']) process.stdout.write(`\nconv GFLOP/s per block (* the heuristic's):\n${await standaloneConvBlocks(reps)}\n`);
  const ceiling = values.conv || values['conv-blocks'] ? await standaloneCeiling(reps) : null;
  if (ceiling) process.stdout.write(`\n${ceilingLine(ceiling)}\n`);
  if (values.bn) process.stdout.write(`\n${await standaloneBn(reps)}\n`);
  if (values.pool) process.stdout.write(`\n${await standalonePool(reps)}\n`);
  const json = {
    adapter,
    ...(ceiling && { ceiling: ceilingJson(ceiling) }),
    ...(conv && {
      conv: Object.fromEntries(convBenchShapes.map((s) => [s.name, Object.fromEntries(conv.filter((c) => c.shape === s.name).map((c) => [`${c.pass}_gflops`, Number(c.gflops.toFixed(3))]))])),
    }),
    models: Object.fromEntries(Object.entries(figures).map(([m, f]) => [m, {
      lab: Math.round(f.examplesPerSecond),
      lab_val_acc: f.valAcc,
      epoch_seconds: f.epochSeconds,
      dispatches_per_step: f.report?.dispatchesPerStep ?? null,
      submits_per_epoch: f.report?.epoch?.submits ?? null,
      map_async_per_epoch: f.report?.epoch?.mapAsyncs ?? null,
      bytes_uploaded_per_epoch: f.report?.epoch?.bytesUploaded ?? null,
    }])),
  };
  process.stdout.write(`${JSON.stringify(json)}\n`);
}
