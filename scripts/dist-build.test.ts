// dist/ is rebuilt only when a source is newer than it (tests are not sources).
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staleness } from './dist-build.mjs';

function tree(): { root: string; touch: (path: string, seconds: number) => void } {
  const root = mkdtempSync(join(tmpdir(), 'lab-dist-'));
  const touch = (path: string, seconds: number) => {
    const file = join(root, path);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, 'x');
    const t = new Date(1_700_000_000_000 + seconds * 1000);
    utimesSync(file, t, t);
    utimesSync(join(file, '..'), new Date(1_700_000_000_000), new Date(1_700_000_000_000));
  };
  return { root, touch };
}

describe('staleness', () => {
  it('says dist/ is missing, current, or older than a source (tests aside)', () => {
    const { root, touch } = tree();
    touch('index.html', 10);
    touch('src/ui/a.ts', 20);
    expect(staleness(root)).toBe('dist/ has not been built');
    touch('dist/index.html', 30);
    for (const d of ['', 'src', 'src/ui', 'dist']) utimesSync(join(root, d), new Date(1_700_000_000_000), new Date(1_700_000_000_000));
    expect(staleness(root)).toBe('');
    touch('src/ui/a.test.ts', 40);
    touch('tests/e2e/x.e2e.ts', 40);
    utimesSync(join(root, 'src/ui'), new Date(1_700_000_000_000), new Date(1_700_000_000_000));
    expect(staleness(root)).toBe('');
    touch('src/ui/b.ts', 45);
    utimesSync(join(root, 'src/ui'), new Date(1_700_000_000_000), new Date(1_700_000_000_000));
    expect(staleness(root)).toBe('sources changed after dist/ was built (15 s newer)');
  });
});
