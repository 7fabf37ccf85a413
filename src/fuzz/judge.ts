// What makes a fuzz case fail: a crash, a stack trace or a JavaScript error name or a library's words in
// what the user would read, an answer slower than the time limit or above the memory limit over the
// baseline, and an outcome the mutation rules out (a file it made invalid accepted, a bad image not named).
import type { FuzzCase } from './case';
import type { ChildResult } from './child';

/** Text that means an error escaped untranslated: engine error names, stack frames, library messages. */
const LEAKS =
  /\b(TypeError|RangeError|ReferenceError|SyntaxError|InternalError)\b|\n\s+at |Maximum call stack|Cannot read propert|is not a function|is not iterable|\bundefined\b|Unexpected token|in JSON at position|Unsupported filter|outside the bounds|Error while decompressing|invalid (block type|length\/literal|distance|zlib data|gzip data)|unexpected EOF|marker was not found|SOI not found|\[object /;

export interface Limits {
  /** Fail a case that takes more CPU time than this (npm run fuzz: 2,000 ms); undefined in npm test, which never times. */
  ms?: number;
  /** Peak RSS allowed above the baseline, MiB. */
  rssMiB: number;
}

export function judge(c: FuzzCase, r: ChildResult, baselineKiB: number, limits: Limits): string[] {
  const problems: string[] = [];
  if (r.outcome === 'crashed') problems.push(`crashed: ${r.message.split('\n').slice(0, 3).join(' | ')}`);
  const shown = [r.outcome === 'refused' ? r.message : '', ...r.warnings].join('\n');
  const leak = LEAKS.exec(shown);
  if (r.outcome !== 'crashed' && leak) problems.push(`message leaks "${leak[0].trim()}": ${shown.slice(0, 300)}`);
  if (limits.ms !== undefined && r.cpuMs > limits.ms) problems.push(`slow: ${Math.round(r.cpuMs)} ms of CPU, ${Math.round(r.ms)} ms wall (limit ${limits.ms})`);
  const overMiB = (r.maxRssKiB - baselineKiB) / 1024;
  if (overMiB > limits.rssMiB) problems.push(`memory: peak RSS ${(r.maxRssKiB / 1024).toFixed(0)} MiB, ${overMiB.toFixed(0)} MiB over the baseline (limit ${limits.rssMiB})`);
  const e = c.expect;
  if (e.kind === 'refuse' && r.outcome === 'accepted') problems.push('accepted a file the mutation made invalid');
  if (e.kind === 'accept' && r.outcome !== 'accepted') problems.push(`refused a valid file: ${r.message.slice(0, 300)}`);
  if (e.kind === 'skip' && r.outcome === 'accepted' && !r.warnings.some((w) => w.includes(e.entry))) {
    problems.push(`accepted without naming the bad entry ${e.entry} in a warning (warnings: ${JSON.stringify(r.warnings).slice(0, 300)})`);
  }
  return problems;
}
