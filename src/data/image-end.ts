// Where a PNG or JPEG file ends, found while its bytes are still being inflated: PNG after its IEND
// chunk, JPEG after its EOI marker. A zip entry that goes on past that point (a valid 8×8 PNG followed by
// 400 MiB of zeros) is skipped without inflating the rest.

/** Walks the file's structure as bytes arrive, resuming where the last call stopped. */
export class ImageEndFinder {
  private pos: number;
  private inEntropy = false;
  /** Set when the structure cannot be walked (a chunk longer than PNG allows, a JPEG segment not starting with FF). */
  broken?: { at: number; why: string };

  constructor(private readonly kind: 'png' | 'jpeg') {
    this.pos = kind === 'png' ? 8 : 2;
  }

  /** The offset just past the image's end, once the bytes up to its end marker are in; else undefined. */
  feed(b: Uint8Array): number | undefined {
    if (this.broken) return undefined;
    return this.kind === 'png' ? this.png(b) : this.jpeg(b);
  }

  private png(b: Uint8Array): number | undefined {
    while (this.pos + 8 <= b.length) {
      const p = this.pos;
      const len = ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
      if (len > 0x7fffffff) {
        this.broken = { at: p, why: `a chunk claims ${len} bytes, more than PNG allows` };
        return undefined;
      }
      const next = p + 12 + len;
      if (b[p + 4] === 0x49 && b[p + 5] === 0x45 && b[p + 6] === 0x4e && b[p + 7] === 0x44) return next; // IEND
      this.pos = next;
    }
    return undefined;
  }

  private jpeg(b: Uint8Array): number | undefined {
    for (;;) {
      if (this.inEntropy) {
        // Entropy-coded data: FF 00 is a stuffed byte, FF D0–D7 a restart; any other FF xx is a marker.
        let q = this.pos;
        while (q + 1 < b.length && !(b[q] === 0xff && b[q + 1] !== 0 && (b[q + 1] < 0xd0 || b[q + 1] > 0xd7))) q++;
        this.pos = q;
        if (q + 1 >= b.length) return undefined;
        this.inEntropy = false;
      }
      const p = this.pos;
      if (p + 2 > b.length) return undefined;
      if (b[p] !== 0xff) {
        this.broken = { at: p, why: 'a segment does not start with an FF marker' };
        return undefined;
      }
      const m = b[p + 1];
      if (m === 0xff) {
        this.pos++;
        continue;
      }
      if (m === 0xd9) return p + 2; // EOI
      if (m === 0x01 || (m >= 0xd0 && m <= 0xd8)) {
        this.pos += 2;
        continue;
      }
      if (p + 4 > b.length) return undefined;
      this.pos = p + 2 + ((b[p + 2] << 8) | b[p + 3]);
      if (m === 0xda) this.inEntropy = true; // SOS: its header, then entropy-coded data
    }
  }
}
