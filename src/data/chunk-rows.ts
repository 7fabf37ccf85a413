// Splits a dataset's rows across GPU buffers: each chunk holds whole rows and at most `maxBytes`
// (maxStorageBufferBindingSize / maxBufferSize), so data larger than one buffer still uploads.

import { DataError, bytesText } from './errors';

export interface RowChunk {
  firstRow: number;
  rows: number;
  byteOffset: number;
  byteLength: number;
}

/**
 * Chunks of whole rows, each ≤ maxBytes. With `align` (e.g. 4 for writeBuffer), every chunk but the
 * last starts and ends on a multiple of `align` bytes.
 */
export function chunkRows(rowBytes: number, totalRows: number, maxBytes: number, align = 1): RowChunk[] {
  if (!(rowBytes > 0 && Number.isInteger(rowBytes))) throw new RangeError(`rowBytes must be a positive integer, got ${rowBytes}`);
  // Rows per chunk must be a multiple of align / gcd(rowBytes, align) for aligned boundaries.
  const step = align / gcd(rowBytes, align);
  const perChunk = Math.floor(maxBytes / rowBytes / step) * step;
  if (perChunk < 1) {
    throw new DataError(`one example takes ${bytesText(rowBytes)}${step > 1 ? ` (${step} rows to align)` : ''}, more than one GPU buffer may hold (${bytesText(maxBytes)})`);
  }
  const chunks: RowChunk[] = [];
  for (let first = 0; first < totalRows; first += perChunk) {
    const rows = Math.min(perChunk, totalRows - first);
    chunks.push({ firstRow: first, rows, byteOffset: first * rowBytes, byteLength: rows * rowBytes });
  }
  return chunks;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
