// One driver for every DEFLATE stream a load inflates (gzip files, zip entries): input in small slices,
// every output byte metered against (1) what the format declares — a zip entry's size, an IDX or .npy
// header at the front of the stream, a PNG's IEND — (2) the load's byte budget and (3) a 100:1
// ratio once 16 MiB have come out; it stops at the first chunk past any of them.

import { MAX_DEFLATE_RATIO, ByteSink } from './sink';
import type { ByteBudget } from './budget';
import { DataError, bytesText } from './errors';

/**
 * The most compressed bytes of one push: one push inflates at most INPUT_SLICE × 1032 bytes (~8 MiB).
 * The first push takes 1 KiB; later slices aim at ~1 MiB of output by the last push's ratio (8 KiB for
 * ordinary data, under 1 KiB for a bomb), so a bomb leaves little garbage behind each push. (fflate copies
 * its 32 KiB window every push: 4 KiB slices cost ~1.4× the CPU of 16 KiB ones on MNIST, 8 KiB ~1.1×.)
 */
export const INPUT_SLICE = 8192;
const FIRST_SLICE = 1024;
const MIN_SLICE = 256;
const TARGET_OUT = 1 << 20;
/** The most one push can produce: the "one chunk" by which a stream may pass a limit before it stops. */
export const MAX_CHUNK = INPUT_SLICE * MAX_DEFLATE_RATIO;
/** Past this much output, a stream that inflates more than RATIO_LIMIT:1 is refused. */
export const RATIO_AFTER = 16 * 1024 * 1024;
/** Real data compresses far less (MNIST images ~4.7:1, sparse CSVs ~20:1); bombs reach ~1000:1. */
export const RATIO_LIMIT = 100;

export interface InflateStream {
  push(chunk: Uint8Array, final?: boolean): void;
}

export interface MeterOptions {
  /** File (or "archive.zip:entry") for messages. */
  where: string;
  budget: ByteBudget;
  /** Size claim the stream sizes its first buffer by (gzip ISIZE, zip entry size). */
  claim: number;
  /** Byte offset of the compressed data in the file, for messages. */
  offset?: number;
  /** False where the output size is exact and budgeted beforehand (a PNG's rows): no 100:1 rule. */
  ratio?: boolean;
  /** Called after each chunk with the output so far: may call `declare` or return 'stop'. */
  watch?: (out: ByteSink, meter: InflateMeter) => 'stop' | void;
  progress?: (done: number, total: number) => void;
}

/** Counts a stream's output and refuses it at the first limit it passes. */
export class InflateMeter {
  /** Output bytes so far. */
  out = 0;
  /** Compressed bytes pushed so far. */
  in = 0;
  private limit = Infinity;
  private limitText = '';

  constructor(private readonly o: MeterOptions) {}

  /** Output past `bytes` is refused, with "decompresses past <bytes> <what>". */
  declare(bytes: number, what: string): void {
    if (bytes < this.limit) {
      this.limit = bytes;
      this.limitText = what;
    }
    this.check();
  }

  get declared(): number {
    return this.limit;
  }

  count(n: number): void {
    this.out += n;
    this.check();
    this.o.budget.take(n, this.o.where);
    if (this.o.ratio !== false && this.out > RATIO_AFTER && this.out > RATIO_LIMIT * this.in) {
      throw new DataError(
        `inflates more than ${RATIO_LIMIT}:1 (${bytesText(this.out)} from the first ${bytesText(this.in)}): a decompression bomb; ` +
          `real data compresses far less, so the lab stops reading it here`,
        { file: this.o.where, offset: (this.o.offset ?? 0) + this.in },
      );
    }
  }

  private check(): void {
    if (this.out > this.limit) {
      throw new DataError(`decompresses past the ${bytesText(this.limit)} ${this.limitText} (trailing data, or a decompression bomb); stopped there`, {
        file: this.o.where,
        offset: (this.o.offset ?? 0) + this.in,
      });
    }
  }
}

/**
 * Inflates `raw` through `make(ondata)` (fflate's Gunzip or Inflate), INPUT_SLICE bytes a push; returns
 * the output and whether `watch` stopped it early. A DataError from a limit passes through; anything the
 * inflater throws is returned as `failure` (its text, for the caller to translate) with the offset.
 */
export function meteredInflate(
  make: (ondata: (data: Uint8Array) => void) => InflateStream,
  raw: Uint8Array,
  o: MeterOptions,
): { out: Uint8Array; meter: InflateMeter; stopped: boolean; failure?: { why: string; offset: number } } {
  const meter = new InflateMeter(o);
  // The size claim sizes the first buffer only where real data could reach it (≤ 100:1, or 16 MiB).
  const sink = new ByteSink(Math.min(o.claim, Math.max(raw.length * RATIO_LIMIT, RATIO_AFTER)), raw.length, o.budget.left);
  let stopped = false;
  const stream = make((data) => {
    if (stopped) return;
    meter.count(data.length);
    sink.push(data);
    if (o.watch?.(sink, meter) === 'stop') stopped = true;
  });
  let lastReport = 0;
  try {
    for (let at = 0, end = 0, slice = FIRST_SLICE; at < raw.length && !stopped; at = end) {
      end = Math.min(at + slice, raw.length);
      const before = meter.out;
      meter.in = end;
      stream.push(raw.subarray(at, end), end === raw.length);
      const ratio = (meter.out - before) / (end - at);
      slice = Math.max(MIN_SLICE, Math.min(INPUT_SLICE, Math.floor(TARGET_OUT / Math.max(ratio, 1))));
      if (o.progress && (end - lastReport >= 256 * 1024 || end === raw.length)) {
        lastReport = end;
        o.progress(end, raw.length);
      }
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    return { out: sink.bytes(), meter, stopped, failure: { why: e instanceof Error ? e.message : String(e), offset: (o.offset ?? 0) + meter.in } };
  }
  return { out: sink.bytes(), meter, stopped };
}

/** fflate's messages ("invalid block type", "unexpected EOF") as what is wrong with the file. */
export function deflateFailure(why: string, container: 'gzip' | 'deflate'): string {
  if (why === 'unexpected EOF') return container === 'gzip' ? 'the gzip data ends early (truncated file)' : 'the compressed data ends early (truncated or damaged)';
  const known: Record<string, string> = {
    'invalid block type': 'a compressed block has the reserved type 3',
    'invalid length/literal': 'a compressed block holds an invalid length or literal code',
    'invalid distance': 'a compressed block refers back past the start of the data',
    'invalid gzip data': 'the bytes after a gzip member are not another gzip member',
  };
  return `corrupt ${container} data (${known[why] ?? 'the compressed stream is damaged'})`;
}
