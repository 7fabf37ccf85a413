// Builds the fuzzer (src/fuzz/main.ts: runner and child in one file) for Node with Vite, as the CLI is
// built, into node_modules/.cache, where its dependencies resolve; returns the bundle's path.
// `npm run fuzz` and the fuzz slice in `npm test` both call it.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
export const FUZZ_BUNDLE = `${root}node_modules/.cache/classifier-lab-fuzz/fuzz.mjs`;

export async function buildFuzzBundle() {
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: 'src/fuzz/main.ts',
      outDir: 'node_modules/.cache/classifier-lab-fuzz',
      target: 'node20',
      emptyOutDir: true,
      minify: false,
      rollupOptions: { output: { entryFileNames: 'fuzz.mjs' } },
    },
  });
  return FUZZ_BUNDLE;
}
