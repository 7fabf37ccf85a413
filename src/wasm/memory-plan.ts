// Where everything lives in the kernels' one linear memory, decided before the memory exists (a shared
// memory cannot move, and views of it stay valid only if it never grows). Byte offsets, 64-byte aligned,
// each region followed by 64 bytes of zero slack: kernels read whole vec4s (and, for a row's last
// vec4, past its end), which must stay inside the memory and meet zeros or values scaled by zero.
import { ctlBytes } from './abi';

export interface Region {
  label: string;
  /** Byte offset. */
  at: number;
  bytes: number;
}

const align = 64;
const slack = 64;

export class MemoryPlan {
  readonly regions: Region[] = [];
  private end = ctlBytes;

  /** Reserves `bytes` bytes; returns the byte offset. */
  alloc(label: string, bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new Error(`wasm memory: ${label} asks for ${bytes} bytes`);
    const at = this.end;
    this.regions.push({ label, at, bytes });
    this.end = Math.ceil((at + bytes + slack) / align) * align;
    if (this.end > maxBytes) throw new Error(`wasm memory: ${label} would need ${(this.end / 2 ** 20).toFixed(0)} MiB, more than the 4 GiB a wasm32 memory holds`);
    return at;
  }

  /** Reserves `n` f32 values. */
  floats(label: string, n: number): number {
    return this.alloc(label, 4 * n);
  }

  /** Scratch for `threads` threads (packed B panels, convolution columns), `bytes` each: the region's byte address. */
  threadScratch(threads: number, bytes = scratchBytes): number {
    return this.alloc('thread.scratch', threads * bytes);
  }

  /** Bytes the memory needs. */
  get size(): number {
    return this.end;
  }
}

/** A wasm32 memory's limit (65,536 pages of 64 KiB). */
export const maxBytes = 65536 * 65536;
export const pageBytes = 65536;

/** Scratch bytes per thread (at least): one packed 8-column panel of B for K ≤ 8,192; convolution columns. */
export const scratchBytes = 256 * 1024;
