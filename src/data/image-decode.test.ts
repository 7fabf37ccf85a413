// PNG/JPEG decoding to 8-bit grey or RGB, and header-only size reading for the pixel budget.
import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodePixels } from './image-decode';
import { readImageHeader } from './image-header';
import { jpeg, png } from './fixtures/make';

const decode = (b: Uint8Array) => decodePixels(b, readImageHeader(b)!);

describe('readImageHeader', () => {
  it('reads sizes and greyness without decoding', () => {
    expect(readImageHeader(png(7, 5, 1, () => 0))).toMatchObject({ kind: 'png', width: 7, height: 5, grey: true });
    expect(readImageHeader(png(7, 5, 3, () => 0))).toMatchObject({ kind: 'png', width: 7, height: 5, grey: false });
    expect(readImageHeader(jpeg(9, 4, () => 0))).toMatchObject({ kind: 'jpeg', width: 9, height: 4, grey: false });
    const webp = new Uint8Array(30);
    webp.set(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8L'));
    webp[20] = 0x2f;
    new DataView(webp.buffer).setUint32(21, 99 | (49 << 14), true);
    expect(readImageHeader(webp)).toMatchObject({ kind: 'webp', width: 100, height: 50, grey: false });
    expect(readImageHeader(new TextEncoder().encode('hello, world, not an image'))).toBeNull();
  });
});

describe('decodePixels', () => {
  it('decodes grey, grey+alpha, RGB and RGBA PNGs (alpha dropped)', async () => {
    const g = await decode(png(3, 2, 1, (x, y) => 10 * x + 100 * y));
    expect([g.channels, Array.from(g.data)]).toEqual([1, [0, 10, 20, 100, 110, 120]]);
    const ga = await decode(png(2, 1, 2, (x, _y, c) => (c === 0 ? 50 + x : 7)));
    expect([ga.channels, Array.from(ga.data)]).toEqual([1, [50, 51]]);
    const rgba = await decode(png(2, 1, 4, (x, _y, c) => (c === 3 ? 0 : 10 * c + x)));
    expect([rgba.channels, Array.from(rgba.data)]).toEqual([3, [0, 10, 20, 1, 11, 21]]);
  });

  it('decodes 16-bit, 1-bit and palette PNGs to bytes', async () => {
    const p16 = encodePng({ width: 2, height: 1, depth: 16, channels: 1, data: Uint16Array.from([0x1234, 0xff00]) });
    expect(Array.from((await decode(p16)).data)).toEqual([0x12, 0xff]);
    // 1-bit grey, 3 pixels per row, rows padded to a byte: 101 / 010.
    const p1 = encodePng({ width: 3, height: 2, depth: 1, channels: 1, data: Uint8Array.from([0b10100000, 0b01000000]) });
    expect(Array.from((await decode(p1)).data)).toEqual([255, 0, 255, 0, 255, 0]);
    const pal = encodePng({ width: 2, height: 1, depth: 8, channels: 1, data: Uint8Array.from([1, 0]), palette: [[255, 0, 0], [0, 0, 255]] });
    const d = await decode(pal);
    expect([d.channels, Array.from(d.data)]).toEqual([3, [0, 0, 255, 255, 0, 0]]);
  });

  it('decodes a JPEG to RGB', async () => {
    const d = await decode(jpeg(8, 8, (_x, _y, c) => (c === 0 ? 255 : 0)));
    expect([d.width, d.height, d.channels]).toEqual([8, 8, 3]);
    expect(d.data[0]).toBeGreaterThan(240);
    expect(d.data[1]).toBeLessThan(15);
  });

  it('says WebP needs the browser decoder when none is given', async () => {
    const webp = new Uint8Array(30);
    webp.set(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8L'));
    webp[20] = 0x2f;
    await expect(decodePixels(webp, readImageHeader(webp)!)).rejects.toThrow(/WEBP needs the browser's image decoder \(the CLI decodes only PNG and JPEG\)/);
  });

  it('fails on a corrupt PNG body', async () => {
    const b = png(8, 8, 1, (x) => x * 30).slice();
    b[b.length - 20] ^= 0xff;
    await expect(decode(b)).rejects.toThrow();
  });
});
