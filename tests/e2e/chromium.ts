// Where the browser for the end-to-end tests is: $CHROME_PATH, Debian's chromium, or google-chrome on
// the PATH. Missing, the tests fail with a message saying how to install it (they never skip).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function findChromium(): string {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const path of candidates) if (path && existsSync(path)) return path;
  for (const name of ['google-chrome', 'google-chrome-stable', 'chromium']) {
    try {
      const path = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // not on the PATH; try the next name
    }
  }
  throw new Error(
    'The browser tests need Chromium and none was found (CHROME_PATH, /usr/bin/chromium, google-chrome). ' +
      'Install it with `sudo apt-get install chromium` or point CHROME_PATH at a Chrome/Chromium binary.',
  );
}
