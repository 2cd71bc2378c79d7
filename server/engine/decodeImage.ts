// Input image bytes (PNG, JPEG or WebP, as API callers send them) to the RGBA pixels the engine takes. pngjs and
// jpeg-js are pure JavaScript and libwebp comes as WASM (@jsquash/webp), so the server needs no native image library.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { RgbaImage } from '../../src/engine';
import { imageSize, type WireImageFormat } from '../../src/predictions/wireImages';

export class ImageDecodeError extends Error {
  readonly code = 'invalid_image';
  constructor(message: string) {
    super(message);
    this.name = 'ImageDecodeError';
  }
}

/** The format the bytes' signature says, whatever a URL's extension or a server's Content-Type claimed. */
export function sniffImageFormat(bytes: Uint8Array): WireImageFormat | null {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'jpeg';
  const ascii = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length >= 12 && ascii(0) === 'RIFF' && ascii(8) === 'WEBP') return 'webp';
  return null;
}

let webpDecoder: Promise<(buffer: ArrayBuffer) => Promise<ImageData>> | undefined;

/** @jsquash/webp fetches its .wasm by URL, which Node's fetch cannot do for files: compile it from disk instead. */
function loadWebpDecoder(): Promise<(buffer: ArrayBuffer) => Promise<ImageData>> {
  webpDecoder ??= (async () => {
    const codec = await import('@jsquash/webp/decode.js');
    const wasmPath = createRequire(import.meta.url).resolve('@jsquash/webp/codec/dec/webp_dec.wasm');
    await codec.init(await WebAssembly.compile(await readFile(wasmPath)));
    return codec.default;
  })();
  return webpDecoder;
}

const toRgba = (width: number, height: number, data: ArrayLike<number> & ArrayBufferView): RgbaImage => ({
  width,
  height,
  data: new Uint8ClampedArray(data.buffer.slice(data.byteOffset, data.byteOffset + width * height * 4)),
});

/** Decodes `bytes` for the field `field` ("image", "mask"); refuses other formats and images over `maxPixels`. */
export async function decodeImage(field: string, bytes: Uint8Array, maxPixels: number): Promise<RgbaImage> {
  const format = sniffImageFormat(bytes);
  if (!format) throw new ImageDecodeError(`${field}: expected a PNG, JPEG or WebP image, got data that is none of them`);
  const size = imageSize(format, bytes);
  if (!size) throw new ImageDecodeError(`${field}: expected a well-formed ${format.toUpperCase()} image, got a damaged header`);
  if (size.width * size.height > maxPixels) {
    throw new ImageDecodeError(`${field}: expected at most ${maxPixels} pixels, got ${size.width}x${size.height}`);
  }
  try {
    if (format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return toRgba(png.width, png.height, png.data);
    }
    if (format === 'jpeg') {
      const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: 1024 });
      return toRgba(decoded.width, decoded.height, decoded.data);
    }
    const decode = await loadWebpDecoder();
    const webp = await decode(bytes.slice().buffer);
    return toRgba(webp.width, webp.height, webp.data);
  } catch (error) {
    throw new ImageDecodeError(`${field}: the ${format.toUpperCase()} image could not be decoded (${(error as Error).message})`);
  }
}
