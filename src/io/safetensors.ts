// safetensors read/write, as strict as the reference parser (huggingface/safetensors, Rust): every size
// in the file is a claim, checked against the real byte count before anything is copied, and each
// violation is refused with a message naming the file, the byte offset and the tensor.

import { SAFETENSORS_MAX_HEADER_SIZE } from '../data/sniff';
import { jsonProblem } from './json-check';
import { scanHeader, utf8Length, firstInvalidUtf8 } from './safetensors-header';

/** The reference parser refuses headers above this size (100 MB). */
export const MAX_HEADER_SIZE = SAFETENSORS_MAX_HEADER_SIZE;

/** Bits per element of every dtype the reference knows, in its alignment order (the writer sorts by it). */
export const DTYPE_BITS = {
  BOOL: 8, F4: 4, F6_E2M3: 6, F6_E3M2: 6, U8: 8, I8: 8, F8_E5M2: 8, F8_E4M3: 8, F8_E8M0: 8,
  I16: 16, U16: 16, F16: 16, BF16: 16, I32: 32, U32: 32, F32: 32, C64: 64, F64: 64, I64: 64, U64: 64,
} as const;

export type Dtype = keyof typeof DTYPE_BITS;

const DTYPE_RANK = new Map(Object.keys(DTYPE_BITS).map((d, i) => [d, i]));

/**
 * Element storage per dtype. F16 and BF16 stay raw bits (Uint16Array), C64 is interleaved (re, im)
 * Float32Array, BOOL and the 4/6/8-bit floats are raw bytes (Uint8Array).
 */
export type TensorData<B extends ArrayBufferLike = ArrayBufferLike> =
  | Float32Array<B> | Float64Array<B> | Int32Array<B> | Uint32Array<B> | Int16Array<B> | Uint16Array<B>
  | Int8Array<B> | Uint8Array<B> | BigInt64Array<B> | BigUint64Array<B>;

type ArrayCtor = { new (buffer: ArrayBuffer): TensorData<ArrayBuffer>; name: string };

function arrayCtor(dtype: Dtype): ArrayCtor {
  switch (dtype) {
    case 'F32': case 'C64': return Float32Array;
    case 'F64': return Float64Array;
    case 'I32': return Int32Array;
    case 'U32': return Uint32Array;
    case 'I16': return Int16Array;
    case 'U16': case 'F16': case 'BF16': return Uint16Array;
    case 'I8': return Int8Array;
    case 'I64': return BigInt64Array;
    case 'U64': return BigUint64Array;
    default: return Uint8Array;
  }
}

export interface TensorEntry {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** The array type of `arrayCtor(dtype)`, or the raw little-endian bytes as a Uint8Array. */
  data: TensorData;
}

export interface SafetensorsTensor {
  dtype: Dtype;
  shape: number[];
  /** A copy, backed by its own ArrayBuffer (ready for `GPUQueue.writeBuffer`). */
  data: TensorData<ArrayBuffer>;
  /** File byte where the tensor's data begins (for messages about its values). */
  offset: number;
}

export interface SafetensorsFile {
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

/** A malformed file: `file, byte N: what is wrong` (and which tensor, where one is to blame). */
export class SafetensorsError extends Error {
  constructor(readonly file: string, readonly byteOffset: number, readonly detail: string, readonly tensor?: string) {
    super(`${file}, byte ${byteOffset}: ${detail}`);
    this.name = 'SafetensorsError';
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const INFO_KEYS = ['dtype', 'shape', 'data_offsets'];

const isDtype = (d: unknown): d is Dtype => typeof d === 'string' && DTYPE_RANK.has(d);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** Element count, or undefined when it passes 2^53 (the reference's ValidationOverflow). */
function elementCount(shape: readonly number[]): number | undefined {
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER) return undefined;
  }
  return n;
}

/** Byte size of a tensor; throws a plain Error (the caller adds where) when it is not a whole number. */
function byteSize(dtype: Dtype, shape: readonly number[]): number {
  const n = elementCount(shape);
  if (n === undefined || n * DTYPE_BITS[dtype] > Number.MAX_SAFE_INTEGER) throw new Error(`shape ${shapeText(shape)} overflows: its size cannot be computed`);
  const bits = n * DTYPE_BITS[dtype];
  if (bits % 8 !== 0) throw new Error(`${dtype} × ${shapeText(shape)} is ${bits} bits, not a whole number of bytes`);
  return bits / 8;
}

/** UTF-8 byte order of two strings (what Rust's `String::cmp` does). */
function compareUtf8(a: string, b: string): number {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(ea.length, eb.length); i++) if (ea[i] !== eb[i]) return ea[i] - eb[i];
  return ea.length - eb.length;
}

/**
 * Serialises tensors as the reference writer does: sorted by dtype alignment (largest first) then
 * name, compact JSON header with `__metadata__` first (omitted when empty), padded with spaces to a
 * multiple of 8 bytes, data contiguous from offset 0.
 */
export function writeSafetensors(tensors: readonly TensorEntry[], metadata: Record<string, string> = {}): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('safetensors: this host is big-endian; the format is little-endian');
  const names = new Set<string>();
  for (const t of tensors) {
    const where = `safetensors: tensor "${t.name}"`;
    if (t.name === '__metadata__') throw new Error(`${where}: the name is reserved for the metadata`);
    if (names.has(t.name)) throw new Error(`${where} appears twice`);
    names.add(t.name);
    if (!isDtype(t.dtype)) throw new Error(`${where}: unknown dtype ${String(t.dtype)}`);
    if (!Array.isArray(t.shape) || !t.shape.every(isCount)) throw new Error(`${where}: shape ${String(t.shape)} is not a list of non-negative integers`);
    const ctor = arrayCtor(t.dtype);
    if (!(t.data instanceof ctor) && !(t.data instanceof Uint8Array && !(t.data instanceof Uint8ClampedArray))) {
      throw new Error(`${where}: ${t.dtype} data must be a ${ctor.name} (or raw bytes), not a ${t.data.constructor.name}`);
    }
    const bytes = byteSize(t.dtype, t.shape);
    if (t.data.byteLength !== bytes) throw new Error(`${where}: ${t.dtype} × ${shapeText(t.shape)} needs ${bytes} bytes, the data has ${t.data.byteLength}`);
  }
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new Error(`safetensors: metadata "${k}" must be a string, not ${typeof v}`);
  }
  const sorted = [...tensors].sort((a, b) => DTYPE_RANK.get(b.dtype)! - DTYPE_RANK.get(a.dtype)! || compareUtf8(a.name, b.name));
  const parts: string[] = [];
  if (Object.keys(metadata).length > 0) parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  let offset = 0;
  for (const t of sorted) {
    const end = offset + t.data.byteLength;
    parts.push(`${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const n = Math.ceil(json.length / 8) * 8;
  if (n > MAX_HEADER_SIZE) throw new Error(`safetensors: the header would be ${n} bytes, above the ${MAX_HEADER_SIZE}-byte limit`);
  const out = new Uint8Array(8 + n + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n;
  for (const t of sorted) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

interface Claim {
  name: string;
  dtype: Dtype;
  shape: number[];
  begin: number;
  end: number;
}

/** Parses and validates a whole file; the tensors come back as copies in file order. */
export function readSafetensors(bytes: Uint8Array, fileName = 'safetensors file'): SafetensorsFile {
  const fail = (at: number, detail: string, tensor?: string): never => {
    throw new SafetensorsError(fileName, at, detail, tensor);
  };
  if (!LITTLE_ENDIAN) fail(0, 'this host is big-endian; safetensors data is little-endian');
  if (bytes.length < 8) fail(0, `the file is ${bytes.length} bytes, too short for the 8-byte header length: not a safetensors file`);
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_SIZE)) fail(0, `header length ${n64} is above the ${MAX_HEADER_SIZE}-byte limit: not a safetensors file, or a corrupt one`);
  const n = Number(n64);
  if (8 + n > bytes.length) fail(0, `header length ${n} runs past the end of the file (${bytes.length} bytes, so at most ${bytes.length - 8}): truncated or not a safetensors file`);
  const headerBytes = bytes.subarray(8, 8 + n);

  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    fail(8 + Math.max(0, firstInvalidUtf8(headerBytes)), 'the header is not valid UTF-8');
  }
  // Syntax and nesting depth first, in our words and with the byte: JSON.parse's messages are the engine's,
  // and 100,000 nested arrays would overflow the stack of everything that walks the result.
  const problem = jsonProblem(text);
  if (problem) fail(8 + utf8Length(text.slice(0, problem.at)), `the header is not valid JSON: ${problem.why}`);
  const header: unknown = JSON.parse(text);
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail(8, 'the header is not a JSON object');
  const scan = scanHeader(text);
  const headerByte = (charIndex: number) => 8 + utf8Length(text.slice(0, charIndex));
  if (scan.duplicate) fail(headerByte(scan.duplicate.at), `the header names ${scan.duplicate.path} twice`);
  const keyByte = (key: string) => headerByte(scan.keyAt.get(key) ?? 0);
  const bad = scan.badNumber;
  if (bad) {
    const why = /^-?\d+$/.test(bad.raw) && !bad.raw.startsWith('-') ? 'above 2^53 − 1, larger than any file can be' : 'not a non-negative integer (dims and offsets are written as plain integers)';
    fail(headerByte(bad.at), `${bad.path} is ${bad.raw}: ${why}`);
  }

  const entries = header as Record<string, unknown>;
  const metadata: [string, string][] = [];
  const claims: Claim[] = [];
  for (const [name, info] of Object.entries(entries)) {
    const failKey = (detail: string, tensor?: string) => fail(keyByte(name), detail, tensor);
    if (LONE_SURROGATE.test(name)) failKey(`a tensor name holds an unpaired UTF-16 surrogate escape: ${JSON.stringify(name)}`);
    if (name === '__metadata__') {
      if (info === null) continue;
      if (typeof info !== 'object' || Array.isArray(info)) failKey('__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(info as object)) {
        if (typeof v !== 'string') failKey(`__metadata__ "${k}" must be a string, not ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`);
        if (LONE_SURROGATE.test(k) || LONE_SURROGATE.test(v)) failKey(`__metadata__ "${k}" holds an unpaired UTF-16 surrogate escape`);
        metadata.push([k, v]);
      }
      continue;
    }
    const where = `tensor "${name}"`;
    if (typeof info !== 'object' || info === null || Array.isArray(info)) failKey(`${where}: its entry must be an object {dtype, shape, data_offsets}`, name);
    const o = info as Record<string, unknown>;
    for (const k of INFO_KEYS) if (!Object.hasOwn(o, k)) failKey(`${where}: "${k}" is missing`, name);
    for (const k of Object.keys(o)) if (!INFO_KEYS.includes(k)) failKey(`${where}: unknown field "${k}" (only dtype, shape, data_offsets)`, name);
    if (!isDtype(o.dtype)) failKey(`${where}: unknown dtype ${JSON.stringify(o.dtype)} (known: ${Object.keys(DTYPE_BITS).join(', ')})`, name);
    if (!Array.isArray(o.shape) || !o.shape.every(isCount)) failKey(`${where}: shape ${JSON.stringify(o.shape)} is not a list of non-negative integers`, name);
    const offs = o.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isCount)) failKey(`${where}: data_offsets ${JSON.stringify(offs)} is not a pair [begin, end] of non-negative integers`, name);
    const [begin, end] = offs as number[];
    claims.push({ name, dtype: o.dtype as Dtype, shape: o.shape as number[], begin, end });
  }

  // The reference sorts by (begin, end), then requires a gap-free, overlap-free chain from 0 to the end of the file.
  claims.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  let cursor = 0;
  let previous: Claim | undefined;
  for (const c of claims) {
    const where = `tensor "${c.name}"`;
    const range = `data_offsets [${c.begin}, ${c.end}]`;
    const at = dataStart + c.begin;
    if (c.end < c.begin) fail(at, `${where}: ${range} end before they begin`, c.name);
    if (c.begin !== cursor) {
      if (!previous) fail(at, `${where}: the first tensor's data must begin at offset 0, but ${range} leave ${c.begin} bytes unclaimed`, c.name);
      if (c.begin > cursor) fail(at, `${where}: ${range} leave a gap of ${c.begin - cursor} bytes after tensor "${previous!.name}", which ends at ${cursor}`, c.name);
      fail(at, `${where}: ${range} overlap tensor "${previous!.name}", which ends at ${cursor}`, c.name);
    }
    if (c.end > dataLength) fail(at, `${where}: ${range} run past the end of the file (the data section holds ${dataLength} bytes): truncated?`, c.name);
    let size = 0;
    try {
      size = byteSize(c.dtype, c.shape);
    } catch (e) {
      fail(keyByte(c.name), `${where}: ${(e as Error).message}`, c.name);
    }
    if (c.end - c.begin !== size) fail(at, `${where}: ${c.dtype} × ${shapeText(c.shape)} is ${size} bytes, but ${range} span ${c.end - c.begin}`, c.name);
    cursor = c.end;
    previous = c;
  }
  if (cursor !== dataLength) {
    const after = claims.length > 0 ? "the last tensor's data" : 'the header';
    fail(dataStart + cursor, `${dataLength - cursor} bytes after ${after} belong to no tensor: the data must end exactly at the end of the file`);
  }

  const tensors = new Map<string, SafetensorsTensor>();
  for (const c of claims) {
    // A copy with its own ArrayBuffer: a Node Buffer's slice() is a view into the whole (pooled) buffer.
    const copy = new Uint8Array(bytes.subarray(dataStart + c.begin, dataStart + c.end));
    tensors.set(c.name, { dtype: c.dtype, shape: c.shape, data: new (arrayCtor(c.dtype))(copy.buffer), offset: dataStart + c.begin });
  }
  // fromEntries defines own properties, so even a "__proto__" key stays a plain entry.
  return { tensors, metadata: Object.fromEntries(metadata) };
}
