// The bombs #15 names, each a real file built once per process with Node's zlib (fast on zeros): gzip
// of zeros, gzip behind an IDX or .npy header, gzip in gzip, an .npz entry declaring 1000:1, a zip of
// class folders holding a PNG with 8 MiB after its IEND, a PNG whose image data inflates to 8 MiB, a
// 4096×4096 16-bit RGBA PNG, a JPEG claiming 4096×4096, 70 legal 4096×4096 images (1.1 GiB decoded),
// overlapping zip entries, a CSV cell of 100,000 digits, 2,000 classes, JSON nested 100,000 deep.
// Sizes are the least that show each limit: past 16 MiB for the 100:1 rule, past one 4 MiB chunk elsewhere.

import { zipSync, type Zippable } from 'fflate';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32 as nodeCrc32, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { encodeIdx } from '../data/idx';
import { concatBytes, enc, jpeg, npy, png, pngChunk } from '../data/fixtures/make';
import { writeSafetensors } from '../io/safetensors';
import { REFUSE, skip, type Expect } from './case';
import type { FuzzFile } from './seeds';

const MiB = 1024 * 1024;

export interface Bomb {
  files: FuzzFile[];
  expect: Expect;
}

/** Class folders of small valid PNGs, for the image bombs to hide among. */
function classFolders(): Zippable {
  const z: Zippable = {};
  for (const [k, c] of ['a', 'b'].entries()) for (let i = 0; i < 3; i++) z[`${c}/${i}.png`] = png(8, 8, 1, (x, y) => (x * 9 + y * 5 + k * 90 + i) & 255);
  return z;
}

const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const gz = (b: Uint8Array) => u8(gzipSync(b));
/** A PNG of `raw` filtered rows (as rawPng in fixtures/make.ts), deflated by Node's zlib. */
function pngOf(w: number, h: number, depth: number, colourType: number, raw: Uint8Array): Uint8Array {
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, w);
  new DataView(ihdr.buffer).setUint32(4, h);
  ihdr.set([depth, colourType, 0, 0, 0], 8);
  const sig = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return concatBytes([sig, pngChunk('IHDR', ihdr), pngChunk('IDAT', u8(deflateSync(raw))), pngChunk('IEND', new Uint8Array(0))]);
}

/** A zip whose entries are deflated by Node's zlib (fflate's zipSync is slow on tens of MiB of zeros). */
function zipOf(entries: Record<string, Uint8Array>): Uint8Array {
  const local: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const packed = u8(deflateRawSync(data));
    const n = enc(name);
    const h = new DataView(new ArrayBuffer(30));
    const c = new DataView(new ArrayBuffer(46));
    for (const [v, at] of [[h, 4], [c, 6]] as const) {
      v.setUint16(at, 20, true);
      v.setUint16(at + 4, 8, true);
      v.setUint32(at + 10, nodeCrc32(data), true);
      v.setUint32(at + 14, packed.length, true);
      v.setUint32(at + 18, data.length, true);
      v.setUint16(at + 22, n.length, true);
    }
    h.setUint32(0, 0x04034b50, true);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint32(42, offset, true);
    local.push(new Uint8Array(h.buffer), n, packed);
    central.push(new Uint8Array(c.buffer), n);
    offset += 30 + n.length + packed.length;
  }
  const cd = concatBytes(central);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, Object.keys(entries).length, true);
  end.setUint16(10, Object.keys(entries).length, true);
  end.setUint32(12, cd.length, true);
  end.setUint32(16, offset, true);
  return concatBytes([...local, cd, new Uint8Array(end.buffer)]);
}

const folders = () => Object.fromEntries(Object.entries(classFolders()).map(([k, v]) => [k, v as Uint8Array]));

const builders: Record<string, () => Bomb> = {
  gzipZeros: () => ({ files: [{ name: 'data.csv.gz', bytes: gz(new Uint8Array(24 * MiB)) }], expect: REFUSE }),
  gzipIdx: () => {
    const head = encodeIdx('u8', [6, 28, 28], new Array(6 * 784).fill(3));
    const body = new Uint8Array(head.length + 8 * MiB);
    body.set(head);
    return { files: [{ name: 'train-images-idx3-ubyte.gz', bytes: gz(body) }, { name: 'train-labels-idx1-ubyte', bytes: encodeIdx('u8', [6], [0, 1, 0, 1, 0, 1]) }], expect: REFUSE };
  },
  gzipNpy: () => {
    const head = npy('<f4', [10, 3], new Array(30).fill(1));
    const body = new Uint8Array(head.length + 8 * MiB);
    body.set(head);
    return { files: [{ name: 'x.npy.gz', bytes: gz(body) }, { name: 'y.npy', bytes: npy('|u1', [10], [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]) }], expect: REFUSE };
  },
  gzipInGzip: () => ({ files: [{ name: 'twice.csv.gz', bytes: gz(gz(new Uint8Array(8 * MiB))) }], expect: REFUSE }),
  npzEntry: () => ({
    files: [{ name: 'big.npz', bytes: zipOf({ 'x.npy': concatBytes([npy('|u1', [10, 2 * MiB], []).subarray(0, 128), new Uint8Array(20 * MiB)]), 'y.npy': npy('|u1', [10], new Array(10).fill(0)) }) }],
    expect: REFUSE,
  }),
  pngTail: () => ({ files: [{ name: 'tail.zip', bytes: zipOf({ ...folders(), 'a/tail.png': concatBytes([png(8, 8, 1, () => 7), new Uint8Array(8 * MiB)]) }) }], expect: skip('a/tail.png') }),
  pngIdat: () => ({ files: [{ name: 'idat.zip', bytes: zipOf({ ...folders(), 'b/bomb.png': pngOf(8, 8, 8, 0, new Uint8Array(8 * MiB)) }) }], expect: skip('b/bomb.png') }),
  png16: () => {
    // The file: an all-zero 4096×4096 16-bit RGBA PNG (128 MiB decoded) in a zip of ~2 KB.
    const huge = pngOf(4096, 4096, 16, 6, new Uint8Array(4096 * (1 + 4096 * 8)));
    return { files: [{ name: 'deep.zip', bytes: zipOf({ ...folders(), 'a/huge.png': huge }) }], expect: skip('a/huge.png') };
  },
  jpegClaims: () => {
    const lie = jpeg(8, 8, () => 100).slice();
    const sof = lie.findIndex((b, i) => b === 0xff && lie[i + 1] === 0xc0);
    new DataView(lie.buffer).setUint16(sof + 5, 4096);
    new DataView(lie.buffer).setUint16(sof + 7, 4096);
    return { files: [{ name: 'claims.zip', bytes: zipOf({ ...folders(), 'b/lie.jpg': lie }) }], expect: skip('b/lie.jpg') };
  },
  archiveDecoded: () => {
    // 70 legal grey 4096×4096 PNGs, ~16 KiB each: 1.1 GiB decoded, past the 1 GiB per-archive budget.
    const big = pngOf(4096, 4096, 8, 0, new Uint8Array(4096 * 4097));
    const z: Record<string, Uint8Array> = {};
    for (let i = 0; i < 70; i++) z[`${'ab'[i % 2]}/${i}.png`] = big;
    return { files: [{ name: 'many.zip', bytes: zipOf(z) }], expect: REFUSE };
  },
  zipOverlap: () => {
    // Two directory records pointing at one local header: the classic overlapping-entry construction.
    const z = zipSync({ 'a/0.png': png(8, 8, 1, () => 1), 'b/0.png': png(8, 8, 1, () => 2) }, { level: 0 });
    const v = new DataView(z.buffer);
    const cd = v.getUint32(z.length - 22 + 16, true);
    const second = cd + 46 + v.getUint16(cd + 28, true) + v.getUint16(cd + 30, true) + v.getUint16(cd + 32, true);
    v.setUint32(second + 42, 0, true);
    return { files: [{ name: 'overlap.zip', bytes: z }], expect: REFUSE };
  },
  longCell: () => ({ files: [{ name: 'long.csv', bytes: enc(`a,b,label\n1,2,x\n3,${'9'.repeat(100_000)},y\n5,6,x\n`) }], expect: REFUSE }),
  manyClasses: () => ({ files: [{ name: 'many.csv', bytes: enc(['f,label', ...Array.from({ length: 4000 }, (_, i) => `${i},c${i % 2000}`)].join('\n')) }], expect: REFUSE }),
  deepJson: () => {
    const bytes = writeSafetensors([{ name: 'w', dtype: 'F32', shape: [1], data: new Float32Array([1]) }]);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = `{"deep":${'['.repeat(100_000)}${']'.repeat(100_000)},${new TextDecoder().decode(bytes.subarray(9, 8 + n))}`;
    const h = enc(header);
    const out = new Uint8Array(8 + h.length + 4);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    out.set(bytes.subarray(8 + n), 8 + h.length);
    return { files: [{ name: 'deep.safetensors', bytes: out }], expect: REFUSE };
  },
  deepIdatZlib: () => {
    // A PNG whose IDAT chunk is split in thousands of pieces around a zlib bomb: the check still meters it.
    const data = u8(deflateSync(new Uint8Array(8 * MiB)));
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < data.length; at += 7) chunks.push(pngChunk('IDAT', data.subarray(at, at + 7)));
    const p = png(8, 8, 1, () => 0);
    const bomb = concatBytes([p.subarray(0, 33), ...chunks, pngChunk('IEND', new Uint8Array(0))]);
    return { files: [{ name: 'pieces.zip', bytes: zipOf({ ...folders(), 'a/pieces.png': bomb }) }], expect: skip('a/pieces.png') };
  },
};

export const BOMB_KINDS = Object.keys(builders);
const cache = new Map<string, Bomb>();
/** Built bombs are kept here between runs (the 4096×4096 PNG alone takes seconds to deflate); bump the version when a builder changes. */
const DISK = fileURLToPath(new URL('../../node_modules/.cache/classifier-lab-fuzz-bombs/v1/', import.meta.url));

export function bomb(kind: string): Bomb {
  let b = cache.get(kind);
  if (!b) cache.set(kind, (b = fromDisk(kind) ?? toDisk(kind, builders[kind]())));
  return b;
}

function fromDisk(kind: string): Bomb | undefined {
  try {
    const meta = JSON.parse(readFileSync(`${DISK}${kind}.json`, 'utf8')) as { expect: Bomb['expect']; names: string[] };
    return { expect: meta.expect, files: meta.names.map((name, i) => ({ name, bytes: new Uint8Array(readFileSync(`${DISK}${kind}.${i}`)) })) };
  } catch {
    return undefined;
  }
}

function toDisk(kind: string, b: Bomb): Bomb {
  try {
    mkdirSync(DISK, { recursive: true });
    b.files.forEach((f, i) => writeFileSync(`${DISK}${kind}.${i}`, f.bytes));
    writeFileSync(`${DISK}${kind}.json`, JSON.stringify({ expect: b.expect, names: b.files.map((f) => f.name) }));
  } catch {
    // A read-only checkout builds them each run.
  }
  return b;
}
