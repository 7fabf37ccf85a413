// Builds the benchmark page (bench/index.html + the lab's engine worker + TensorFlow.js) into dist-bench/.
// A separate entry: nothing here ships with the lab. The built-in datasets are served by bench/run.mjs.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'bench',
  base: './',
  publicDir: false,
  // Not minified: TF.js's threaded wasm backend starts its workers from its module function's source text (toString), which minification breaks.
  build: { outDir: '../dist-bench', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 8192, minify: false },
  worker: { format: 'es' },
  logLevel: 'warn',
});
