// From (run seed, case number) to one fuzz case, deterministically: mostly a valid file of a random format
// with one mutation (sometimes two), some bombs (themselves sometimes mutated), some untouched seeds. The
// test slice takes a fixed list instead: every seed, every bomb and every mutation at least once.

import { bomb, BOMB_KINDS } from './bombs';
import { ACCEPT, ANY, REFUSE, type FuzzCase, type Mutated } from './case';
import { byteMutations } from './mutate-bytes';
import { formatMutations } from './mutate-formats';
import { safetensorsMutation } from './mutate-weights';
import { caseRng, type Rng } from './rng';
import { buildSeed, SEED_FORMATS, type Seed, type SeedFormat } from './seeds';

type Op = (seed: Seed, r: Rng) => Mutated | null;
const OPS: Record<string, Op> = { ...byteMutations, ...formatMutations, safetensors: safetensorsMutation };
const FORMAT_OPS = [...Object.keys(formatMutations), 'safetensors'];
export const OP_NAMES = Object.keys(OPS);

/** What an untouched seed must give: the plain safetensors file is not a lab file. */
const untouched = (format: SeedFormat) => (format === 'safetensors' ? REFUSE : ACCEPT);

function mutateWith(op: string, seed: Seed, r: Rng): Mutated | null {
  return OPS[op](seed, r);
}

/** Case `index` of run `seed`. */
export function makeCase(seed: number, index: number): FuzzCase {
  const r = caseRng(seed, index);
  const id = `seed ${seed}, case ${index}`;
  const roll = r.float();
  if (roll < 0.08) {
    const kind = r.pick(BOMB_KINDS);
    const b = bomb(kind);
    if (r.int(3) > 0) return { id, origin: 'bomb', mutation: kind, files: b.files, expect: b.expect };
    const m = byteMutations[r.pick(['bitflips', 'setBytes', 'insertRange'])]({ format: 'csv', files: b.files }, r)!;
    return { id, origin: 'bomb', mutation: `${kind}, then ${m.detail}`, files: m.files, expect: ANY };
  }
  const format = r.pick(SEED_FORMATS);
  const base = buildSeed(format, r);
  if (roll < 0.12) return { id, origin: format, mutation: 'none', files: base.files, expect: untouched(format) };
  for (let tries = 0; tries < 20; tries++) {
    const op = r.float() < 0.5 ? r.pick(FORMAT_OPS) : r.pick(Object.keys(byteMutations));
    const m = mutateWith(op, base, r);
    if (!m) continue;
    if (r.float() < 0.15) {
      const again = byteMutations[r.pick(Object.keys(byteMutations))]({ format, files: m.files }, r)!;
      return { id, origin: format, mutation: `${op}: ${m.detail}; then ${again.detail}`, files: again.files, expect: ANY };
    }
    return { id, origin: format, mutation: `${op}: ${m.detail}`, files: m.files, expect: m.expect };
  }
  return { id, origin: format, mutation: 'none', files: base.files, expect: untouched(format) };
}

/**
 * The slice `npm test` runs: each seed untouched, each bomb, and each mutation on `perOp` seeds it
 * applies to (drawn from `seed`), so every kind of damage is exercised on every run.
 */
export function sliceCases(seed: number, perOp = 1): FuzzCase[] {
  const cases: FuzzCase[] = [];
  let n = 0;
  for (const format of SEED_FORMATS) {
    cases.push({ id: `slice ${seed}, untouched ${format}`, origin: format, mutation: 'none', files: buildSeed(format, caseRng(seed, n++)).files, expect: untouched(format) });
  }
  for (const kind of BOMB_KINDS) cases.push({ id: `slice ${seed}, bomb ${kind}`, origin: 'bomb', mutation: kind, ...bomb(kind) });
  for (const op of OP_NAMES) {
    let found = 0;
    for (let k = 0; k < 200 && found < perOp; k++) {
      const r = caseRng(seed, 10_000 + n++);
      const base = buildSeed(r.pick(SEED_FORMATS), r);
      const m = mutateWith(op, base, r);
      if (!m) continue;
      found++;
      cases.push({ id: `slice ${seed}, ${op} #${found}`, origin: base.format, mutation: `${op}: ${m.detail}`, files: m.files, expect: m.expect });
    }
  }
  return cases;
}
