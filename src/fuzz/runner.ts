// Runs fuzz cases, each in its own Node process (the fuzz bundle's `child` mode) with a wall-clock limit
// and a resident-memory watchdog, `parallel` at a time; writes each case's files to a scratch folder the
// child reads, as the CLI reads a user's files.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FuzzCase } from './case';
import type { ChildResult } from './child';

export interface RunnerOptions {
  /** The built fuzz bundle (scripts/fuzz-bundle.mjs). */
  bundle: string;
  parallel: number;
  /** A child still running after this is killed (a hang), ms. */
  killAfterMs: number;
  /** A child whose resident memory passes this is killed, MiB. */
  killAboveMiB: number;
}

export interface Ran {
  case: FuzzCase;
  result: ChildResult;
}

/** Writes the case's files to `dir` (created), returning their paths. */
export function saveCase(c: FuzzCase, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return c.files.map((f) => {
    const p = join(dir, f.name);
    writeFileSync(p, f.bytes);
    return p;
  });
}

function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export function runOne(c: FuzzCase, o: RunnerOptions, scratch: string): Promise<ChildResult> {
  const paths = saveCase(c, scratch);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [o.bundle, 'child', ...paths], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const watch = setInterval(() => {
      if (rssMiB(child.pid!) > o.killAboveMiB) {
        killed = `killed: resident memory passed ${o.killAboveMiB} MiB`;
        child.kill('SIGKILL');
      }
    }, 50);
    const timer = setTimeout(() => {
      killed = `killed: still running after ${o.killAfterMs} ms`;
      child.kill('SIGKILL');
    }, o.killAfterMs);
    child.on('close', (code) => {
      clearInterval(watch);
      clearTimeout(timer);
      rmSync(scratch, { recursive: true, force: true });
      const line = out.trim().split('\n').pop() ?? '';
      try {
        const r = JSON.parse(line) as ChildResult;
        // Anything on stderr is output the user would see: fold it in, so the judge sees a stack trace there too.
        resolve(err ? { ...r, outcome: 'crashed', message: `stderr: ${err}` } : r);
      } catch {
        resolve({ outcome: 'crashed', message: killed || `exit ${code}, no result: ${(err || out).slice(0, 2000)}`, warnings: [], ms: NaN, cpuMs: NaN, maxRssKiB: 0 });
      }
    });
  });
}

/**
 * `cases` in one child after a warm-up load: one result per case, in order, with the child's peak RSS
 * before its first case as the baseline; cases after a kill (hang, memory) come back undefined.
 */
export function runBatch(cases: FuzzCase[], o: RunnerOptions, scratch: string, warmUp: FuzzCase): Promise<{ results: (ChildResult | undefined)[]; startKiB: number; killed: string }> {
  const dirs = cases.map((c, i) => {
    const dir = join(scratch, String(i));
    saveCase(c, dir);
    writeFileSync(join(dir, 'files.txt'), c.files.map((f) => f.name).join('\n'));
    return dir;
  });
  const warm = saveCase(warmUp, join(scratch, 'warm-up'));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [o.bundle, 'batch', JSON.stringify({ dirs, warmUp: warm })], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let killed = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', () => {});
    const watch = setInterval(() => {
      if (rssMiB(child.pid!) > o.killAboveMiB) {
        killed = `killed: resident memory passed ${o.killAboveMiB} MiB`;
        child.kill('SIGKILL');
      }
    }, 50);
    const timer = setTimeout(() => {
      killed = `killed: still running after ${o.killAfterMs} ms`;
      child.kill('SIGKILL');
    }, o.killAfterMs * Math.max(1, cases.length / 4));
    child.on('close', () => {
      clearInterval(watch);
      clearTimeout(timer);
      rmSync(scratch, { recursive: true, force: true });
      const lines = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as ChildResult & { startKiB: number });
      resolve({ results: cases.map((_, i) => lines[i]), startKiB: lines[0]?.startKiB ?? 0, killed });
    });
  });
}

/**
 * Runs all cases, `parallel` children at a time and `batch` cases a child, calling `done` as each
 * finishes. `overLimit` says when a case's batched result must be confirmed alone in a fresh process
 * (its peak RSS over the batch's start passed the limit, or it crashed): the lone run's result counts.
 */
export async function runCases(
  cases: FuzzCase[],
  o: RunnerOptions & { batch?: number; warmUp?: FuzzCase; overLimit?: (r: ChildResult, startKiB: number) => boolean },
  done?: (r: Ran, finished: number) => void,
): Promise<Ran[]> {
  const root = mkdtempSync(join(tmpdir(), 'classifier-lab-fuzz-'));
  const results: Ran[] = new Array(cases.length);
  const size = Math.max(1, o.batch ?? 1);
  let next = 0;
  let finished = 0;
  let scratch = 0;
  const finish = (i: number, result: ChildResult) => {
    results[i] = { case: cases[i], result };
    done?.(results[i], ++finished);
  };
  const worker = async () => {
    while (next < cases.length) {
      const first = next;
      const end = (next = Math.min(cases.length, next + size));
      if (size === 1 || !o.warmUp) {
        finish(first, await runOne(cases[first], o, join(root, String(scratch++))));
        continue;
      }
      const batch = await runBatch(cases.slice(first, end), o, join(root, String(scratch++)), o.warmUp);
      for (let k = 0; k < end - first; k++) {
        const r = batch.results[k];
        const alone = !r || r.outcome === 'crashed' || (o.overLimit?.(r, batch.startKiB) ?? false);
        finish(first + k, alone ? await runOne(cases[first + k], o, join(root, String(scratch++))) : r);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.parallel) }, worker));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return results;
}
