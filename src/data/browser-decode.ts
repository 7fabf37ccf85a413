// The browser's decoder for image kinds the pure-JS path lacks (WebP, GIF, BMP): createImageBitmap plus
// an OffscreenCanvas, usable in a worker. Pass it as `decodeImage` to loadFiles in the browser only.

import type { ExternalDecoder } from './image-decode';

export const browserImageDecoder: ExternalDecoder = async (bytes, kind) => {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: `image/${kind}` });
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context for decoding');
    ctx.drawImage(bitmap, 0, 0);
    const img = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    return { width: img.width, height: img.height, data: img.data };
  } finally {
    bitmap.close();
  }
};
