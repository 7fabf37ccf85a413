// A growable output buffer for inflaters. The first allocation uses the stream's size claim only
// where DEFLATE could really produce it (≤ 1032 × the compressed bytes) and the budget allows it;
// past that it grows by doubling as real bytes arrive.

/** DEFLATE's largest expansion: a 258-byte match costs at least 2 bits. */
export const MAX_DEFLATE_RATIO = 1032;

export class ByteSink {
  private buf: Uint8Array;
  length = 0;

  constructor(claim: number, compressedBytes: number, budgetLeft: number) {
    const plausible = Math.min(claim, compressedBytes * MAX_DEFLATE_RATIO, Math.max(budgetLeft, 0));
    this.buf = new Uint8Array(Math.max(0, Math.floor(plausible)) || 1024);
  }

  push(data: Uint8Array): void {
    const need = this.length + data.length;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
    }
    this.buf.set(data, this.length);
    this.length = need;
  }

  /** A view of the first `n` bytes written so far (valid until the next push). */
  view(n = this.length): Uint8Array {
    return this.buf.subarray(0, Math.min(n, this.length));
  }

  /** The bytes written (a view when the claim was exact, else a trimmed copy). */
  bytes(): Uint8Array {
    return this.length === this.buf.length ? this.buf : this.buf.slice(0, this.length);
  }
}
