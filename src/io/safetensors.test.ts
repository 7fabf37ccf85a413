// The safetensors reader and writer against the reference implementation's own byte vectors
// (huggingface/safetensors tensor.rs tests) and one crafted file per malformed-file rule.

import { describe, expect, it } from 'vitest';
import { readSafetensors, SafetensorsError, writeSafetensors, type TensorEntry } from './safetensors';

const enc = new TextEncoder();

/** A file by hand: u64 LE header length (the header's byte length unless given), header, data. */
function craft(header: string, data: number | Uint8Array = 0, length?: bigint): Uint8Array {
  const h = enc.encode(header);
  const d = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + h.length + d.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(d, 8 + h.length);
  return out;
}

function refusal(bytes: Uint8Array): SafetensorsError {
  try {
    readSafetensors(bytes, 'bad.safetensors');
  } catch (e) {
    expect(e).toBeInstanceOf(SafetensorsError);
    return e as SafetensorsError;
  }
  throw new Error('the file was accepted');
}

const f32 = (...v: number[]) => new Float32Array(v);

describe('writeSafetensors matches the reference writer byte for byte', () => {
  it('one F32 tensor (tensor.rs test_serialization)', () => {
    const out = writeSafetensors([{ name: 'attn.0', dtype: 'F32', shape: [1, 2, 3], data: f32(0, 1, 2, 3, 4, 5) }]);
    expect([...out]).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34,
      70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95,
      111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0,
      64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
  });

  it('pads the header with spaces to 8 bytes (test_serialization_forced_alignement)', () => {
    const out = writeSafetensors([{ name: 'attn0', dtype: 'F32', shape: [1, 1, 2, 3], data: f32(0, 1, 2, 3, 4, 5) }]);
    expect([...out]).toEqual([
      72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70,
      51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97,
      95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32, 32, 32, 0, 0,
      0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
  });

  it('empty, with and without metadata (test_empty)', () => {
    expect([...writeSafetensors([])]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect([...writeSafetensors([], { framework: 'pt' })]).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58, 123, 34, 102, 114,
      97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112, 116, 34, 125, 125, 32, 32, 32, 32, 32,
    ]);
  });

  it('orders tensors by dtype alignment, then name, so every tensor is aligned to its element size', () => {
    const out = writeSafetensors([
      { name: 'b', dtype: 'U8', shape: [3], data: new Uint8Array([1, 2, 3]) },
      { name: 'a', dtype: 'F32', shape: [1], data: f32(1) },
      { name: 'c', dtype: 'F64', shape: [1], data: new Float64Array([2]) },
      { name: 'B', dtype: 'F32', shape: [1], data: f32(3) },
    ]);
    const n = Number(new DataView(out.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(out.subarray(8, 8 + n)));
    expect(Object.keys(header)).toEqual(['c', 'B', 'a', 'b']);
    expect(header.c.data_offsets).toEqual([0, 8]);
    expect(header.b.data_offsets).toEqual([16, 19]);
  });

  it('refuses what it could not read back', () => {
    const t = (e: Partial<TensorEntry>): TensorEntry => ({ name: 'x', dtype: 'F32', shape: [2], data: f32(1, 2), ...e });
    expect(() => writeSafetensors([t({ shape: [3] })])).toThrow('tensor "x": F32 × [3] needs 12 bytes, the data has 8');
    expect(() => writeSafetensors([t({}), t({})])).toThrow('tensor "x" appears twice');
    expect(() => writeSafetensors([t({ data: new Float64Array(1) })])).toThrow('F32 data must be a Float32Array');
    expect(() => writeSafetensors([t({ name: '__metadata__' })])).toThrow('reserved');
    expect(() => writeSafetensors([t({ shape: [-2] })])).toThrow('not a list of non-negative integers');
    expect(() => writeSafetensors([t({ dtype: 'F4', shape: [3], data: new Uint8Array(2) })])).toThrow('12 bits, not a whole number of bytes');
  });
});

describe('readSafetensors', () => {
  it('round-trips every dtype bit for bit, with metadata', () => {
    const nan = new Float32Array(new Uint32Array([0x7fc00001, 0xff800000, 0x80000000]).buffer);
    const tensors: TensorEntry[] = [
      { name: 'layers.1.weight', dtype: 'F32', shape: [2, 3], data: f32(0.1, -2.5, 3e-38, 1e38, -0, 7) },
      { name: 'odd', dtype: 'F32', shape: [3], data: nan },
      { name: 'scalar', dtype: 'F64', shape: [], data: new Float64Array([Math.PI]) },
      { name: 'i64', dtype: 'I64', shape: [2], data: new BigInt64Array([-(2n ** 62n), 5n]) },
      { name: 'u64', dtype: 'U64', shape: [1], data: new BigUint64Array([2n ** 64n - 1n]) },
      { name: 'i32', dtype: 'I32', shape: [2], data: new Int32Array([-1, 2 ** 31 - 1]) },
      { name: 'u32', dtype: 'U32', shape: [1], data: new Uint32Array([2 ** 32 - 1]) },
      { name: 'half', dtype: 'F16', shape: [2], data: new Uint16Array([0x3c00, 0x7e00]) },
      { name: 'bf', dtype: 'BF16', shape: [1], data: new Uint16Array([0x3f80]) },
      { name: 'i16', dtype: 'I16', shape: [1], data: new Int16Array([-300]) },
      { name: 'u16', dtype: 'U16', shape: [1], data: new Uint16Array([65535]) },
      { name: 'i8', dtype: 'I8', shape: [2], data: new Int8Array([-128, 127]) },
      { name: 'u8', dtype: 'U8', shape: [3], data: new Uint8Array([0, 128, 255]) },
      { name: 'flags', dtype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) },
      { name: 'f4', dtype: 'F4', shape: [4], data: new Uint8Array([0x12, 0x34]) },
      { name: 'empty', dtype: 'F32', shape: [0, 5], data: f32() },
      { name: 'ünï ✓ 😀', dtype: 'C64', shape: [1], data: f32(1, -1) },
    ];
    const metadata = { format: 'classifier-lab/1', manifest: '{"a":[1,2],"q":"\\"x\\"\\n"}', 'ü😀': 'ok' };
    const file = readSafetensors(writeSafetensors(tensors, metadata));
    expect(file.metadata).toEqual(metadata);
    expect(file.tensors.size).toBe(tensors.length);
    for (const t of tensors) {
      const got = file.tensors.get(t.name)!;
      expect(got.dtype, t.name).toBe(t.dtype);
      expect(got.shape, t.name).toEqual(t.shape);
      expect(got.data.constructor, t.name).toBe(t.data.constructor);
      const bytes = (a: ArrayBufferView) => [...new Uint8Array(a.buffer, a.byteOffset, a.byteLength)];
      expect(bytes(got.data), t.name).toEqual(bytes(t.data));
    }
  });

  it('reads files hand-built per the spec, as Python would write them', () => {
    const known = craft('{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]},"__metadata__":{"a":"b"}}', new Uint8Array(new Int32Array([1, -2, 3, 2 ** 31 - 1]).buffer));
    const file = readSafetensors(known);
    expect(file.metadata).toEqual({ a: 'b' });
    const t = file.tensors.get('test')!;
    expect(t).toMatchObject({ dtype: 'I32', shape: [2, 2] });
    expect([...(t.data as Int32Array)]).toEqual([1, -2, 3, 2 ** 31 - 1]);
    expect(t.offset).toBe(known.length - 16);
    // tensor.rs test_deserialization, test_empty_shapes_allowed, test_zero_sized_tensor, test_whitespace_padded_header
    expect(readSafetensors(craft('{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}', 16)).tensors.get('test')!.data).toEqual(new Int32Array(4));
    expect(readSafetensors(craft('{"test":{"dtype":"I32","shape":[],"data_offsets":[0,4]}}', 4)).tensors.get('test')!.shape).toEqual([]);
    expect(readSafetensors(craft('{"test":{"dtype":"I32","shape":[2,0],"data_offsets":[0, 0]}}')).tensors.get('test')!.data.length).toBe(0);
    expect(readSafetensors(craft('{}\r \t\n')).tensors.size).toBe(0);
    expect(readSafetensors(craft('{"__metadata__":null}')).metadata).toEqual({});
    const proto = readSafetensors(craft('{"__metadata__":{"__proto__":"x"}}')).metadata;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.entries(proto)).toEqual([['__proto__', 'x']]);
  });

  it('accepts tensors listed in any order, and zero-sized tensors sharing an offset', () => {
    const file = readSafetensors(craft(
      '{"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]},"z":{"dtype":"F32","shape":[0],"data_offsets":[2,2]},"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}',
      new Uint8Array([1, 2, 3, 4]),
    ));
    expect([...file.tensors.keys()]).toEqual(['a', 'z', 'b']);
    expect([...file.tensors.get('b')!.data]).toEqual([3, 4]);
  });
});

describe('readSafetensors refuses each malformed-file rule with its own message', () => {
  const T = (offsets: string, shape = '[2,2]', dtype = 'I32') => `{"dtype":"${dtype}","shape":${shape},"data_offsets":${offsets}}`;
  /** A byte offset in the file, or one counted from the start of the data section. */
  type At = number | { data: number };
  const cases: [string, Uint8Array, At, RegExp][] = [
    ['empty file', new Uint8Array(0), 0, /0 bytes, too short for the 8-byte header length/],
    ['7-byte file', new Uint8Array(7), 0, /7 bytes, too short/],
    ['header length above 100 MB', craft(`{"test":${T('[0,16]')}}`, 16, 0xffffff0000000000n + 60n), 0, /header length 18446742974197923900 is above the 100000000-byte limit/],
    ['header length 100,000,001', craft('{}', 0, 100_000_001n), 0, /above the 100000000-byte limit/],
    ['header past the end', craft('', 0, 60n), 0, /header length 60 runs past the end of the file \(8 bytes/],
    ['non-UTF-8 header', Uint8Array.from([...craft('', 0, 5n), 0x7b, 0x22, 0x61, 0xff, 0x22]), 11, /not valid UTF-8/],
    ['overlong UTF-8', Uint8Array.from([...craft('', 0, 4n), 0x7b, 0x22, 0xc0, 0xaf]), 10, /not valid UTF-8/],
    ['a byte-order mark', Uint8Array.from([...craft('', 0, 5n), 0xef, 0xbb, 0xbf, 0x7b, 0x7d]), 8, /not valid JSON/],
    ['truncated JSON', craft('{'), 9, /not valid JSON/],
    ['JSON array header', craft('[]'), 8, /not a JSON object/],
    ['metadata not an object', craft('{"__metadata__":"x"}'), 9, /__metadata__ must be an object of strings/],
    ['metadata number value', craft('{"__metadata__":{"epochs":3}}'), 9, /__metadata__ "epochs" must be a string, not number/],
    ['metadata float value', craft('{"__metadata__":{"lr":0.1}}'), 9, /__metadata__ "lr" must be a string, not number/],
    ['metadata nested object', craft('{"__metadata__":{"m":{"a":"b"}}}'), 9, /__metadata__ "m" must be a string, not object/],
    ['entry not an object', craft('{"x":[1,2]}'), 9, /tensor "x": its entry must be an object/],
    ['missing dtype', craft('{"x":{"shape":[1],"data_offsets":[0,4]}}', 4), 9, /tensor "x": "dtype" is missing/],
    ['unknown field', craft(`{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"stride":[1]}}`, 4), 9, /tensor "x": unknown field "stride"/],
    ['unknown dtype', craft(`{"y":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}`, 1), 9, /tensor "y": unknown dtype "F8"/],
    ['lower-case dtype', craft(`{"y":${T('[0,4]', '[1]', 'f32')}}`, 4), 9, /tensor "y": unknown dtype "f32"/],
    ['negative dim', craft(`{"x":${T('[0,16]', '[-2,2]')}}`, 16), 8 + 29, /"x".shape\[0\] is -2: not a non-negative integer/],
    ['fractional dim', craft(`{"x":${T('[0,16]', '[2.5,2]')}}`, 16), 8 + 29, /"x".shape\[0\] is 2.5: not a non-negative integer/],
    ['dim written 2.0', craft(`{"x":${T('[0,16]', '[2.0,2]')}}`, 16), 8 + 29, /"x".shape\[0\] is 2.0: not a non-negative integer/],
    ['dim written 4e0', craft(`{"x":${T('[0,16]', '[1,4e0]')}}`, 16), 8 + 31, /"x".shape\[1\] is 4e0: not a non-negative integer/],
    ['offset written -0', craft(`{"x":${T('[-0,16]')}}`, 16), 8 + 5 + T('[').length - 1, /"x".data_offsets\[0\] is -0: not a non-negative integer/],
    ['dim as a string', craft(`{"x":${T('[0,16]', '["2",2]')}}`, 16), 9, /not a list of non-negative integers/],
    ['three offsets', craft(`{"x":${T('[0,8,16]')}}`, 16), 9, /data_offsets \[0,8,16\] is not a pair/],
    ['duplicate tensor name', craft(`{"x":${T('[0,16]')},"x":${T('[0,16]')}}`, 16), 8 + 5 + T('[0,16]').length + 1, /names "x" twice/],
    ['duplicate field', craft(`{"x":{"dtype":"F32","dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}`, 16), 28, /names "x".dtype twice/],
    ['lone surrogate in a name', craft(`{"\\ud800":${T('[0,16]')}}`, 16), 9, /unpaired UTF-16 surrogate/],
    ['first tensor not at 0', craft(`{"x":${T('[4,20]')}}`, 20), { data: 4 }, /tensor "x": the first tensor's data must begin at offset 0, but data_offsets \[4, 20\] leave 4 bytes unclaimed/],
    ['end before begin', craft(`{"x":${T('[16,0]')}}`, 16), { data: 16 }, /tensor "x": data_offsets \[16, 0\] end before they begin/],
    ['gap', craft(`{"a":${T('[0,16]')},"b":${T('[20,36]')}}`, 36), { data: 20 }, /tensor "b": data_offsets \[20, 36\] leave a gap of 4 bytes after tensor "a", which ends at 16/],
    ['overlap', craft(`{"a":${T('[0,16]')},"b":${T('[8,24]')}}`, 24), { data: 8 }, /tensor "b": data_offsets \[8, 24\] overlap tensor "a", which ends at 16/],
    ['all tensors at one range (test_json_attack)', craft(`{"a":${T('[0,16]')},"b":${T('[0,16]')},"c":${T('[0,16]')}}`, 16), { data: 0 }, /tensor "b": data_offsets \[0, 16\] overlap tensor "a"/],
    ['byte count ≠ elements × size (test_invalid_info)', craft(`{"test":${T('[0,4]')}}`, 4), { data: 0 }, /tensor "test": I32 × \[2, 2\] is 16 bytes, but data_offsets \[0, 4\] span 4/],
    ['shape overflow (test_validation_overflow)', craft(`{"test":${T('[0,16]', '[2,9007199254740991]')}}`, 16), 9, /tensor "test": shape \[2, 9007199254740991\] overflows/],
    ['dim above 2^53', craft(`{"test":${T('[0,16]', '[2,18446744073709551614]')}}`, 16), 8 + 34, /"test".shape\[1\] is 18446744073709551614: above 2\^53 − 1/],
    ['sub-byte size', craft(`{"q":${T('[0,2]', '[3]', 'F4')}}`, 2), 9, /tensor "q": F4 × \[3\] is 12 bits, not a whole number of bytes/],
    ['truncated data (2 bytes short)', craft(`{"test":${T('[0,16]')}}`, 14), { data: 0 }, /tensor "test": data_offsets \[0, 16\] run past the end of the file \(the data section holds 14 bytes\)/],
    ['trailing bytes (polyglot file)', craft(`{"test":${T('[0,16]')}}`, 50), { data: 16 }, /34 bytes after the last tensor's data belong to no tensor/],
    ['bytes after an empty header', craft('{}', 3), 10, /3 bytes after the header belong to no tensor/],
  ];
  it.each(cases)('%s', (_, bytes, at, message) => {
    const byte = typeof at === 'number' ? at : 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true)) + at.data;
    const e = refusal(bytes);
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`bad.safetensors, byte ${byte}: `), e.message).toBe(true);
    expect(e.byteOffset).toBe(byte);
  });

  it('names the tensor to blame', () => {
    expect(refusal(craft(`{"a":${T('[0,16]')},"b":${T('[20,36]')}}`, 36)).tensor).toBe('b');
    expect(refusal(craft('{"m":{"dtype":"Q","shape":[],"data_offsets":[0,0]}}')).tensor).toBe('m');
  });

  it('gives the byte offset of a JSON error within the header, in its own words (#15.6)', () => {
    const e = refusal(craft('{"é":1,}'));
    expect(e.message).toBe('bad.safetensors, byte 16: the header is not valid JSON: expected a "quoted" key, found "}"');
    expect(refusal(craft('{"a":tru}')).message).toBe('bad.safetensors, byte 13: the header is not valid JSON: unexpected "t"');
  });

  it('#15.5 refuses a header nested 100,000 arrays deep with the file and byte, not a stack overflow', () => {
    const deep = `{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const e = refusal(craft(deep));
    expect(e.message).toBe('bad.safetensors, byte 76: the header is not valid JSON: nesting is deeper than 64 levels');
    const meta = `{"__metadata__":{"a":"b"},"x":${'{"y":'.repeat(50_000)}1${'}'.repeat(50_000)}}`;
    expect(refusal(craft(meta)).message).toMatch(/^bad.safetensors, byte \d+: the header is not valid JSON: nesting is deeper than 64 levels$/);
  });
});
