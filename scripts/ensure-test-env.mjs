// `npm test`'s first step (pretest): makes sure a fresh Debian machine can run every test. It finds
// Chromium (browser tests) and the Vulkan loader (Dawn's SwiftShader path in Node); when either is
// missing and we are root with apt-get, it installs Debian's `chromium` and `libvulkan1`, otherwise it
// stops with the command to run. Then it prepares the built-in datasets and builds the page and CLI.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
};

function which(name) {
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

function chromium() {
  for (const p of [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (p && existsSync(p)) return p;
  return which('google-chrome') ?? which('google-chrome-stable') ?? which('chromium');
}

function vulkanLoader() {
  try {
    return /libvulkan\.so\.1\b/.test(execFileSync('ldconfig', ['-p'], { encoding: 'utf8' }));
  } catch {
    return ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1'].some(existsSync);
  }
}

const missing = [];
if (!chromium()) missing.push('chromium');
if (!vulkanLoader()) missing.push('libvulkan1');
if (missing.length > 0) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && which('apt-get')) {
    console.log(`pretest: installing Debian packages: ${missing.join(' ')}`);
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } else {
    console.error(
      `The tests need ${missing.join(' and ')} (Chromium for the browser tests and its SwiftShader WebGPU driver; ` +
        `libvulkan1 for WebGPU in Node). Install them with:\n  sudo apt-get install chromium libvulkan1\n` +
        'or set CHROME_PATH to a Chrome/Chromium binary.',
    );
    process.exit(1);
  }
}

run(process.execPath, ['scripts/prepare-data.mjs']);
run(process.execPath, ['scripts/gen-matmul.mjs', '--check']);
run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']);
run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.cli.config.ts', '--logLevel', 'warn']);
