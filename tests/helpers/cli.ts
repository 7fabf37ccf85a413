// The built CLI for tests: `vite build --config vite.cli.config.ts` into a private folder under .vite/
// (inside the project, so its external imports resolve from node_modules), run as a child process.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Builds the CLI for this test process; returns the entry and a cleanup. */
export function buildCli(): { cli: string; remove: () => void } {
  const outDir = join(root, '.vite', `cli-test-${process.pid}`);
  const run = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.cli.config.ts', '--outDir', outDir, '--logLevel', 'warn'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (run.status !== 0) throw new Error(`building the CLI failed:\n${run.stdout}\n${run.stderr}`);
  return { cli: join(outDir, 'cli.mjs'), remove: () => rmSync(outDir, { recursive: true, force: true }) };
}

/** Runs `node cli.mjs ...args` and collects its output. */
export function runCli(cli: string, args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
