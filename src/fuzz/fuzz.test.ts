// The fuzz slice of `npm test` (#15): every valid seed untouched, every bomb, and every mutation on one
// seed, each case in a child process (batched, peak RSS read with process.resourceUsage().maxRSS) as
// `npm run fuzz` does. It asserts outcomes and work bounds — no crash, no leaked library text, nothing
// invalid accepted, a bad image named, at most +64 MiB peak RSS over the child's baseline — never time:
// the 2-second figure is measured and reported by `npm run fuzz`.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFuzzBundle } from '../../scripts/fuzz-bundle.mjs';
import { baselineCase } from './baseline';
import { BOMB_KINDS } from './bombs';
import { OP_NAMES, sliceCases } from './cases';
import type { ChildResult } from './child';
import { judge } from './judge';
import { runCases, type Ran, type RunnerOptions } from './runner';

const SEED = 15;
const RSS_MIB = 64;

describe('fuzz slice', () => {
  let options: RunnerOptions;
  let baselineKiB = 0;
  beforeAll(async () => {
    options = { bundle: await buildFuzzBundle(), parallel: 2, killAfterMs: 60_000, killAboveMiB: 1024 };
    const base = await runCases([baselineCase(), baselineCase()], options);
    baselineKiB = Math.max(...base.map((b) => b.result.maxRssKiB));
  }, 120_000);

  it('every seed, bomb and mutation: no crash or leaked text, nothing invalid accepted, at most +64 MiB', async () => {
    const cases = sliceCases(SEED);
    expect(new Set(cases.filter((c) => c.origin === 'bomb').map((c) => c.mutation))).toEqual(new Set(BOMB_KINDS));
    expect(new Set(cases.map((c) => c.mutation.split(':')[0]).filter((m) => OP_NAMES.includes(m)))).toEqual(new Set(OP_NAMES));
    const overLimit = (r: ChildResult, startKiB: number) => (r.maxRssKiB - startKiB) / 1024 > RSS_MIB;
    const ran: Ran[] = await runCases(cases, { ...options, batch: 12, warmUp: baselineCase(), overLimit });
    const failures = ran
      .map((r) => ({ r, problems: judge(r.case, r.result, r.result.startKiB ?? baselineKiB, { rssMiB: RSS_MIB }) }))
      .filter((f) => f.problems.length)
      .map(({ r, problems }) => `${r.case.id} (${r.case.origin}: ${r.case.mutation}): ${problems.join('; ')} — rebuild: npm run fuzz -- --seed ${SEED} --slice --only ${JSON.stringify(r.case.id.split(', ').pop())} --save DIR`);
    expect(failures).toEqual([]);
    // Every bomb is refused, or accepted with its bad image named (judge checks which).
    for (const r of ran.filter((x) => x.case.origin === 'bomb')) expect([r.case.mutation, r.result.outcome === 'crashed']).toEqual([r.case.mutation, false]);
    expect(ran.filter((r) => r.result.outcome === 'accepted').length).toBeGreaterThanOrEqual(14);
  }, 240_000);
});
