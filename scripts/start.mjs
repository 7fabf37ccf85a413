#!/usr/bin/env node
// `npm start`: serves the production build (dist/, built by `npm install`) with the lab's security and
// cross-origin-isolation headers, rebuilding it first only when the sources are newer, and prints the
// address. `npm run dev` is Vite's dev server instead. Port: --port N or $PORT (default 5173, or the
// next free one).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDist, staleness } from './dist-build.mjs';
import { serveDir } from './serve.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const t0 = performance.now();
const arg = process.argv.indexOf('--port');
const wanted = Number(arg > 0 ? process.argv[arg + 1] : (process.env.PORT ?? 5173));

// The built-in datasets (quick when they are there already).
const prep = spawnSync(process.execPath, [join(root, 'scripts/prepare-data.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
if (prep.status !== 0) process.exit(prep.status ?? 1);

const why = staleness(root);
if (why) {
  process.stdout.write(`Building the page (${why})…\n`);
  buildDist(root, 'inherit');
}

let served;
for (let port = wanted; !served; port++) {
  try {
    served = await serveDir(join(root, 'dist'), { port });
  } catch (e) {
    if (e.code !== 'EADDRINUSE' || wanted === 0 || port > wanted + 20) throw e;
  }
}
process.stdout.write(`Classifier Lab (production build) on ${served.url} — ready in ${((performance.now() - t0) / 1000).toFixed(1)} s. Ctrl-C stops it.\n`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => served.server.close(() => process.exit(0)));
