// The n-dimensional arrays that IDX and NumPy files hold, in one shape the pairing code understands:
// native typed data plus where it came from (for messages that name the file and byte offset).

export type NumericData =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

export interface NdArray {
  /** The file (or "archive.npz:member.npy") it was read from. */
  file: string;
  /** NumPy-style dtype name: u1, i1, u2, i2, u4, i4, i8, u8, f4, f8, b1. */
  dtype: string;
  dims: number[];
  data: NumericData;
  /** Byte offset of element 0 in the file and bytes per element, to locate a bad value. */
  dataOffset: number;
  itemSize: number;
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export function isIntegerDtype(dtype: string): boolean {
  return /^[iub]\d$/.test(dtype);
}
