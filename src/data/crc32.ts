// CRC-32 (IEEE 802.3, the gzip and zip checksum). fflate's streaming inflaters verify nothing, so the
// loaders check every gzip member and zip entry against its stored CRC with this.

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Continues a CRC over `data`: crc32(b) = crc32Update(0, b); crc32(a ++ b) = crc32Update(crc32(a), b). */
export function crc32Update(crc: number, data: Uint8Array): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export function crc32(data: Uint8Array): number {
  return crc32Update(0, data);
}
