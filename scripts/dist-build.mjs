// The page's production build (dist/) and whether it is older than its sources: `npm start` and the
// browser tests rebuild it only then. Sources are what Vite reads: index.html, src (tests aside),
// shaders, public, the Vite config and package.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const SOURCES = ['index.html', 'src', 'shaders', 'public', 'vite.config.ts', 'package.json'];

/** Newest modification time of the files under `path` (tests do not go into the bundle). */
export function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return /\.(test|e2e)\.ts$/.test(path) ? 0 : st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), st.mtimeMs);
}

/** Why dist/ must be rebuilt ('' when it is current). */
export function staleness(root) {
  const built = join(root, 'dist', 'index.html');
  if (!existsSync(built)) return 'dist/ has not been built';
  const sources = Math.max(...SOURCES.map((p) => newest(join(root, p))));
  const at = statSync(built).mtimeMs;
  return sources > at ? `sources changed after dist/ was built (${Math.round((sources - at) / 1000)} s newer)` : '';
}

/** `vite build` of the page, in production mode (vitest's NODE_ENV=test would pull Lit's development build). */
export function buildDist(root, stdio = 'pipe') {
  const run = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    encoding: 'utf8',
    stdio,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (run.status !== 0) throw new Error(`\`vite build\` failed:\n${run.stdout ?? ''}\n${run.stderr ?? ''}`);
}
