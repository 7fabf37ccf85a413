// `inspect`'s own flags, in process: --help prints usage (it used to open a file named "--help"), `--`
// ends the options so such a file can still be read, --max-classes reaches the loader, bad flags exit 2.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inspectCommand } from './inspect-command';
import { InputError } from './input-error';

const dir = mkdtempSync(join(tmpdir(), 'inspect-'));
const csv = ['f,y', ...Array.from({ length: 30 }, (_, i) => `${i},c${i % 3}`)].join('\n');

async function run(argv: string[]): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  try {
    await inspectCommand(argv);
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('classifier-lab inspect', () => {
  const cwd = process.cwd();
  afterEach(() => process.chdir(cwd));

  it('#15.6 --help prints the usage instead of opening a file named "--help"; after --, such a file is read', async () => {
    process.chdir(dir);
    writeFileSync(join(dir, '--help'), csv);
    expect(await run(['--help'])).toMatch(/^usage:\n {2}classifier-lab inspect \[--label-column C\].*\[--max-classes N\] \[--\] FILE.safetensors \| DATASET FILES\.\.\./);
    expect(await run(['-h'])).toMatch(/^usage:/);
    expect(JSON.parse(await run(['--', '--help']))).toMatchObject({ name: '--help', format: 'csv', splits: { train: 27, val: 3 } });
  });

  it('passes --max-classes and the loader options on, and refuses unknown or malformed flags with exit-2 errors', async () => {
    const many = join(dir, 'many.csv');
    writeFileSync(many, ['f,y', ...Array.from({ length: 2400 }, (_, i) => `${i},c${i % 1200}`)].join('\n'));
    await expect(run([many])).rejects.toThrow(/many.csv: found 1,200 classes, more than 1,000/);
    expect(JSON.parse(await run(['--max-classes', '1200', many])).classes).toHaveLength(1200);
    await expect(run(['--max-classes', 'lots', many])).rejects.toThrow(new InputError('--max-classes: "lots" is not a whole number of at least 2'));
    await expect(run(['--frobnicate', many])).rejects.toThrow(/^inspect: Unknown option '--frobnicate'.*\(classifier-lab inspect --help\)$/);
    await expect(run([])).rejects.toThrow('inspect needs a file (classifier-lab inspect --help)');
  });
});
