// Types for scripts/serve.mjs (the browser tests serve dist/ through it, as `npm start` does).
import type { Server } from 'node:http';

export declare function pageCsp(dir: string): string;
export declare function securityHeaders(csp: string): Record<string, string>;
export declare function serveDir(dir: string, options?: { host?: string; port?: number }): Promise<{ server: Server; url: string }>;
