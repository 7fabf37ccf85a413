#!/usr/bin/env node
// The package's command: runs the CLI built into dist-cli/ (npm install builds it; `npm run build` too).
import { existsSync } from 'node:fs';

const cli = new URL('../dist-cli/cli.mjs', import.meta.url);
if (!existsSync(cli)) {
  console.error('classifier-lab: the CLI is not built yet; run `npm run build` in the package directory');
  process.exit(1);
}
await import(cli.href);
