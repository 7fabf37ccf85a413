// The built CLI on a machine without Vulkan: the Vulkan loader (libvulkan.so.1) is hidden in a private
// mount namespace (`unshare -m`, bind-mounting /dev/null over it), so Dawn finds no adapter. `train`
// without flags then trains on the WebAssembly backend; `--backend webgpu` fails saying why.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, type CliResult } from '../../tests/helpers/cli';

/** The loader's path (ldconfig's cache), or null. */
function vulkanLoader(): string | null {
  const r = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' });
  const line = r.stdout?.split('\n').find((l) => l.includes('libvulkan.so.1 ') && l.includes('x86-64'));
  return line ? line.slice(line.indexOf('=>') + 2).trim() : null;
}

const loader = vulkanLoader();
const root = process.getuid?.() === 0;
const hideable = loader !== null && root && spawnSync('unshare', ['-m', 'true']).status === 0;
if (!hideable && process.env.CI) throw new Error(`cannot hide the Vulkan loader here (loader: ${loader ?? 'none found by ldconfig -p'}, root: ${root}, unshare -m: needs root)`);

let cli = '';
let remove = () => {};
beforeAll(() => {
  if (hideable) ({ cli, remove } = buildCli());
}, 120_000);
afterAll(() => remove());

/** Runs the CLI with the Vulkan loader hidden. */
function runHidden(args: string[]): CliResult {
  const quoted = [process.execPath, cli, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind /dev/null '${loader}' && exec ${quoted}`], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!hideable)('classifier-lab train without a Vulkan loader', () => {
  it('trains on WebAssembly without any flag', () => {
    const r = runHidden(['train', '--model', 'mlp', '--hidden', '32', '--epochs', '1', '--limit', '2000']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/No WebGPU adapter/);
    expect(r.stderr).toMatch(/Training on WebAssembly, \d+ threads?: no WebGPU adapter/);
    const epoch = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(epoch.epoch).toBe(1);
    expect(epoch.val_acc).toBeGreaterThan(0.2); // above chance (0.1) after one epoch of 2,000 examples
  });

  it('--backend webgpu fails, naming the missing adapter', () => {
    const r = runHidden(['train', '--backend', 'webgpu', '--epochs', '1', '--limit', '500']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/No WebGPU adapter/);
  });
});
