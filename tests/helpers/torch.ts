// PyTorch for tests: Debian's python3-torch imports only under /usr/bin/python3 (the `python3` first on
// PATH may be another interpreter). In CI (CI=true) a missing torch fails the test file with what to
// install; on a developer's machine without it the PyTorch tests are skipped with that message.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

export const PYTHON = process.env.CLASSIFIER_LAB_PYTHON ?? '/usr/bin/python3';
export const TORCHRUN = '/usr/bin/torchrun';
/**
 * Debian 12's torch 1.13 launcher on Python 3.11 fails before starting a process with its default
 * --redirects 0 / --tee 0 ("'NoneType' object has no attribute 'get'": Python 3.11 no longer iterates the
 * zero flag). Non-zero values work: each worker's stderr also goes to a log file. (The README says so.)
 */
export const LAUNCH = ['--redirects', '2', '--tee', '2'];

/** A free TCP port on this machine (so that launchers in parallel test files do not meet on 29500). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** torchrun's / torch.distributed.run's options for `n` local processes: LAUNCH and a port of their own. */
export async function launch(n: number): Promise<string[]> {
  return [...LAUNCH, `--master_port=${await freePort()}`, `--nproc_per_node=${n}`];
}

function probe(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.status === 0) return null;
  return `PyTorch tests need ${PYTHON} with torch and numpy (Debian: apt-get install --no-install-recommends python3-torch): ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
}

/** Why PyTorch is unusable here (null: usable); throws in CI, where the tests must run. */
export function torchMissing(): string | null {
  const why = probe();
  if (why && process.env.CI === 'true') throw new Error(why);
  return why;
}

export interface PyResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command (python, torchrun) with `args` in `cwd`; OMP threads kept to what the machine can share. */
export function runPy(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<PyResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs Python code (`-c`) with the project directory on sys.path; returns stdout, throwing with stderr on failure. */
export async function python(code: string, cwd: string): Promise<string> {
  const r = await runPy(PYTHON, ['-c', code], cwd);
  if (r.code !== 0) throw new Error(`python failed (${r.code}):\n${r.stderr}`);
  return r.stdout;
}
