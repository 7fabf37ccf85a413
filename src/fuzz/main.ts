// The fuzz bundle's entry: `child FILE...` runs one case (see child.ts); anything else is the fuzzer
// (`npm run fuzz -- [--cases 2000] [--seed 1] [--parallel 2] [--only N] [--save DIR] [--slice]`): it
// measures a baseline, runs the cases, and prints every failure with the seed, case and mutation that
// rebuild it, the outcomes, the worst time and peak memory, and how long the run took.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { makeCase, sliceCases } from './cases';
import type { FuzzCase } from './case';
import { runBatch, runChild, type ChildResult } from './child';
import { judge, type Limits } from './judge';
import { runCases, saveCase, type Ran, type RunnerOptions } from './runner';
import { baselineCase } from './baseline';

async function fuzz(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      cases: { type: 'string' }, seed: { type: 'string' }, parallel: { type: 'string' }, batch: { type: 'string' },
      only: { type: 'string' }, save: { type: 'string' }, slice: { type: 'boolean' },
    },
  });
  const seed = Number(values.seed ?? 1);
  const count = Number(values.cases ?? 2000);
  let cases: FuzzCase[] = values.slice ? sliceCases(seed) : Array.from({ length: count }, (_, i) => makeCase(seed, i));
  if (values.only !== undefined) cases = values.slice ? cases.filter((c) => c.id.endsWith(values.only!)) : [makeCase(seed, Number(values.only))];
  if (values.save) {
    for (const c of cases) process.stdout.write(`${c.id}: ${c.mutation}\n  ${saveCase(c, values.save).join('\n  ')}\n`);
    return 0;
  }
  const o: RunnerOptions = { bundle: fileURLToPath(import.meta.url), parallel: Number(values.parallel ?? 2), killAfterMs: 30_000, killAboveMiB: 2048 };
  const limits: Limits = { ms: 2000, rssMiB: 64 };
  const started = performance.now();
  const base = await runCases([baselineCase(), baselineCase(), baselineCase()], o);
  const baselineKiB = Math.max(...base.map((b) => b.result.maxRssKiB));
  process.stdout.write(`fuzz: seed ${seed}, ${cases.length} cases, ${o.parallel} at a time; baseline peak RSS ${(baselineKiB / 1024).toFixed(0)} MiB, limits ${limits.ms} ms and +${limits.rssMiB} MiB\n`);
  const failures: { ran: Ran; problems: string[] }[] = [];
  // Batched children (see runBatch): a case over the memory limit there, or crashed, is run again alone.
  const overLimit = (r: ChildResult, startKiB: number) => (r.maxRssKiB - startKiB) / 1024 > limits.rssMiB;
  const batched = { ...o, batch: Number(values.batch ?? 10), warmUp: baselineCase(), overLimit };
  const ran = await runCases(cases, batched, (r, n) => {
    const problems = judge(r.case, r.result, r.result.startKiB ?? baselineKiB, limits);
    if (problems.length) {
      failures.push({ ran: r, problems });
      process.stdout.write(`FAIL ${r.case.id} (${r.case.origin}: ${r.case.mutation})\n  ${problems.join('\n  ')}\n  rebuild: npm run fuzz -- --seed ${seed} ${values.slice ? '--slice ' : ''}--only ${values.slice ? JSON.stringify(r.case.id.split(', ').pop()) : r.case.id.split(' ').pop()} --save DIR\n`);
    }
    if (n % 100 === 0) process.stdout.write(`  ${n}/${cases.length} cases, ${failures.length} failing, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  });
  const by = (o: string) => ran.filter((r) => r.result.outcome === o).length;
  const slowest = ran.reduce((a, b) => (b.result.cpuMs > a.result.cpuMs ? b : a));
  const slowestWall = ran.reduce((a, b) => (b.result.ms > a.result.ms ? b : a));
  const biggest = ran.reduce((a, b) => (b.result.maxRssKiB > a.result.maxRssKiB ? b : a));
  const lines = [
    `fuzz: ${ran.length} cases in ${((performance.now() - started) / 1000).toFixed(1)} s: ${by('accepted')} accepted, ${by('refused')} refused, ${by('crashed')} crashed; ${failures.length} failing`,
    `  slowest answer ${slowest.result.cpuMs.toFixed(0)} ms of CPU, ${slowest.result.ms.toFixed(0)} ms wall (${slowest.case.id}: ${slowest.case.mutation.slice(0, 100)})`,
    `  longest wall time ${slowestWall.result.ms.toFixed(0)} ms (${slowestWall.result.cpuMs.toFixed(0)} ms of CPU; ${slowestWall.case.id}: ${slowestWall.case.mutation.slice(0, 100)})`,
    `  largest peak RSS ${(biggest.result.maxRssKiB / 1024).toFixed(0)} MiB, ${((biggest.result.maxRssKiB - baselineKiB) / 1024).toFixed(0)} MiB over the baseline (${biggest.case.id}: ${biggest.case.mutation.slice(0, 100)})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return failures.length ? 1 : 0;
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'child') {
  process.stdout.write(`${JSON.stringify(await runChild(rest))}\n`);
} else if (mode === 'batch') {
  const { dirs, warmUp } = JSON.parse(rest[0]) as { dirs: string[]; warmUp: string[] };
  await runBatch(dirs, warmUp);
} else {
  process.exitCode = await fuzz(mode === undefined ? [] : [mode, ...rest]);
}
