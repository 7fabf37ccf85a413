// `npm run bench -- --cpu`: the machines without a usable GPU. In the same cross-origin isolated headless
// Chromium, per model: a warm-up each, then `reps` one-epoch runs alternating the lab's WebAssembly
// backend (--backend wasm), TensorFlow.js 4.22 on its wasm backend (SIMD, threads) and jax-js on its wasm
// device (dense models), from the same init, order, batch and learning rate; then headless, the built CLI
// (`train --backend wasm --epochs 1 --limit N`) against jax-js in Node (the CLI alone for LeNet),
// alternating, in the same run.
// Medians; the lab and each other must agree on validation accuracy (0.01) and train loss (1 %).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Models jax-js's trainer can build (dense only). */
const jaxModels = new Set(['softmax', 'mlp']);
/** Models TF.js 4.22 trains on its wasm backend: it has no Conv2DBackpropFilter there ("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"). */
const tfjsModels = new Set(['softmax', 'mlp']);

export async function runCpuBrowser({ page, models, reps, limitOf, warmupLimit, log }) {
  const info = await page.evaluate(() => window.bench.init(true));
  log(`cross-origin isolated: ${info.isolated}\n${info.tfjs}\n${info.jax}\n${info.userAgent}`);
  if (!info.isolated) throw new Error('bench --cpu: the page is not cross-origin isolated, so every wasm runtime would run on one thread');
  const results = {};
  for (const model of models) {
    const n = limitOf(model) ?? null;
    const withJax = jaxModels.has(model);
    const withTf = tfjsModels.has(model);
    const others = [withTf && 'TF.js wasm', withJax && 'jax-js wasm'].filter(Boolean);
    log(`${model}: warm-up on ${warmupLimit} examples, then ${reps} epochs of ${n ?? 'all'} examples each (lab wasm${others.map((o) => `, ${o}`).join('')})`);
    await page.evaluate(([m, k]) => window.bench.lab(m, k, 'wasm'), [model, warmupLimit]);
    if (withTf) await page.evaluate(([m, k]) => window.bench.tfjs(m, k, false, 'upload'), [model, warmupLimit]);
    if (withJax) await page.evaluate(([m, k]) => window.bench.jax(m, k, false), [model, warmupLimit]);
    const runs = { lab: [], tfjs: [], jax: [] };
    for (let r = 0; r < reps; r++) {
      const last = r === reps - 1;
      runs.lab.push(await page.evaluate(([m, k]) => window.bench.lab(m, k ?? undefined, 'wasm'), [model, n]));
      if (withTf) runs.tfjs.push(await page.evaluate(([m, k, v]) => window.bench.tfjs(m, k ?? undefined, v, 'upload'), [model, n, last]));
      if (withJax) runs.jax.push(await page.evaluate(([m, k, v]) => window.bench.jax(m, k ?? undefined, v), [model, n, last]));
      const rate = (xs) => xs[r].examplesPerSecond.toFixed(0);
      log(`${model} rep ${r + 1}/${reps}: lab ${rate(runs.lab)}${withTf ? `, TF.js ${rate(runs.tfjs)}` : ''}${withJax ? `, jax-js ${rate(runs.jax)}` : ''} examples/s`);
    }
    results[model] = { ...runs, examples: n ?? 60000 };
  }
  return { info, results };
}

/** The built CLI and jax-js's Node bundle, in a private folder under node_modules/ (external imports resolve). */
function buildNode(root, log) {
  const out = join(root, 'node_modules', '.bench-cpu');
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  log('building the CLI and the jax-js Node trainer (node_modules/.bench-cpu/)…');
  const cli = spawnSync(process.execPath, [vite, 'build', '--config', 'vite.cli.config.ts', '--outDir', join(out, 'cli'), '--logLevel', 'warn'], { cwd: root, encoding: 'utf8' });
  if (cli.status !== 0) throw new Error(`bench --cpu: building the CLI failed:\n${cli.stdout}\n${cli.stderr}`);
  const jax = spawnSync(process.execPath, [vite, 'build', '--ssr', 'bench/jax-node.ts', '--outDir', join(out, 'jax'), '--logLevel', 'warn', '--config', 'vite.cli.config.ts'], { cwd: root, encoding: 'utf8' });
  if (jax.status !== 0) throw new Error(`bench --cpu: building the jax-js trainer failed:\n${jax.stdout}\n${jax.stderr}`);
  return { cli: join(out, 'cli', 'cli.mjs'), jax: join(out, 'jax', 'cli.mjs') };
}

/** The last JSON line of a child's stdout. */
function lastJson(r, what) {
  if (r.status !== 0) throw new Error(`bench --cpu: ${what} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** The CLI against jax-js in Node (dense models), and the CLI alone where jax-js has no trainer (LeNet). */
export function runCpuHeadless({ root, models, reps, limit, log }) {
  const { cli, jax } = buildNode(root, log);
  const env = { ...process.env, CLASSIFIER_LAB_DATA: join(root, 'public/data') };
  const results = {};
  for (const model of models) {
    const withJax = jaxModels.has(model);
    const runs = { lab: [], ...(withJax && { jax: [] }) };
    for (let r = 0; r < reps; r++) {
      const lab = lastJson(spawnSync(process.execPath, [cli, 'train', '--backend', 'wasm', '--model', model, '--epochs', '1', '--limit', String(limit)], { cwd: root, env, encoding: 'utf8' }), `the lab's CLI (${model})`);
      runs.lab.push({ examplesPerSecond: lab.examples_per_s, trainLoss: lab.train_loss, valAcc: lab.val_acc });
      if (withJax) {
        const jx = lastJson(spawnSync(process.execPath, [jax, model, String(limit)], { cwd: root, env, encoding: 'utf8' }), `jax-js in Node (${model})`);
        runs.jax.push({ examplesPerSecond: jx.examples_per_s, trainLoss: jx.train_loss, valAcc: jx.val_acc, device: jx.device });
      }
      // jax-js threads only where a global Worker exists: in Node (no Worker) its device line says one thread.
      const jaxDevice = withJax && r === 0 ? ` (${runs.jax[0].device})` : '';
      log(`headless ${model} rep ${r + 1}/${reps}: lab CLI ${lab.examples_per_s.toFixed(0)}${withJax ? `, jax-js ${runs.jax[r].examplesPerSecond.toFixed(0)}${jaxDevice}` : ''} examples/s`);
    }
    results[model] = { ...runs, examples: limit };
  }
  return results;
}

/** Table rows, the JSON figures and the disagreements of one set of runs (browser or headless). */
export function cpuReport(results, median, where) {
  const rows = [['model', 'where', 'examples', 'lab wasm ex/s', 'TF.js wasm ex/s', 'jax-js wasm ex/s', 'lab/TF.js', 'lab/jax-js', 'lab val acc', 'lab train loss', 'other train loss']];
  const json = {};
  const disagree = [];
  for (const [model, r] of Object.entries(results)) {
    const rate = (xs) => (xs && xs.length ? median(xs.map((x) => x.examplesPerSecond)) : null);
    const lab = rate(r.lab);
    const tf = rate(r.tfjs);
    const jx = rate(r.jax);
    const last = (xs) => xs[xs.length - 1];
    const labLast = last(r.lab);
    for (const [name, xs] of [['TF.js', r.tfjs], ['jax-js', r.jax]]) {
      if (!xs || !xs.length) continue;
      const o = last(xs);
      if (Number.isFinite(o.valAcc) && Math.abs(o.valAcc - labLast.valAcc) > 0.01) disagree.push(`${where} ${model}: validation accuracy lab ${labLast.valAcc.toFixed(4)} vs ${name} ${o.valAcc.toFixed(4)}`);
      if (!(Math.abs(o.trainLoss - labLast.trainLoss) <= 0.01 * Math.abs(o.trainLoss))) disagree.push(`${where} ${model}: train loss lab ${labLast.trainLoss.toFixed(5)} vs ${name} ${o.trainLoss.toFixed(5)}`);
    }
    const others = [r.tfjs, r.jax].filter((xs) => xs && xs.length).map((xs) => last(xs).trainLoss.toFixed(5)).join(' / ');
    rows.push([model, where, r.examples, lab.toFixed(0), tf ? tf.toFixed(0) : '–', jx ? jx.toFixed(0) : '–', tf ? `${(lab / tf).toFixed(2)}×` : '–', jx ? `${(lab / jx).toFixed(2)}×` : '–', labLast.valAcc.toFixed(4), labLast.trainLoss.toFixed(5), others]);
    json[model] = { lab_wasm: Math.round(lab), ...(tf && { tfjs_wasm: Math.round(tf), ratio_tfjs: Number((lab / tf).toFixed(2)) }), ...(jx && { jax_wasm: Math.round(jx), ratio_jax: Number((lab / jx).toFixed(2)) }) };
  }
  return { rows, json, disagree };
}
