// An image's bytes out of a zip entry, inflated only as far as the image goes: a PNG ends after IEND, a
// JPEG after EOI. An entry that continues past that point (an 8×8 PNG followed by 400 MiB of zeros) is
// refused as soon as the end is seen, without inflating the rest; the caller skips it and names it.

import type { ByteBudget } from './budget';
import { DataError, bytesText } from './errors';
import { ImageEndFinder } from './image-end';
import type { ImageHeader } from './image-header';
import { checkEntryCrc, inflateEntry, type ZipEntry } from './zip';

export function readImageEntry(bytes: Uint8Array, e: ZipEntry, file: string, budget: ByteBudget, header: ImageHeader): Uint8Array {
  const where = `${file}:${e.name}`;
  const kind = header.kind === 'png' || header.kind === 'jpeg' ? header.kind : undefined;
  const finder = kind && new ImageEndFinder(kind);
  let end: number | undefined;
  const { out } = inflateEntry(bytes, e, file, budget, finder && ((sink) => {
    end ??= finder.feed(sink.view());
    return finder.broken || (end !== undefined && sink.length >= end) ? 'stop' : undefined;
  }));
  if (finder) {
    end ??= finder.feed(out);
    if (finder.broken) throw new DataError(`its ${header.kind.toUpperCase()} structure is damaged at byte ${finder.broken.at}: ${finder.broken.why}`);
    const marker = kind === 'png' ? 'IEND chunk' : 'end marker (EOI)';
    if (end === undefined) throw new DataError(`the ${header.kind.toUpperCase()} ends before its ${marker}: truncated`);
    if (e.size > end) {
      throw new DataError(`continues ${bytesText(e.size - end)} past the ${marker} that ends its ${header.kind.toUpperCase()}; skipped without inflating the rest`);
    }
  }
  if (out.length !== e.size) {
    throw new DataError(`inflated to ${bytesText(out.length)}, but the directory declares ${bytesText(e.size)} (truncated or corrupt)`, { file: where });
  }
  checkEntryCrc(e, out, where);
  return out;
}
