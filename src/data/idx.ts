// Strict IDX reader (the MNIST family's format): magic 00 00 <dtype> <ndim>, ndim big-endian u32 dims,
// then the values big-endian. Every dimension is a claim checked against the real byte count first.

import { DataError, bytesText } from './errors';

export type IdxDtype = 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dtype: IdxDtype;
  dims: number[];
  data: IdxData;
}

/** The dtype codes the format defines, with their element sizes. */
export const IDX_DTYPES: Record<number, { dtype: IdxDtype; size: number }> = {
  0x08: { dtype: 'u8', size: 1 },
  0x09: { dtype: 'i8', size: 1 },
  0x0b: { dtype: 'i16', size: 2 },
  0x0c: { dtype: 'i32', size: 4 },
  0x0d: { dtype: 'f32', size: 4 },
  0x0e: { dtype: 'f64', size: 8 },
};

const MAX_DIMS = 8;

/** True when the bytes start like an IDX file (two zero bytes, a known dtype, 1–8 dims, room for them). */
export function looksLikeIdx(b: Uint8Array): boolean {
  return (
    b.length >= 8 && b[0] === 0 && b[1] === 0 && b[2] in IDX_DTYPES &&
    b[3] >= 1 && b[3] <= MAX_DIMS && b.length >= 4 + 4 * b[3]
  );
}

/** The whole file's size as the IDX header at the front of `head` declares it, 'more' while incomplete, null when not IDX. */
export function idxDeclaredSize(head: Uint8Array): { bytes: number; what: string; dims: number[] } | 'more' | null {
  if (head.length < 4) return 'more';
  if (head[0] !== 0 || head[1] !== 0 || !(head[2] in IDX_DTYPES) || head[3] < 1 || head[3] > MAX_DIMS) return null;
  const header = 4 + 4 * head[3];
  if (head.length < header) return 'more';
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const kind = IDX_DTYPES[head[2]];
  const dims = claimed(view, head[3]).split('×').map(Number);
  return { bytes: header + product(view, head[3]) * kind.size, what: `that its IDX header declares (${claimed(view, head[3])} of ${kind.dtype})`, dims };
}

export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) throw new DataError(`IDX file too short for its 4-byte magic (${bytes.length} bytes)`, { file, offset: 0 });
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(`not an IDX file: the magic must start with two zero bytes`, { file, offset: 0 });
  }
  const kind = IDX_DTYPES[bytes[2]];
  if (!kind) throw new DataError(`unknown IDX dtype code 0x${bytes[2].toString(16).padStart(2, '0')}`, { file, offset: 2 });
  const ndim = bytes[3];
  if (ndim < 1 || ndim > MAX_DIMS) throw new DataError(`IDX claims ${ndim} dimensions (1–${MAX_DIMS} allowed)`, { file, offset: 3 });
  const header = 4 + 4 * ndim;
  if (bytes.length < header) {
    throw new DataError(`IDX header needs ${header} bytes for ${ndim} dimensions, the file holds ${bytes.length}`, { file, offset: bytes.length });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  const payload = bytes.length - header;
  // Multiply step by step against the real payload, so no claim can overflow or allocate.
  let elements = 1;
  for (let i = 0; i < ndim; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    elements *= d;
    if (elements * kind.size > payload) {
      throw new DataError(
        `header claims dimensions ${claimed(view, ndim)} of ${kind.dtype} = ${bytesText(product(view, ndim) * kind.size)} ` +
          `but only ${bytesText(payload)} follow the header`,
        { file, offset: 4 + 4 * i },
      );
    }
  }
  const need = elements * kind.size;
  if (need !== payload) {
    throw new DataError(
      `header claims dimensions ${dims.join('×')} of ${kind.dtype} = ${bytesText(need)} but ${bytesText(payload)} follow the header ` +
        `(${payload - need} unexplained trailing bytes)`,
      { file, offset: header + need },
    );
  }
  return { dtype: kind.dtype, dims, data: readValues(view, header, elements, kind.dtype, bytes) };
}

function claimed(view: DataView, ndim: number): string {
  const d: number[] = [];
  for (let i = 0; i < ndim; i++) d.push(view.getUint32(4 + 4 * i, false));
  return d.join('×');
}

function product(view: DataView, ndim: number): number {
  let p = 1;
  for (let i = 0; i < ndim; i++) p *= view.getUint32(4 + 4 * i, false);
  return p;
}

/** Big-endian values into a native typed array (u8 is a view of the input: no copy). */
function readValues(view: DataView, at: number, n: number, dtype: IdxDtype, bytes: Uint8Array): IdxData {
  switch (dtype) {
    case 'u8':
      return bytes.subarray(at, at + n);
    case 'i8':
      return new Int8Array(bytes.buffer, bytes.byteOffset + at, n);
    case 'i16': {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(at + 2 * i, false);
      return out;
    }
    case 'i32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(at + 4 * i, false);
      return out;
    }
    case 'f32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, false);
      return out;
    }
    case 'f64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(at + 8 * i, false);
      return out;
    }
    default:
      return dtype satisfies never;
  }
}

/** Writes an IDX file (big-endian header and values): used by tests and by tools that export data. */
export function encodeIdx(dtype: IdxDtype, dims: readonly number[], values: ArrayLike<number>): Uint8Array {
  const code = Number(Object.keys(IDX_DTYPES).find((k) => IDX_DTYPES[Number(k)].dtype === dtype));
  const size = IDX_DTYPES[code].size;
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + values.length * size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < values.length; i++) {
    const at = header + i * size;
    const v = values[i];
    if (dtype === 'u8') out[at] = v;
    else if (dtype === 'i8') view.setInt8(at, v);
    else if (dtype === 'i16') view.setInt16(at, v, false);
    else if (dtype === 'i32') view.setInt32(at, v, false);
    else if (dtype === 'f32') view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  }
  return out;
}
