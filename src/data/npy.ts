// Strict .npy reader (NumPy format versions 1–3): magic, header dict parsed as the small Python literal
// it is, shape × itemsize checked against the real byte count before anything is copied.

import { DataError, bytesText } from './errors';
import type { NdArray, NumericData } from './ndarray';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function isNpy(b: Uint8Array): boolean {
  return b.length >= 10 && MAGIC.every((m, i) => b[i] === m);
}

interface Kind {
  size: number;
  make: (n: number) => NumericData;
  get: (v: DataView, o: number, le: boolean) => number;
  name: string;
}

const KINDS: Record<string, Kind> = {
  b1: { size: 1, make: (n) => new Uint8Array(n), get: (v, o) => v.getUint8(o), name: 'b1' },
  u1: { size: 1, make: (n) => new Uint8Array(n), get: (v, o) => v.getUint8(o), name: 'u1' },
  i1: { size: 1, make: (n) => new Int8Array(n), get: (v, o) => v.getInt8(o), name: 'i1' },
  u2: { size: 2, make: (n) => new Uint16Array(n), get: (v, o, le) => v.getUint16(o, le), name: 'u2' },
  i2: { size: 2, make: (n) => new Int16Array(n), get: (v, o, le) => v.getInt16(o, le), name: 'i2' },
  u4: { size: 4, make: (n) => new Uint32Array(n), get: (v, o, le) => v.getUint32(o, le), name: 'u4' },
  i4: { size: 4, make: (n) => new Int32Array(n), get: (v, o, le) => v.getInt32(o, le), name: 'i4' },
  // 64-bit integers become float64: exact up to 2^53, checked per value.
  i8: { size: 8, make: (n) => new Float64Array(n), get: (v, o, le) => Number(v.getBigInt64(o, le)), name: 'i8' },
  u8: { size: 8, make: (n) => new Float64Array(n), get: (v, o, le) => Number(v.getBigUint64(o, le)), name: 'u8' },
  f4: { size: 4, make: (n) => new Float32Array(n), get: (v, o, le) => v.getFloat32(o, le), name: 'f4' },
  f8: { size: 8, make: (n) => new Float64Array(n), get: (v, o, le) => v.getFloat64(o, le), name: 'f8' },
};

export function parseNpy(bytes: Uint8Array, file: string): NdArray {
  if (!isNpy(bytes)) throw new DataError('not a .npy file (no \\x93NUMPY magic)', { file, offset: 0 });
  const major = bytes[6];
  if (major < 1 || major > 3) throw new DataError(`unknown .npy format version ${major}.${bytes[7]}`, { file, offset: 6 });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (start + headerLen > bytes.length) {
    throw new DataError(`header claims ${headerLen} bytes, the file holds ${bytes.length - start} after the length field`, { file, offset: 8 });
  }
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(bytes.subarray(start, start + headerLen));
  } catch {
    throw new DataError('header is not valid UTF-8', { file, offset: start });
  }
  const header = parseHeader(text, file, start);
  const dataOffset = start + headerLen;
  const { descr, shape } = header;
  const m = /^([<>|=])([biuf])(\d+)$/.exec(descr);
  const kind = m && KINDS[m[2] + m[3]];
  if (!m || !kind) {
    throw new DataError(`dtype '${descr}' is not supported (bool, integers, float32 and float64 are; no structured or complex dtypes)`, { file, offset: start });
  }
  if (header.fortranOrder && shape.length > 1) {
    throw new DataError('array is stored in Fortran order; save it with np.ascontiguousarray(a) first', { file, offset: start });
  }
  const payload = bytes.length - dataOffset;
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (n * kind.size > payload) {
      throw new DataError(`shape (${shape.join(', ')}) of ${descr} needs ${bytesText(shapeBytes(shape, kind.size))} but ${bytesText(payload)} follow the header`, {
        file,
        offset: dataOffset,
      });
    }
  }
  if (n * kind.size !== payload) {
    throw new DataError(`shape (${shape.join(', ')}) of ${descr} needs ${bytesText(n * kind.size)} but ${bytesText(payload)} follow the header`, {
      file,
      offset: dataOffset + n * kind.size,
    });
  }
  const le = m[1] !== '>';
  const data = kind.make(n);
  if (le && kind.size !== 8 && new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) {
    // Same byte order as the host: one copy of the bytes.
    new Uint8Array(data.buffer).set(bytes.subarray(dataOffset, dataOffset + n * kind.size));
  } else {
    for (let i = 0; i < n; i++) {
      const v = kind.get(view, dataOffset + i * kind.size, le);
      if (kind.size === 8 && m[2] !== 'f' && !Number.isSafeInteger(v)) {
        throw new DataError(`value ${v} does not fit a float64 exactly`, { file, offset: dataOffset + i * kind.size });
      }
      data[i] = v;
    }
  }
  return { file, dtype: kind.name, dims: shape, data, dataOffset, itemSize: kind.size };
}

/**
 * The whole file's size as the header at the front of `head` declares it (header + shape × item size),
 * 'more' while the header is incomplete, null when it does not parse: lets a gzip stream stop at it.
 */
export function npyDeclaredSize(head: Uint8Array): { bytes: number; what: string; dims: number[] } | 'more' | null {
  if (!isNpy(head) || head[6] < 1 || head[6] > 3) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const start = head[6] === 1 ? 10 : 12;
  if (head.length < start) return 'more';
  const end = start + (head[6] === 1 ? view.getUint16(8, true) : view.getUint32(8, true));
  if (head.length < end) return end > 1 << 20 ? null : 'more';
  try {
    const h = parseHeader(new TextDecoder('latin1').decode(head.subarray(start, end)), '', start);
    const m = /^[<>|=][biuf](\d+)$/.exec(h.descr);
    if (!m) return null;
    return { bytes: end + shapeBytes(h.shape, Number(m[1])), what: `that its .npy header declares (shape (${h.shape.join(', ')}) of ${h.descr})`, dims: h.shape };
  } catch {
    return null;
  }
}

function shapeBytes(shape: number[], size: number): number {
  return shape.reduce((a, b) => a * b, size);
}

interface Header {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` and nothing looser. */
function parseHeader(text: string, file: string, offset: number): Header {
  const fail = (why: string): never => {
    throw new DataError(`header dictionary ${why}: ${JSON.stringify(text.trim().slice(0, 120))}`, { file, offset });
  };
  const body = /^\s*\{(.*)\}\s*$/s.exec(text);
  if (!body) fail('is not a {...} literal');
  const fields = new Map<string, string>();
  const re = /\s*'([a-z_]+)'\s*:\s*('[^']*'|True|False|\([^)]*\))\s*(,|$)/gy;
  let rest = body![1];
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = re.exec(rest)) !== null) {
    fields.set(match[1], match[2]);
    consumed = re.lastIndex;
    if (match[3] === '') break;
  }
  rest = rest.slice(consumed).trim();
  if (rest !== '') fail('has a field this reader does not understand');
  const descr = fields.get('descr');
  const order = fields.get('fortran_order');
  const shape = fields.get('shape');
  if (!descr || !order || !shape || fields.size !== 3) fail("must hold exactly 'descr', 'fortran_order' and 'shape'");
  const dims = shape!.slice(1, -1).split(',').map((s) => s.trim());
  if (dims[dims.length - 1] === '') dims.pop();
  if (!dims.every((d) => /^\d+$/.test(d))) fail('has a shape that is not a tuple of integers');
  return { descr: descr!.slice(1, -1), fortranOrder: order === 'True', shape: dims.map(Number) };
}
