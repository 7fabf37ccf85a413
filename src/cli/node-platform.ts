// The engine's platform in Node: Dawn for WebGPU and the built-in datasets from public/data on disk.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFromDir } from '../data/builtin-node';
import { acquireNodeGpu } from '../gpu/node-gpu';
import { loadFileObjects } from '../worker/file-loader';
import type { Platform } from '../worker/lab-engine';

/** public/data of the installed package: $CLASSIFIER_LAB_DATA, else the first public/data above this file. */
export function dataRoot(): string {
  const env = process.env.CLASSIFIER_LAB_DATA;
  if (env) return resolve(env);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'public', 'data');
    if (existsSync(join(candidate, 'fashion-mnist', 'meta.json'))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('The built-in datasets are missing: run `node scripts/prepare-data.mjs` in the package (npm install does it)');
    dir = up;
  }
}

export function nodePlatform(): Platform {
  return {
    acquireGpu: acquireNodeGpu,
    readBuiltin: () => readFromDir(dataRoot()),
    // The same loaders as the page, without a WebP decoder (such images are skipped and counted).
    loadFiles: (files, onProgress, options) => loadFileObjects(files, onProgress, options),
    // Dawn's Node binding polls in a busy loop while a readback is pending: keep it off the compute cores.
    paceHost: true,
  };
}
