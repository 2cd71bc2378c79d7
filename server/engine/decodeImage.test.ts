// Input images to RGBA pixels: PNG (the project's own encoder), JPEG (jpeg-js) and WebP (libwebp as WASM), with the
// format read from the bytes and oversized or foreign data refused naming the field.
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../../src/history/encodePng';
import { decodeImage, ImageDecodeError, sniffImageFormat } from './decodeImage';

const WEBP_1x1 = Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');

function flat(width: number, height: number, rgba: number[]) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return { width, height, data };
}

describe('decodeImage', () => {
  it('decodes a PNG to the same pixels', async () => {
    const image = flat(3, 2, [10, 20, 30, 255]);
    const png = new Uint8Array(await (await encodePng(image)).arrayBuffer());
    expect(await decodeImage('image', png, 1e6)).toEqual(image);
  });

  it('decodes a JPEG to RGBA, close to its colour', async () => {
    const encoded = jpeg.encode({ width: 8, height: 8, data: Buffer.from(flat(8, 8, [200, 100, 50, 255]).data) }, 95).data;
    const decoded = await decodeImage('image', new Uint8Array(encoded), 1e6);
    expect([decoded.width, decoded.height, decoded.data.length]).toEqual([8, 8, 256]);
    expect(Math.abs(decoded.data[0] - 200) + Math.abs(decoded.data[1] - 100) + Math.abs(decoded.data[2] - 50)).toBeLessThan(12);
    expect(decoded.data[3]).toBe(255);
  });

  it('decodes a WebP', async () => {
    const decoded = await decodeImage('mask', new Uint8Array(WEBP_1x1), 1e6);
    expect([decoded.width, decoded.height, decoded.data.length]).toEqual([1, 1, 4]);
  });

  it('refuses foreign data and images over the pixel limit before decoding them', async () => {
    expect(sniffImageFormat(new TextEncoder().encode('%PDF-1.4'))).toBeNull();
    await expect(decodeImage('image', new TextEncoder().encode('%PDF-1.4 ...'), 1e6)).rejects.toThrow('image: expected a PNG, JPEG or WebP image, got data that is none of them');
    const png = new Uint8Array(await (await encodePng(flat(40, 30, [0, 0, 0, 255]))).arrayBuffer());
    await expect(decodeImage('mask', png, 1000)).rejects.toThrow(new ImageDecodeError('mask: expected at most 1000 pixels, got 40x30'));
  });
});
