// User files (File objects: dropped or picked in the page, opened from disk by the CLI) into a Dataset:
// reads the bytes where the engine runs — the worker, never the page — and hands them to the data layer's
// loaders; progress goes out throttled, since in the browser each message crosses to the page.
import type { Dataset } from '../data/dataset';
import type { ExternalDecoder } from '../data/image-decode';
import { loadFiles } from '../data/load-files';
import type { DataOptions, LoadProgress } from './protocol';

/** Passes progress on at most every `intervalMs`, and always a file's first and last report. */
export function throttleProgress(send: (p: LoadProgress) => void, intervalMs = 100, now = () => performance.now()): (p: LoadProgress) => void {
  let lastFile = '';
  let lastAt = -Infinity;
  return (p) => {
    const t = now();
    if (p.file !== lastFile || p.bytesDone >= p.bytesTotal || t - lastAt >= intervalMs) {
      lastFile = p.file;
      lastAt = t;
      send(p);
    }
  };
}

/** `decodeImage` decodes what the pure-JS decoders cannot (the browser's WebP); without it such images are skipped and counted. */
export async function loadFileObjects(files: File[], onProgress?: (p: LoadProgress) => void, options: DataOptions = {}, decodeImage?: ExternalDecoder): Promise<Dataset> {
  const progress = onProgress ? throttleProgress(onProgress) : undefined;
  const inputs = [];
  for (const f of files) {
    progress?.({ file: f.name, bytesDone: 0, bytesTotal: f.size });
    inputs.push({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
  }
  return loadFiles(inputs, { ...options, onProgress: progress, decodeImage });
}
