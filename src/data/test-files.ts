// Files marked as test (the drop zone's Options → Test files, the CLI's --test FILE…): loaded on their
// own like any data, then joined to the main dataset as its test split — same feature shape, classes
// matched by name — which is evaluated once at the end and never used to choose anything.
import { featureSize, type Dataset, type Split } from './dataset';
import { DataError } from './errors';
import { validateDataset } from './validate';

/** Whether a file's name (its last path segment) matches a pattern: `*` stands for any run of characters, case ignored. */
export function isMarkedTest(name: string, patterns: readonly string[]): boolean {
  const base = name.split(/[\\/]/).pop() ?? name;
  return patterns.some((p) => {
    const pb = p.trim().split(/[\\/]/).pop() ?? '';
    if (!pb) return false;
    const re = new RegExp(`^${pb.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
    return re.test(base);
  });
}

/** The main dataset with the marked files' examples (all of them, train and val alike) as its test split. */
export function withTestSplit(main: Dataset, test: Dataset, files: readonly string[]): Dataset {
  const file = files.join(' + ');
  if (featureSize(test.shape) !== featureSize(main.shape) || test.shape.join('×') !== main.shape.join('×')) {
    throw new DataError(`the test files hold ${test.shape.join('×')} examples; the training data's are ${main.shape.join('×')}`, { file });
  }
  const index = new Map(main.classNames.map((c, i) => [c, i]));
  const unknown = test.classNames.filter((c) => !index.has(c));
  if (unknown.length) {
    throw new DataError(`the test files have class${unknown.length === 1 ? '' : 'es'} ${unknown.slice(0, 5).map((c) => `"${c}"`).join(', ')} that the training data does not`, { file });
  }
  const parts = [test.train, test.val];
  const count = parts.reduce((n, s) => n + s.count, 0);
  const x = new (main.train.x instanceof Uint8Array && test.train.x instanceof Uint8Array ? Uint8Array : Float32Array)(count * featureSize(main.shape));
  const y = new Uint32Array(count);
  let at = 0;
  for (const s of parts) {
    x.set(s.x, at * featureSize(main.shape));
    for (let i = 0; i < s.count; i++) y[at + i] = index.get(test.classNames[s.y[i]])!;
    at += s.count;
  }
  const split: Split = { x, y, count };
  const note = `${main.splitNote} Test split: ${files.join(', ')} (${count.toLocaleString('en-US')} examples), evaluated once at the end.`;
  return validateDataset({ ...main, test: split, splitNote: note, source: { ...main.source, files: [...main.source.files, ...files] } });
}
