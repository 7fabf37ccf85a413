// .npy (format 1.0) and .npz writers for the arrays an exported project carries: uint8 or float32
// features, uint32 labels, and a UTF-8 JSON blob as uint8. An .npz is a zip of .npy members; stored,
// not deflated (np.load reads either, and the data is mostly incompressible pixels or floats).
import { zipSync } from 'fflate';

export interface NpyArray {
  data: Uint8Array | Uint32Array | Float32Array;
  shape: readonly number[];
}

const descr = (a: NpyArray['data']): string => (a instanceof Float32Array ? '<f4' : a instanceof Uint32Array ? '<u4' : '|u1');
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One .npy file: C order, little-endian, the header padded so the data starts on a 64-byte boundary. */
export function npyBytes(a: NpyArray): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('.npy: this host is big-endian');
  const count = a.shape.reduce((x, y) => x * y, 1);
  if (count !== a.data.length) throw new Error(`.npy: ${a.data.length} values do not fill shape (${a.shape.join(', ')})`);
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  let header = `{'descr': '${descr(a.data)}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + a.data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), 10 + header.length);
  return out;
}

/** An .npz: members `${name}.npy`, stored. */
export function npzBytes(members: Record<string, NpyArray>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(members).map(([name, a]) => [`${name}.npy`, [npyBytes(a), { level: 0 }]])));
}

/** UTF-8 text as a 1-D uint8 array (np.load(...)['meta'].tobytes().decode()). */
export function textArray(text: string): NpyArray {
  const data = new TextEncoder().encode(text);
  return { data, shape: [data.length] };
}
