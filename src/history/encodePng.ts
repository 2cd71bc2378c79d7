// RgbaImage -> PNG Blob: 8-bit RGB when every pixel is opaque (else RGBA), adaptive per-row filtering, zlib via
// CompressionStream, and text chunks placed before IDAT as PIL places them (so streaming readers meet them early).
import { checkImage, type RgbaImage } from '../engine';
import { deflate, frameChunk, PNG_SIGNATURE, textChunk } from './pngChunks';
import { formatParameters, type GenerationParameters } from './pngParameters';

const COLOR_TYPE_RGB = 2;
const COLOR_TYPE_RGBA = 6;

/** The pixels as packed scanline bytes: RGB when every alpha is 255 (a quarter smaller), else RGBA as given. */
function packPixels(image: RgbaImage): { bytes: Uint8Array; channels: 3 | 4 } {
  const { data } = image;
  let opaque = true;
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] !== 255) {
      opaque = false;
      break;
    }
  }
  if (!opaque) return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.length), channels: 4 };
  const rgb = new Uint8Array((data.length / 4) * 3);
  for (let p = 0, q = 0; p < data.length; p += 4, q += 3) {
    rgb[q] = data[p];
    rgb[q + 1] = data[p + 1];
    rgb[q + 2] = data[p + 2];
  }
  return { bytes: rgb, channels: 3 };
}

/** PNG spec 9.4: the neighbour (left a, above b, upper-left c) closest to a + b - c, ties to a, then b. */
function paethPredictor(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** A filtered byte read as signed: its magnitude is what the adaptive filter choice sums. */
function cost(residual: number): number {
  const v = residual & 0xff;
  return v < 128 ? v : 256 - v;
}

/**
 * The filter type (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth) whose residuals have the smallest sum of magnitudes:
 * the "minimum sum of absolute differences" heuristic of libpng and the PNG spec's recommendation (12.8).
 */
function chooseFilter(row: Uint8Array, prior: Uint8Array, bpp: number): number {
  let none = 0, sub = 0, up = 0, average = 0, paeth = 0;
  for (let i = 0; i < row.length; i++) {
    const x = row[i];
    const a = i >= bpp ? row[i - bpp] : 0;
    const b = prior[i];
    const c = i >= bpp ? prior[i - bpp] : 0;
    none += cost(x);
    sub += cost(x - a);
    up += cost(x - b);
    average += cost(x - ((a + b) >> 1));
    paeth += cost(x - paethPredictor(a, b, c));
  }
  const sums = [none, sub, up, average, paeth];
  let best = 0;
  for (let type = 1; type < 5; type++) if (sums[type] < sums[best]) best = type;
  return best;
}

/** Writes `row` filtered with `type` into `out` from `offset`, after the type byte (PNG spec 9.2). */
function writeFiltered(type: number, row: Uint8Array, prior: Uint8Array, bpp: number, out: Uint8Array, offset: number): void {
  out[offset - 1] = type;
  const n = row.length;
  // The Uint8Array stores wrap each residual modulo 256, as the spec's filter arithmetic does.
  switch (type) {
    case 0:
      out.set(row, offset);
      break;
    case 1:
      for (let i = 0; i < n; i++) out[offset + i] = row[i] - (i >= bpp ? row[i - bpp] : 0);
      break;
    case 2:
      for (let i = 0; i < n; i++) out[offset + i] = row[i] - prior[i];
      break;
    case 3:
      for (let i = 0; i < n; i++) out[offset + i] = row[i] - (((i >= bpp ? row[i - bpp] : 0) + prior[i]) >> 1);
      break;
    default:
      for (let i = 0; i < n; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const c = i >= bpp ? prior[i - bpp] : 0;
        out[offset + i] = row[i] - paethPredictor(a, prior[i], c);
      }
  }
}

/** Every scanline prefixed with its filter type byte; the row above the first is zeros (spec 9.2). */
function filterScanlines(bytes: Uint8Array, width: number, height: number, channels: number): Uint8Array {
  const stride = width * channels;
  const out = new Uint8Array(height * (stride + 1));
  let prior: Uint8Array = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = bytes.subarray(y * stride, (y + 1) * stride);
    writeFiltered(chooseFilter(row, prior, channels), row, prior, channels, out, y * (stride + 1) + 1);
    prior = row;
  }
  return out;
}

function headerChunk(width: number, height: number, colorType: number): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  // bit depth 8, colour type, compression 0 (zlib), filter method 0 (adaptive), interlace 0 (none)
  data.set([8, colorType, 0, 0, 0], 8);
  return frameChunk({ type: 'IHDR', data });
}

/**
 * Encodes `image` as a PNG with one text chunk per `text` entry (tEXt when Latin-1, else UTF-8 iTXt). Throws
 * EngineError('invalid_input') for a malformed image and PngFormatError for an invalid text keyword.
 */
export async function encodePng(image: RgbaImage, text: Record<string, string> = {}): Promise<Blob> {
  checkImage(image, 'The image to encode');
  const { bytes, channels } = packPixels(image);
  const textChunks = Object.entries(text).map(([keyword, value]) => frameChunk(textChunk(keyword, value)));
  const compressed = await deflate(filterScanlines(bytes, image.width, image.height, channels));
  return new Blob(
    [
      PNG_SIGNATURE,
      headerChunk(image.width, image.height, channels === 3 ? COLOR_TYPE_RGB : COLOR_TYPE_RGBA),
      ...textChunks,
      frameChunk({ type: 'IDAT', data: compressed }),
      frameChunk({ type: 'IEND', data: new Uint8Array(0) }),
    ],
    { type: 'image/png' },
  );
}

/** An output image as a PNG carrying its A1111 `parameters` text; `Size` is the image's own size. */
export function encodePredictionPng(image: RgbaImage, params: GenerationParameters): Promise<Blob> {
  const settings = { ...params.settings, width: image.width, height: image.height };
  return encodePng(image, { parameters: formatParameters({ ...params, settings }) });
}
