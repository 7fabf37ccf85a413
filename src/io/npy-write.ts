// A minimal .npy writer (format 1.0) for float32 arrays: the `predict` command's logits. The header is
// the Python dict literal NumPy writes, padded with spaces so the data starts on a 64-byte boundary.

/** Serialises a C-order little-endian float32 array of shape `dims`. */
export function writeNpyF32(data: Float32Array, dims: readonly number[]): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`.npy: ${data.length} values do not fill shape (${dims.join(', ')})`);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  // magic (6) + version (2) + header length (2) + header + '\n' is a multiple of 64.
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  if (header.length > 0xffff) throw new Error('.npy: the header does not fit format 1.0');
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const base = 10 + header.length;
  for (let i = 0; i < data.length; i++) view.setFloat32(base + i * 4, data[i], true);
  return out;
}
