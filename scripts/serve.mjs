// A small static server for the production build: every response carries the page's Content-Security-
// Policy (the same text as index.html's meta tag, read from the built page) and cross-origin isolation
// (COOP same-origin, COEP require-corp: SharedArrayBuffer for a threaded Wasm backend). `npm start` and
// the browser tests both serve dist/ through it.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Security-Policy of the built page (its meta tag), so header and tag never differ. */
export function pageCsp(dir) {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const m = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  if (!m) throw new Error(`${join(dir, 'index.html')} has no Content-Security-Policy meta tag`);
  return m[1];
}

/** The headers every response gets. */
export function securityHeaders(csp) {
  return {
    'Content-Security-Policy': csp,
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
  };
}

/** Serves `dir` on host:port (0: any free port); resolves with the server and its address. */
export function serveDir(dir, { host = '127.0.0.1', port = 5173 } = {}) {
  const root = resolve(dir);
  const headers = securityHeaders(pageCsp(root));
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    if (!(file === root || file.startsWith(root + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end(`Not found: ${path}\n`);
      return;
    }
    const hashed = path.startsWith('/assets/');
    res.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': statSync(file).size,
      'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      const a = server.address();
      ok({ server, url: `http://${host}:${a.port}/` });
    });
  });
}
