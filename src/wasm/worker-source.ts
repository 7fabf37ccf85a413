// The body of a pool worker, as text: started from a Blob URL in browsers and with `eval: true` by
// Node's worker_threads, so no bundler has to find a worker file (the page, the CLI bundle and the
// tests load it the same way). It instantiates the kernels on the shared memory it is sent, says
// ready, then sleeps on the control block's `gen` word and runs each command posted there, counting
// itself out in `exited` after each.
import { ctl } from './abi';

const word = (byte: number) => byte / 4;

export const workerSource = `'use strict';
const node = typeof self === 'undefined';
const port = node ? require('node:worker_threads').parentPort : null;
const post = (m) => (node ? port.postMessage(m) : self.postMessage(m));
const start = ({ module, memory, tid }) => {
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const words = new Int32Array(memory.buffer);
  let seen = Atomics.load(words, ${word(ctl.gen)});
  post({ ready: tid });
  for (;;) {
    Atomics.wait(words, ${word(ctl.gen)}, seen);
    seen = Atomics.load(words, ${word(ctl.gen)});
    if (Atomics.load(words, ${word(ctl.quit)})) return;
    try {
      kernels.run(tid);
    } catch (e) {
      Atomics.store(words, ${word(ctl.abort)}, 1);
      Atomics.notify(words, ${word(ctl.done)});
      post({ error: 'thread ' + tid + ': ' + (e && e.stack ? e.stack : String(e)) });
    }
    // Left the command: the caller may post the next one (pool.ts awaitWorkers).
    Atomics.add(words, ${word(ctl.exited)}, 1);
    Atomics.notify(words, ${word(ctl.exited)});
  }
};
if (node) port.once('message', start);
else self.onmessage = (e) => start(e.data);
`;
