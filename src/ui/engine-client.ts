// Starts the engine worker and wraps it with Comlink. All engine work (parsing, GPU, training) runs there;
// the page only sends commands and receives records.
import * as Comlink from 'comlink';
import type { EngineApi } from '../worker/protocol';

export interface EngineClient {
  api: Comlink.Remote<EngineApi>;
  worker: Worker;
}

/** `onCrash` hears about a worker that failed to load or threw outside a call. */
export function startEngine(onCrash: (message: string) => void): EngineClient {
  const worker = new Worker(new URL('../worker/engine-worker.ts', import.meta.url), { type: 'module', name: 'engine' });
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    onCrash(`The engine worker failed: ${e.message || 'its script did not load'}${e.filename ? ` (${e.filename}:${e.lineno})` : ''}`);
  });
  worker.addEventListener('messageerror', () => onCrash('The engine worker sent a message that could not be read.'));
  return { api: Comlink.wrap<EngineApi>(worker), worker };
}
