// One fuzz case in a fresh process: read the files, run them through the loaders as `inspect` does, and
// print one JSON line: the outcome (accepted, refused, or crashed with an error that is not the loaders'
// own), the message or warnings, the milliseconds the load took, and the process's peak RSS
// (process.resourceUsage().maxRSS, so nothing the load allocated escapes the count).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { DataError } from '../data/errors';
import { SafetensorsError } from '../io/safetensors';
import { inspectInputs } from '../cli/inspect-command';

export interface ChildResult {
  outcome: 'accepted' | 'refused' | 'crashed';
  /** The refusal's message, or the crash's name, message and stack. */
  message: string;
  warnings: string[];
  /** Milliseconds from reading the files to the answer (wall clock). */
  ms: number;
  /** CPU milliseconds (user + system) the process spent meanwhile: what the time limit is held to, since
   *  other work on a shared machine stretches the wall clock but not this. */
  cpuMs: number;
  /** Peak resident set size of the whole process, KiB. */
  maxRssKiB: number;
  /** Batched runs only: the process's peak RSS after its warm-up, before its first case (the baseline there). */
  startKiB?: number;
}

/**
 * Several cases in one process, one JSON line each, after a warm-up load (the baseline case): peak RSS
 * only grows, so a case whose line shows maxRSS within the limit stayed within it; one that does not is
 * run again alone by the runner. `dirs` hold a case's files, listed in order in `files.txt`.
 */
export async function runBatch(dirs: string[], warmUp: string[]): Promise<void> {
  await runChild(warmUp);
  const startKiB = process.resourceUsage().maxRSS;
  for (const dir of dirs) {
    const names = (await readFile(`${dir}/files.txt`, 'utf8')).split('\n').filter(Boolean);
    const r = await runChild(names.map((n) => `${dir}/${n}`));
    process.stdout.write(`${JSON.stringify({ ...r, startKiB })}\n`);
  }
}

export async function runChild(paths: string[]): Promise<ChildResult> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const files = await Promise.all(paths.map(async (p) => ({ name: basename(p), bytes: new Uint8Array(await readFile(p)) })));
  let result: Omit<ChildResult, 'ms' | 'cpuMs' | 'maxRssKiB'>;
  try {
    const summary = await inspectInputs(files);
    result = { outcome: 'accepted', message: '', warnings: 'warnings' in summary ? (summary.warnings ?? []) : [] };
  } catch (e) {
    // The loaders' refusals: DataError, SafetensorsError, and the weights reader's Error naming the file.
    const ours = e instanceof DataError || e instanceof SafetensorsError || (e?.constructor === Error && files.some((f) => (e as Error).message.startsWith(f.name)));
    result = ours
      ? { outcome: 'refused', message: (e as Error).message, warnings: [] }
      : { outcome: 'crashed', message: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e), warnings: [] };
  }
  const cpu = process.cpuUsage(cpu0);
  return { ...result, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKiB: process.resourceUsage().maxRSS };
}
