// The case the memory limit is measured from: a small valid CSV through the same child, so the baseline
// holds Node, the bundle and the loaders' code, and "+64 MiB" is what a file's load adds.
import { enc } from '../data/fixtures/make';
import type { FuzzCase } from './case';

export function baselineCase(): FuzzCase {
  const rows = ['f1,f2,label', ...Array.from({ length: 30 }, (_, i) => `${i},${i % 7},${i % 3}`)];
  return { id: 'baseline', origin: 'csv', mutation: 'none', files: [{ name: 'baseline.csv', bytes: enc(rows.join('\n')) }], expect: { kind: 'accept' } };
}
