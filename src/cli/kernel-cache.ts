// The CLI's cache of autotuned matmul choices: one JSON file per user, keyed by adapter, in
// $XDG_CACHE_HOME/classifier-lab (default ~/.cache/classifier-lab). A missing or unreadable file is an
// empty cache; the autotune then runs again and rewrites it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ChoiceStore, ChoiceTable } from '../gpu/autotune';

export function kernelCachePath(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'classifier-lab', 'matmul-choices.json');
}

export function fileChoiceStore(path = kernelCachePath()): ChoiceStore {
  return {
    async load() {
      try {
        const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
        return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ChoiceTable) : {};
      } catch {
        return {};
      }
    },
    async save(table) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, `${JSON.stringify(table, null, 1)}\n`);
    },
  };
}
