// The cap on decompressed (and decoded) bytes across one load: every inflater and the image-folder
// builder take from one budget, so no archive can make the loader allocate past it.

import { DataError, bytesText } from './errors';

export const DEFAULT_MAX_INFLATED_BYTES = 512 * 1024 * 1024;

export class ByteBudget {
  used = 0;

  constructor(readonly limit: number = DEFAULT_MAX_INFLATED_BYTES) {}

  get left(): number {
    return this.limit - this.used;
  }

  /** Counts `n` more bytes; throws once the total passes the cap. */
  take(n: number, file: string, what = 'decompressed data'): void {
    this.used += n;
    if (this.used > this.limit) {
      throw new DataError(
        `${what} passes the ${capText(this.limit)} cap on decompressed bytes for one load ` +
          `(a decompression bomb, or a dataset too large for the lab); stopped there`,
        { file },
      );
    }
  }

  /** Refuses up front when a declared size (a claim, not yet allocated) cannot fit. */
  check(claim: number, file: string, what: string): void {
    if (claim > this.left) {
      throw new DataError(
        `${what} declares ${bytesText(claim)}, more than the ${capText(this.limit)} cap on decompressed bytes for one load ` +
          `leaves (${bytesText(Math.max(0, this.left))})`,
        { file },
      );
    }
  }
}

function capText(n: number): string {
  return n >= 1024 * 1024 && n % (1024 * 1024) === 0 ? `${n / 1024 / 1024} MiB` : `${n.toLocaleString('en-US')}-byte`;
}
