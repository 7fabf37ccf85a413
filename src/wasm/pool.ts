// The kernels on one memory and a pool of threads. With a SharedArrayBuffer (Node, or a cross-origin
// isolated page) the memory is shared: `threads − 1` workers (worker_threads in Node, Web Workers in
// browsers) run the interpreter beside the caller, which is thread 0. Without one, the caller runs
// alone on a plain memory. A command runs synchronously in the caller (which must be allowed to block:
// Node, or a worker in browsers) and returns when every thread has passed its last barrier.
import { ctl, ctlBytes } from './abi';
import { sharedModule, singleModule } from './kernels-wasm';
import { pageBytes, scratchBytes } from './memory-plan';
import { workerSource } from './worker-source';

export interface Command {
  /** Program of every step but `lastIndex`, and of that one (byte addresses). */
  progFull: number;
  progLast: number;
  lastIndex: number;
  /** Step records (byte address); step s reads the record at steps + s·stepBytes. */
  steps: number;
  from: number;
  to: number;
}

/** Whether this context can share memory between threads (SharedArrayBuffer and cross-origin isolation). */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/** Logical cores here (Node: os.availableParallelism; browsers: navigator.hardwareConcurrency). */
export async function hardwareThreads(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  if (isNode()) {
    const os = (await import(/* @vite-ignore */ nodeModule('os'))) as typeof import('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return 1;
}

const modules = new Map<boolean, Promise<WebAssembly.Module>>();

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** The compiled kernels (compiled once per process and variant). */
export function kernelModule(shared: boolean): Promise<WebAssembly.Module> {
  let m = modules.get(shared);
  if (!m) {
    m = WebAssembly.compile(decode(shared ? sharedModule : singleModule));
    modules.set(shared, m);
  }
  return m;
}

interface PoolWorker {
  postMessage(m: unknown): void;
  terminate(): unknown;
}

const isNode = () => typeof process === 'object' && !!process.versions?.node && typeof (globalThis as { window?: unknown }).window === 'undefined';
/** A Node built-in's name, out of reach of the page's bundler (the page never loads these). */
const nodeModule = (name: string) => ['node', name].join(':');

export interface PoolOptions {
  /** Bytes of memory (rounded up to whole pages). */
  bytes: number;
  /** Threads including the caller; 1 (or no shared memory) runs without workers. */
  threads: number;
  /** Byte address of MemoryPlan.threadScratch(threads, scratchBytes). */
  scratch: number;
  /** Bytes of each thread's scratch (default: memory-plan's scratchBytes). */
  scratchBytes?: number;
}

export class WasmPool {
  /** Messages of worker traps, as they arrive. */
  readonly workerErrors: string[] = [];
  private broken: Error | null = null;
  /** Commands posted to the workers so far: each worker adds 1 to `exited` when it leaves one. */
  private commands = 0;

  private constructor(
    readonly memory: WebAssembly.Memory,
    private readonly kernels: { run(tid: number): void },
    readonly threads: number,
    private readonly workers: PoolWorker[],
  ) {}

  static async create(o: PoolOptions): Promise<WasmPool> {
    const shared = o.threads > 1 && canShareMemory();
    const threads = shared ? o.threads : 1;
    const pages = Math.max(1, Math.ceil(Math.max(o.bytes, ctlBytes) / pageBytes));
    const memory = new WebAssembly.Memory(shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages, maximum: pages });
    const module = await kernelModule(shared);
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const workers: PoolWorker[] = [];
    const pool = new WasmPool(memory, instance.exports as unknown as { run(tid: number): void }, threads, workers);
    const words = new Int32Array(memory.buffer);
    words[ctl.threads / 4] = threads;
    words[ctl.scratch / 4] = o.scratch;
    words[ctl.scratchBytes / 4] = o.scratchBytes ?? scratchBytes;
    const ready: Promise<void>[] = [];
    for (let tid = 1; tid < threads; tid++) ready.push(pool.spawn(tid, module));
    await Promise.all(ready);
    return pool;
  }

  private async spawn(tid: number, module: WebAssembly.Module): Promise<void> {
    let worker: PoolWorker;
    let listen: (f: (m: { ready?: number; error?: string }) => void, fail: (e: unknown) => void) => void;
    if (typeof Worker !== 'undefined') {
      const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
      const w = new Worker(url, { name: `wasm-pool-${tid}` });
      URL.revokeObjectURL(url);
      worker = w;
      listen = (f, fail) => {
        w.onmessage = (e) => f(e.data);
        w.onerror = (e) => fail(new Error(e.message));
      };
    } else {
      const { Worker: NodeWorker } = (await import(/* @vite-ignore */ nodeModule('worker_threads'))) as typeof import('node:worker_threads');
      const w = new NodeWorker(workerSource, { eval: true, name: `wasm-pool-${tid}` });
      w.unref();
      worker = w;
      listen = (f, fail) => {
        w.on('message', f);
        w.on('error', fail);
      };
    }
    this.workers.push(worker);
    await new Promise<void>((resolve, reject) => {
      listen(
        (m) => {
          if (m.ready === tid) resolve();
          if (m.error) this.workerErrors.push(m.error);
        },
        (e) => {
          this.workerErrors.push(String(e));
          reject(e);
        },
      );
      worker.postMessage({ module, memory: this.memory, tid });
    });
  }

  /** Runs a command on every thread; returns when all are done. Throws after a trap in any thread. */
  run(cmd: Command): void {
    if (this.broken) throw new Error(`the wasm kernels stopped after an earlier failure: ${this.broken.message}`);
    const words = new Int32Array(this.memory.buffer, 0, ctlBytes / 4);
    words[ctl.from / 4] = cmd.from;
    words[ctl.to / 4] = cmd.to;
    words[ctl.progFull / 4] = cmd.progFull;
    words[ctl.progLast / 4] = cmd.progLast;
    words[ctl.lastIndex / 4] = cmd.lastIndex;
    words[ctl.steps / 4] = cmd.steps;
    Atomics.store(words, ctl.ticket / 4, 0);
    Atomics.store(words, ctl.done / 4, 0);
    if (this.threads > 1) {
      this.commands++;
      Atomics.add(words, ctl.gen / 4, 1);
      Atomics.notify(words, ctl.gen / 4);
    }
    try {
      this.kernels.run(0);
      // The command's last tile is done; a worker may still be walking the programs on its way out
      // (holding a ticket drawn past the end). Rewriting a program or zeroing the counters under it could
      // hand it another command's tiles, so the command ends when every worker has left it.
      if (this.threads > 1) this.awaitWorkers(words, this.commands * (this.threads - 1));
    } catch (e) {
      Atomics.store(words, ctl.abort / 4, 1);
      Atomics.notify(words, ctl.done / 4);
      this.broken = e instanceof Error ? e : new Error(String(e));
      throw new Error(`wasm kernels trapped: ${this.broken.message}${this.workerErrors.length ? ` (${this.workerErrors.join('; ')})` : ''}`);
    }
  }

  /** Spins a while, then sleeps, until `exited` reaches `want` (a worker that trapped has left too). */
  private awaitWorkers(words: Int32Array, want: number): void {
    for (let spin = 0; ; spin++) {
      const now = Atomics.load(words, ctl.exited / 4);
      if (now >= want) return;
      if (spin > 2000) Atomics.wait(words, ctl.exited / 4, now, 1);
    }
  }

  /** Float32 view of `n` values at byte `at`. */
  f32(at: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, n);
  }

  u32(at: number, n: number): Uint32Array {
    return new Uint32Array(this.memory.buffer, at, n);
  }

  u8(at: number, n: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, at, n);
  }

  f64(at: number, n: number): Float64Array {
    return new Float64Array(this.memory.buffer, at, n);
  }

  /** Stops the workers (the memory stays readable). */
  destroy(): void {
    if (this.threads > 1) {
      const words = new Int32Array(this.memory.buffer, 0, ctlBytes / 4);
      Atomics.store(words, ctl.quit / 4, 1);
      Atomics.add(words, ctl.gen / 4, 1);
      Atomics.notify(words, ctl.gen / 4);
    }
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}
