// Builds the headless CLI (src/cli/main.ts) for Node into dist-cli/cli.mjs. Dependencies stay external
// (resolved from node_modules at run time); WGSL `?raw` imports are inlined as for the page.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    ssr: 'src/cli/main.ts',
    outDir: 'dist-cli',
    target: 'node20',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: { output: { entryFileNames: 'cli.mjs' } },
  },
});
