#!/usr/bin/env node
// `npm run bench`: builds the benchmark page (bench/vite.config.ts), serves it on 127.0.0.1 with the
// built-in datasets, and drives it in headless Chromium: per model a warm-up on a small subset, then
// `reps` one-epoch runs alternating lab / TensorFlow.js (WebGPU), from the same init and batch order.
// Prints a table (speed, accuracy, structural figures, the lab's step by kernel family) and ends with
// one JSON line. Each model runs alone: one that fails (browser crash / page closed, timeout, out of memory,
// or an error) is a table row and a JSON entry with its cause, the browser is relaunched for the next, and
// the JSON line always comes out. Exit 1 when a model failed, or the two disagree on validation accuracy by
// more than 0.01 or on train loss by more than 1 %. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { cpuReport, runCpuBrowser, runCpuHeadless } from './cpu.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const usage = `usage: npm run bench -- [--models softmax,mlp,lenet,resnet-lab] [--reps 3] [--limit N] [--lenet-limit 2048]
                      [--lenet-warmup-limit 512] [--lenet-val-limit 2000]
                      [--resnet-limit 256] [--resnet-warmup-limit 128] [--resnet-val-limit 250] [--resnet-reps 1]
                      [--warmup-limit 2048] [--model-timeout 30] [--tfjs-feed upload|gpu] [--chrome PATH] [--gpu] [--chrome-arg=FLAG ...] [--no-build]
                      [--cpu [--headless-limit 20000]]
  --cpu            the WebAssembly backends instead (bench/cpu.mjs): the lab's wasm, TF.js wasm and jax-js wasm in
                   the page, then the CLI (--backend wasm, --limit from --headless-limit) against jax-js in Node
  --gpu            add flags that let Chromium use a real GPU (see bench/README.md)
  --limit N        train on the first N examples (quick looks; by default every model but LeNet trains a full epoch)
  --lenet-limit N  LeNet's epoch: TF.js trains LeNet at ~16 examples/s on SwiftShader, an hour an epoch
                   (0: the full epoch); it warms up on 512 (--lenet-warmup-limit) and both sides validate on the
                   first 2,000 validation examples (--lenet-val-limit, 0: all 10,000; TF.js validates LeNet at
                   ~30 examples/s)
  --resnet-*       resnet-lab (the lab's narrow ResNet: BatchNorm, Adam, cosine schedule, batch 128): TF.js trains it
                   at ~1 example/s on SwiftShader (a step of 128 takes 2-4 min), so by default 2 steps (256), a
                   one-step warm-up, 1 repetition, and both sides validate on the first 250 validation examples
                   (limit/val-limit 0: all)
  --model-timeout M  minutes one model (warm-ups, repetitions, validation) may take (default 30, 0: no limit); past
                   it the model is reported as timed out and the others run in a fresh browser
  --tfjs-feed      TF.js batches built on the CPU and uploaded each step (upload, the usual TF.js loop and the
                   faster here) or gathered from the training set held on the GPU (gpu)
`;

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    reps: { type: 'string', default: '3' },
    limit: { type: 'string' },
    'warmup-limit': { type: 'string', default: '2048' },
    'lenet-limit': { type: 'string', default: '2048' },
    'lenet-warmup-limit': { type: 'string', default: '512' },
    'lenet-val-limit': { type: 'string', default: '2000' },
    'resnet-limit': { type: 'string', default: '256' },
    'resnet-warmup-limit': { type: 'string', default: '128' },
    'resnet-reps': { type: 'string', default: '1' },
    'resnet-val-limit': { type: 'string', default: '250' },
    'tfjs-feed': { type: 'string', default: 'upload' },
    'model-timeout': { type: 'string', default: '30' },
    chrome: { type: 'string' },
    gpu: { type: 'boolean', default: false },
    'chrome-arg': { type: 'string', multiple: true, default: [] },
    'no-build': { type: 'boolean', default: false },
    cpu: { type: 'boolean', default: false },
    'headless-limit': { type: 'string', default: '20000' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}
const positiveInt = (name, v) => {
  if (!/^\d+$/.test(v) || Number(v) < 1) {
    process.stderr.write(`bench: --${name} needs a positive integer, got "${v}"\n${usage}`);
    process.exit(2);
  }
  return Number(v);
};
// --cpu: the dense models and LeNet (resnet-lab on the wasm backend would take hours at --limit 20000).
const models = (values.models ?? (values.cpu ? 'softmax,mlp,lenet' : 'softmax,mlp,lenet,resnet-lab')).split(',').map((m) => m.trim()).filter(Boolean);
const reps = positiveInt('reps', values.reps);
const limit = values.limit === undefined ? undefined : positiveInt('limit', values.limit);
const warmupLimit = positiveInt('warmup-limit', values['warmup-limit']);
const feed = values['tfjs-feed'];
if (feed !== 'upload' && feed !== 'gpu') {
  process.stderr.write(`bench: --tfjs-feed is upload or gpu, not "${feed}"\n${usage}`);
  process.exit(2);
}
const lenetLimit = values['lenet-limit'] === '0' ? undefined : positiveInt('lenet-limit', values['lenet-limit']);
/** Training examples of each model's epoch (undefined: all 60,000). */
const resnetLimit = values['resnet-limit'] === '0' ? undefined : positiveInt('resnet-limit', values['resnet-limit']);
const isResnet = (model) => model.startsWith('resnet');
const isLenet = (model) => model.startsWith('lenet');
const limitOf = (model) => limit ?? (isLenet(model) ? lenetLimit : isResnet(model) ? resnetLimit : undefined);
/** Warm-up examples: TF.js trains LeNet at ~20 examples/s and resnet-lab at ~1, so theirs are shorter. */
const warmupOf = (model) =>
  isResnet(model) ? positiveInt('resnet-warmup-limit', values['resnet-warmup-limit']) : isLenet(model) ? positiveInt('lenet-warmup-limit', values['lenet-warmup-limit']) : warmupLimit;
/** Validation examples (undefined: all 10,000): LeNet's and resnet-lab's both sides validate on the same first N. */
const valLimitArg = (name) => (values[name] === '0' ? undefined : positiveInt(name, values[name]));
const resnetValLimit = valLimitArg('resnet-val-limit');
const lenetValLimit = valLimitArg('lenet-val-limit');
/** Repetitions: TF.js trains resnet-lab at ~1 example/s on SwiftShader (two steps of 128: ~4 min), so it gets one by default. */
const repsOf = (model) => (isResnet(model) ? positiveInt('resnet-reps', values['resnet-reps']) : reps);
const valLimitOf = (model) => (isResnet(model) ? resnetValLimit : isLenet(model) ? lenetValLimit : undefined);
/** The per-model time limit in ms (0: none): past it the model is reported as timed out and the browser relaunched. */
const modelTimeout = values['model-timeout'] === '0' ? 0 : positiveInt('model-timeout', values['model-timeout']) * 60000;
const log = (s) => process.stderr.write(`${s}\n`);

function findChrome() {
  for (const p of [values.chrome, process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) if (p && existsSync(p)) return p;
  throw new Error('bench: no Chromium found: pass --chrome PATH or set CHROME_PATH (Debian: sudo apt-get install chromium)');
}

function build() {
  if (values['no-build'] && existsSync(join(root, 'dist-bench/index.html'))) return;
  log('building the benchmark page (dist-bench/)…');
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'bench/vite.config.ts'], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
  if (r.status !== 0) throw new Error(`bench: vite build failed:\n${r.stdout}\n${r.stderr}`);
}

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css', '.map': 'application/json' };

/** dist-bench/ at /, the built-in datasets (public/data/) at /data/; 127.0.0.1 only. */
function serve() {
  const dirs = [['/data/', resolve(root, 'public/data')], ['/', resolve(root, 'dist-bench')]];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const [prefix, dir] = dirs.find(([p]) => path.startsWith(p));
    const file = normalize(join(dir, path.slice(prefix.length) || 'index.html'));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    // Cross-origin isolated (SharedArrayBuffer: the wasm runtimes' threads), as npm start serves the lab.
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream', 'content-length': statSync(file).size,
      'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

/** A failure's cause, classified: what the table and the JSON say about a model whose run did not finish. */
function classify(e) {
  const text = e instanceof Error ? e.message : String(e);
  if (e instanceof ModelTimeout) return 'timeout';
  if (/Target (page, context or browser )?(has been )?closed|Target crashed|Page crashed|browser has disconnected|Browser closed|has been closed/i.test(text)) return 'browser crash / page closed';
  if (/out of memory|OutOfMemory|Array buffer allocation failed|Aborted\(OOM\)|allocation failed|RangeError: .*memory/i.test(text)) return 'out of memory';
  return text.split('\n').find((l) => l.trim())?.trim().slice(0, 160) ?? 'unknown error';
}

class ModelTimeout extends Error {}

/** Rejects with ModelTimeout after `ms` (0: never), calling `onTimeout` first (closing the browser ends the pending evaluate). */
function withTimeout(promise, ms, onTimeout) {
  if (!ms) return promise;
  let timer;
  const limit = new Promise((_, fail) => {
    timer = setTimeout(() => {
      onTimeout();
      fail(new ModelTimeout(`over the per-model limit of ${ms / 60000} min`));
    }, ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** A fresh headless Chromium on the benchmark page, `window.bench` initialised (the --cpu run initialises its own). */
async function launch(url, cpu) {
  const gpuArgs = values.gpu ? ['--ignore-gpu-blocklist', '--enable-features=Vulkan,VulkanFromANGLE,DefaultANGLEVulkan', '--use-angle=vulkan'] : [];
  const browser = await chromium.launch({
    executablePath: findChrome(),
    headless: true,
    args: ['--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...gpuArgs, ...values['chrome-arg']],
  });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && log(`console: ${m.text()}`));
    page.on('crash', () => log('the page crashed'));
    await page.goto(url);
    await page.waitForFunction(() => 'bench' in window);
    const info = cpu ? null : await page.evaluate(() => window.bench.init());
    return { browser, page, info };
  } catch (e) {
    await browser.close().catch(() => {});
    throw e;
  }
}

/**
 * A failure forced for testing the bench itself: BENCH_FAIL=<model>:<how>[@<point>], how = close (the page
 * closes while the point's evaluate runs), throw (the evaluate throws) or hang (it never returns); point =
 * warmup, lab, tfjs or validate (TF.js's validating repetition, the default).
 */
const forced = (() => {
  const m = /^([\w-]+):(close|throw|hang)(?:@(warmup|lab|tfjs|validate))?$/.exec(process.env.BENCH_FAIL ?? '');
  return m ? { model: m[1], how: m[2], point: m[3] ?? 'validate' } : null;
})();

/** page.evaluate(fn, arg), or the forced failure when this is its point. */
function evaluate(page, model, point, fn, arg) {
  if (forced?.model !== model || forced.point !== point) return page.evaluate(fn, arg);
  log(`BENCH_FAIL: forcing "${forced.how}" at ${model}'s ${point}`);
  if (forced.how === 'throw') return page.evaluate(() => Promise.reject(new Error('BENCH_FAIL: forced failure')));
  if (forced.how === 'hang') return page.evaluate(() => new Promise(() => {}));
  const running = page.evaluate(fn, arg);
  setTimeout(() => page.close().catch(() => {}), 1000);
  return running;
}

/** Examples/s for the JSON line: whole numbers, two decimals below 100 (resnet-lab's TF.js runs at ~1). */
const round = (rate) => (rate < 100 ? Number(rate.toFixed(2)) : Math.round(rate));

/** One model: warm-ups, then `reps` epochs alternating lab / TF.js; TF.js validates on the last. */
async function runModel(s, model, progress) {
  const reps = repsOf(model);
  const n = limitOf(model) ?? null;
  const warm = warmupOf(model);
  const val = valLimitOf(model) ?? null;
  log(`${model}: warm-up on ${warm} examples, then ${reps} epochs of ${n ?? 'all'} examples each, validation on ${val ?? 'all 10,000'} examples`);
  progress('warm-up');
  await evaluate(s.page, model, 'warmup', ([m, k, v]) => window.bench.lab(m, k, 'webgpu', v ?? undefined), [model, warm, val]);
  await evaluate(s.page, model, 'warmup', ([m, k, f]) => window.bench.tfjs(m, k, false, f), [model, warm, feed]);
  const lab = [];
  const tfjs = [];
  for (let r = 0; r < reps; r++) {
    const last = r === reps - 1;
    progress(`lab rep ${r + 1}`);
    lab.push(await evaluate(s.page, model, 'lab', ([m, k, v]) => window.bench.lab(m, k ?? undefined, 'webgpu', v ?? undefined), [model, n, val]));
    log(`${model} rep ${r + 1}/${reps}: lab ${lab[r].examplesPerSecond.toFixed(model.startsWith('resnet') ? 1 : 0)} examples/s (val acc ${lab[r].valAcc.toFixed(4)} on ${lab[r].valExamples})`);
    // TF.js validates on the last repetition only (same init and order: the same accuracy), to save time.
    progress(`TF.js rep ${r + 1}${last ? ' + validation' : ''}`);
    tfjs.push(await evaluate(s.page, model, last ? 'validate' : 'tfjs', ([m, k, v, f, vl]) => window.bench.tfjs(m, k ?? undefined, v, f, vl ?? undefined), [model, n, last, feed, val]));
    log(`${model} rep ${r + 1}/${reps}: TF.js ${tfjs[r].examplesPerSecond.toFixed(model.startsWith('resnet') ? 2 : 0)} examples/s${last ? ` (validation on ${tfjs[r].valExamples}: ${tfjs[r].valSeconds.toFixed(0)} s)` : ''}`);
  }
  log(`${model}: validation accuracy lab ${lab[reps - 1].valAcc.toFixed(4)}, TF.js ${tfjs[reps - 1].valAcc.toFixed(4)}`);
  progress('ceiling');
  const ceiling = await evaluate(s.page, model, 'ceiling', () => window.bench.ceiling());
  return { lab, tfjs, examples: n ?? 60000, warmup: warm, val: val ?? 10000, reps, ceiling };
}

async function main() {
  if (!existsSync(join(root, 'public/data/fashion-mnist'))) throw new Error('bench: public/data/fashion-mnist is missing: run `node scripts/prepare-data.mjs` (npm install does it)');
  build();
  const server = await serve();
  const url = `http://127.0.0.1:${server.address().port}/index.html`;
  const results = {};
  let adapter = '';
  let session = null;
  try {
    if (values.cpu) {
      session = await launch(url, true);
      const browserRuns = await runCpuBrowser({ page: session.page, models, reps, limitOf, warmupLimit, log });
      const headless = runCpuHeadless({ root, models, reps, limit: positiveInt('headless-limit', values['headless-limit']), log });
      const parts = [cpuReport(browserRuns.results, median, 'browser'), cpuReport(headless, median, 'headless')];
      process.stdout.write(`${table([parts[0].rows[0], ...parts.flatMap((p) => p.rows.slice(1))])}\n`);
      const disagree = parts.flatMap((p) => p.disagree);
      if (disagree.length) process.stdout.write(`\nthe runtimes did not train the same thing: ${disagree.join('; ')}\n`);
      process.stdout.write(`${JSON.stringify({ cpu: true, browser: parts[0].json, headless: parts[1].json })}\n`);
      if (disagree.length) process.exitCode = 1;
      return;
    }
    for (const model of models) {
      let phase = 'launching the browser';
      const started = performance.now();
      try {
        // Each model runs alone: after a failure the browser is closed, and the next model gets a fresh one.
        if (!session) {
          session = await launch(url, false);
          if (!adapter) log(`adapter: ${session.info.adapter}\n${session.info.tfjs}, batches fed by ${feed}\n${session.info.userAgent}`);
          adapter = session.info.adapter;
        }
        const s = session;
        results[model] = await withTimeout(runModel(s, model, (p) => (phase = p)), modelTimeout, () => s.browser.close().catch(() => {}));
      } catch (e) {
        const cause = classify(e);
        log(`${model}: FAILED at ${phase} after ${((performance.now() - started) / 1000).toFixed(0)} s: ${cause}\n  ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
        results[model] = { failed: { cause, phase } };
        const s = session;
        session = null;
        if (s) await s.browser.close().catch(() => {});
      }
    }
  } finally {
    if (session) await session.browser.close().catch(() => {});
    server.close();
  }
  report(adapter, results);
}

/** A step's FLOPs over its GPU time (the profile's families: GFLOP/s × ms). */
const stepRate = (perf) => perf.families.reduce((a, f) => a + f.gflops * f.ms, 0) / perf.stepMs;

function report(adapter, results) {
  const rows = [['model', 'examples', 'lab ex/s', 'TF.js ex/s', 'ratio', 'lab epoch s', 'TF.js epoch s', 'lab val acc', 'TF.js val acc', 'lab train loss', 'TF.js train loss', 'dispatches/step', 'submits/epoch', 'mapAsync/epoch', 'KB up/epoch']];
  const json = { adapter, models: {} };
  const disagree = [];
  const failed = [];
  const notes = [];
  for (const [model, result] of Object.entries(results)) {
    if (result.failed) {
      const { cause, phase } = result.failed;
      failed.push(`${model}: ${cause} (at ${phase})`);
      rows.push([model, `FAILED: ${cause} (at ${phase})`, ...rows[0].slice(2).map(() => '–')]);
      json.models[model] = { failed: cause, phase };
      continue;
    }
    const { lab, tfjs, examples, warmup, val, reps } = result;
    notes.push(`${model}: ${examples} training examples, warm-up ${warmup}, ${reps} repetition${reps === 1 ? '' : 's'}, validation on ${val === 10000 ? 'all 10,000' : `the first ${val} validation examples (both sides; the lab's engine loads the dataset with that validation split)`}`);
    const labRate = median(lab.map((r) => r.examplesPerSecond));
    const tfRate = median(tfjs.map((r) => r.examplesPerSecond));
    const labAcc = lab[lab.length - 1].valAcc;
    const tfAcc = tfjs[tfjs.length - 1].valAcc;
    const perf = lab[lab.length - 1].perf;
    // The epoch's mean train loss: the same init, order and steps give the same loss up to float32 rounding,
    // a sharper proof than the accuracy when a model is still at chance after one epoch.
    const labLoss = lab[lab.length - 1].trainLoss;
    const tfLoss = tfjs[tfjs.length - 1].trainLoss;
    if (Math.abs(labAcc - tfAcc) > 0.01) disagree.push(`${model}: validation accuracy lab ${labAcc.toFixed(4)} vs TF.js ${tfAcc.toFixed(4)} (more than 0.01 apart)`);
    if (!(Math.abs(labLoss - tfLoss) <= 0.01 * Math.abs(tfLoss))) disagree.push(`${model}: train loss lab ${labLoss.toFixed(5)} vs TF.js ${tfLoss.toFixed(5)} (more than 1 % apart)`);
    rows.push([
      model, examples, labRate.toFixed(labRate < 100 ? 1 : 0), tfRate.toFixed(tfRate < 100 ? 2 : 0), `${(labRate / tfRate).toFixed(2)}×`,
      (examples / labRate).toFixed(2), (examples / tfRate).toFixed(2), labAcc.toFixed(4), tfAcc.toFixed(4), labLoss.toFixed(5), tfLoss.toFixed(5),
      perf ? perf.dispatchesPerStep : '–', perf?.epoch ? perf.epoch.submits : '–', perf?.epoch ? perf.epoch.mapAsyncs : '–', perf?.epoch ? (perf.epoch.bytesUploaded / 1024).toFixed(1) : '–',
    ]);
    const ceiling = result.ceiling && { ...result.ceiling.json, ...(perf?.stepMs && { step_gflops: Number(stepRate(perf).toFixed(3)) }) };
    json.models[model] = { examples, val_examples: val, reps, ...(ceiling && { ceiling }), lab: round(labRate), tfjs_webgpu: round(tfRate), ratio: Number((labRate / tfRate).toFixed(2)), lab_val_acc: labAcc, tfjs_val_acc: tfAcc, lab_train_loss: labLoss, tfjs_train_loss: tfLoss };
  }
  process.stdout.write(`${table(rows)}\n${notes.map((n) => `  ${n}`).join('\n')}\n`);
  for (const [model, { lab }] of Object.entries(results)) {
    if (!lab) continue;
    const perf = lab[lab.length - 1].perf;
    if (!perf || perf.stepMs === null) continue;
    const fam = [['lab ' + model + ' step', 'GPU ms', 'share', 'launches', 'GFLOP/s'], ...perf.families.map((f) => [f.family, f.ms.toFixed(2), `${((100 * f.ms) / perf.stepMs).toFixed(0)}%`, f.count, f.gflops.toFixed(2)]), ['total', perf.stepMs.toFixed(2), '100%', perf.dispatchesPerStep, '']];
    process.stdout.write(`\n${table(fam)}\n`);
    const mm = perf.kernels.filter((k) => k.family === 'matmul').map((k) => `${k.label} ${k.variant} ${k.gflops.toFixed(2)} GFLOP/s`);
    if (mm.length) process.stdout.write(`matmuls: ${mm.join('; ')}\n`);
    const c = results[model].ceiling;
    if (c) {
      const stepGflops = stepRate(perf);
      process.stdout.write(`step ${stepGflops.toFixed(2)} GFLOP/s (all its FLOPs over its GPU time), ${((100 * stepGflops) / c.alu).toFixed(0)} % of the first figure, after the reps, of ${c.line}\n`);
    }
  }
  if (disagree.length) process.stdout.write(`\nlab and TF.js did not train the same thing: ${disagree.join('; ')}\n`);
  if (failed.length) process.stdout.write(`\nfailed: ${failed.join('; ')}\n`);
  if (failed.length) json.failed = failed;
  process.stdout.write(`${JSON.stringify(json)}\n`);
  if (disagree.length || failed.length) process.exitCode = 1;
}

main().catch((e) => {
  // Before any model ran (the build, the server, the --cpu run): the JSON line still comes out.
  const cause = classify(e);
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.stdout.write(`${JSON.stringify({ error: cause })}\n`);
  process.exitCode = 1;
});
