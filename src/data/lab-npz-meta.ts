// The lab's own data.npz (Export → dataset for PyTorch, src/io/pytorch/dataset-npz.ts) holds, besides
// x_train/y_train/x_val/y_val, a `meta` member: its JSON as UTF-8 bytes. Loading that file back takes the
// class names from it and leaves it out of the features/labels pairing; any other member stays an array.
import type { NdArray } from './ndarray';

const format = 'classifier-lab-data/1';

/** The arrays to pair and, where one member is the lab's meta, its class names (by label id). */
export function takeLabMeta(arrays: NdArray[]): { arrays: NdArray[]; classNames?: string[] } {
  const i = arrays.findIndex((a) => /(^|:)meta\.npy$/.test(a.file) && a.dtype === 'u1' && a.dims.length === 1);
  if (i < 0) return { arrays };
  let meta: unknown;
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(arrays[i].data as Uint8Array));
  } catch {
    return { arrays };
  }
  if (typeof meta !== 'object' || meta === null || (meta as { format?: unknown }).format !== format) return { arrays };
  const names = (meta as { classNames?: unknown }).classNames;
  const classNames = Array.isArray(names) && names.every((n) => typeof n === 'string') ? (names as string[]) : undefined;
  return { arrays: arrays.filter((_, j) => j !== i), ...(classNames && { classNames }) };
}
