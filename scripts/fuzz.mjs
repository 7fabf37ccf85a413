// `npm run fuzz -- [--cases 2000] [--seed 1] [--parallel 2] [--only N] [--save DIR] [--slice]`: builds the
// fuzz bundle, then runs it (see src/fuzz/main.ts). Exit 1 when any case fails.
import { spawnSync } from 'node:child_process';
import { buildFuzzBundle } from './fuzz-bundle.mjs';

const bundle = await buildFuzzBundle();
const r = spawnSync(process.execPath, [bundle, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = r.status ?? 1;
