// The weights-file sniff on real files: the lab's own export, and datasets that must not pass for one.
import { describe, expect, it } from 'vitest';
import { encodeIdx } from '../data/idx';
import { enc, gzip, npy, png, zip } from '../data/fixtures/make';
import { writeSafetensors } from './safetensors';
import { looksLikeSafetensors } from './safetensors-sniff';

const sniff = (b: Uint8Array) => looksLikeSafetensors(b.subarray(0, 9), b.length);

describe('looksLikeSafetensors', () => {
  it('knows a safetensors file, with or without tensors', () => {
    expect(sniff(writeSafetensors([{ name: 'w', dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) }], { format: 'x' }))).toBe(true);
    expect(sniff(writeSafetensors([]))).toBe(true);
  });

  it('refuses datasets and files whose claimed header does not fit', () => {
    const datasets = [
      enc('f1,f2,label\n1,2,0\n'),
      encodeIdx('u8', [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]),
      npy('<f4', [2], [1, 2]),
      zip({ 'a/1.png': png(2, 2, 1, () => 1) }),
      gzip(enc('f1,label\n1,0\n')),
    ];
    for (const d of datasets) expect(sniff(d)).toBe(false);
    const st = writeSafetensors([{ name: 'w', dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) }]);
    expect(looksLikeSafetensors(st.subarray(0, 9), 12)).toBe(false);
    expect(looksLikeSafetensors(st.subarray(0, 8), st.length)).toBe(false);
  });
});
