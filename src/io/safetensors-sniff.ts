// Tells a safetensors file from a dataset by its first bytes, so that one drop target and one `inspect`
// command can take both: an 8-byte little-endian header length, then the header's opening `{`.
import { MAX_HEADER_SIZE } from './safetensors';

/** Bytes to read from the start of a file for `looksLikeSafetensors`. */
export const SAFETENSORS_SNIFF_BYTES = 9;

/** True when `head` (the file's first bytes) opens a safetensors file of `size` bytes in all. */
export function looksLikeSafetensors(head: Uint8Array, size: number): boolean {
  if (head.length < SAFETENSORS_SNIFF_BYTES) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const n = Number(view.getBigUint64(0, true));
  // A header holds at least "{}"; it sits inside the file and within the reference parser's limit.
  return head[8] === 0x7b && n >= 2 && n <= MAX_HEADER_SIZE && 8 + n <= size;
}
