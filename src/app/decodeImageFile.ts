// Decodes a user's file (picked, dropped or pasted) with the browser's own decoders into RGBA pixels, with a
// clear message for files that aren't images.
import type { RgbaImage } from '../predictions/rgbaImage';

/** Beyond this many pixels decoding would take hundreds of MB of memory (e.g. a 100-megapixel scan). */
const MAX_PIXELS = 64 * 1024 * 1024;

export class ImageDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageDecodeError';
  }
}

const describeFile = (file: Blob & { name?: string }) =>
  `“${file.name ?? 'The pasted data'}”${file.type ? ` (${file.type})` : ''}`;

export async function decodeImageFile(file: Blob & { name?: string }): Promise<RgbaImage> {
  let bitmap: ImageBitmap;
  try {
    // No colour-space conversion and straight alpha: the pixels the file holds, as diffusers' PIL would read them.
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image' });
  } catch {
    throw new ImageDecodeError(
      `${describeFile(file)} is not an image this browser can read. Choose a PNG, JPEG, WebP, GIF, AVIF or BMP file.`,
    );
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PIXELS) {
      throw new ImageDecodeError(`${describeFile(file)} is ${width}×${height}: too large to edit here (at most 64 megapixels).`);
    }
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, width, height);
    return { width, height, data };
  } finally {
    bitmap.close();
  }
}

/** The first image-like file of a drop or paste, if any. */
export function firstFile(items: DataTransfer | null): File | null {
  return items?.files[0] ?? null;
}
