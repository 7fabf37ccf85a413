// loadBuiltin reads the prepared files strictly and says how to fix a missing or damaged dataset.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinDatasets, builtinNames, loadBuiltin, type BuiltinName } from './builtin';
import { defaultDataRoot, readFromDir } from './builtin-node';

describe('loadBuiltin', () => {
  let root: string;
  beforeAll(() => {
    execFileSync(process.execPath, [new URL('../../scripts/prepare-data.mjs', import.meta.url).pathname, '--only', 'mnist']);
    root = mkdtempSync(join(tmpdir(), 'builtin-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lists the built-ins, Fashion-MNIST first', () => {
    expect(builtinNames).toEqual(['fashion-mnist', 'mnist']);
    expect(builtinDatasets.map((d) => d.name)).toEqual(['fashion-mnist', 'mnist']);
  });

  it('returns bytes with a 1/255 scale, the split note and the source files', async () => {
    const ds = await loadBuiltin('mnist', readFromDir());
    expect(ds.name).toBe('MNIST');
    expect(ds.train.x).toBeInstanceOf(Uint8Array);
    expect(ds.normalization).toEqual({ kind: 'scale', scale: 1 / 255 });
    expect(ds.splitNote).toMatch(/seed 0.*not the official test set/);
    expect(ds.source.format).toBe('idx');
    expect(ds.source.files).toContain('mnist/val-labels-idx1-ubyte');
  });

  it('says how to prepare a missing dataset', async () => {
    await expect(loadBuiltin('mnist', readFromDir(root))).rejects.toThrow(
      /mnist\/meta.json: cannot read the built-in dataset .*run `node scripts\/prepare-data.mjs`/,
    );
  });

  it('refuses a truncated image file and a label count that disagrees with meta.json', async () => {
    cpSync(join(defaultDataRoot(), 'mnist'), join(root, 'mnist'), { recursive: true });
    writeFileSync(join(root, 'mnist/val-images-idx3-ubyte'), new Uint8Array([0, 0, 8, 3, 0, 0, 3, 232, 0, 0, 0, 28, 0, 0, 0, 28, 1]));
    await expect(loadBuiltin('mnist', readFromDir(root))).rejects.toThrow(/mnist\/val-images-idx3-ubyte, byte offset 4: header claims/);
    cpSync(join(defaultDataRoot(), 'mnist/val-images-idx3-ubyte'), join(root, 'mnist/val-images-idx3-ubyte'));
    writeFileSync(join(root, 'mnist/val-labels-idx1-ubyte'), new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 1, 2]));
    await expect(loadBuiltin('mnist', readFromDir(root))).rejects.toThrow(/val-labels-idx1-ubyte: expected 1000 u8 labels, found 2 u8/);
  });

  it('refuses an unknown name', async () => {
    await expect(loadBuiltin('cifar' as BuiltinName, readFromDir())).rejects.toThrow(/unknown built-in dataset "cifar"/);
  });
});
