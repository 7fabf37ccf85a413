// The dedicated worker the page talks to: the LabEngine on the browser's WebGPU, exposed with Comlink.
// Built-in datasets are fetched from `data/` beside the page (public/data in development).
import * as Comlink from 'comlink';
import { browserImageDecoder } from '../data/browser-decode';
import { memoryChoiceStore } from '../gpu/autotune';
import { acquireGpu } from '../gpu/device';
import { runOnnxWeb } from '../io/onnx/run-web';
import { opfsCheckpointStore } from './checkpoint-store';
import { opfsChoiceStore } from './kernel-choice-store';
import { loadFileObjects } from './file-loader';
import { LabEngine } from './lab-engine';

const defaultDataUrl = import.meta.env.DEV ? new URL('/data/', self.location.origin).href : new URL('../data/', self.location.href).href;

const engine = new LabEngine({
  acquireGpu: () => acquireGpu((self.navigator as Navigator & { gpu?: GPU }).gpu),
  readBuiltin: (dataUrl = defaultDataUrl) => async (relPath) => {
    const url = new URL(relPath, dataUrl);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url.pathname}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  },
  // Dropped files are read and parsed here; WebP (and GIF, BMP) go through the browser's decoder.
  // The page's progress callback arrives as a Comlink proxy with a port of its own: closed when the load ends.
  loadFiles: async (files, onProgress, options) => {
    try {
      return await loadFileObjects(files, onProgress, options, browserImageDecoder);
    } finally {
      (onProgress as Partial<Comlink.ProxyMethods> | undefined)?.[Comlink.releaseProxy]?.();
    }
  },
  // The run's checkpoint lives in the origin-private file system; ONNX exports are checked with onnxruntime-web.
  checkpoints: opfsCheckpointStore(self.navigator.storage),
  runOnnx: runOnnxWeb,
  // Autotuned matmul choices, cached per adapter (no OPFS: kept for the session).
  kernelChoices: opfsChoiceStore(self.navigator.storage) ?? memoryChoiceStore(),
});

Comlink.expose(engine);
