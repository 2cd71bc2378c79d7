// Output files to pixels where the environment can decode images (a browser or worker: createImageBitmap and
// OffscreenCanvas); elsewhere (Node) there is nothing to decode with and the blobs are the result.
import type { RgbaImage } from '../../predictions/rgbaImage';

export const canDecodeImages = (): boolean => typeof createImageBitmap === 'function' && typeof OffscreenCanvas === 'function';

/** Decoded pixels, or a reason why there are none (no decoder here, or a file that is not an image). */
export async function decodeImages(blobs: readonly Blob[]): Promise<{ images?: RgbaImage[]; problem?: string }> {
  if (!canDecodeImages()) return {};
  try {
    const images: RgbaImage[] = [];
    for (const blob of blobs) {
      // The exact bytes: no colour management, no premultiplication (which would round semi-transparent pixels).
      const bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d');
      if (!context) throw new Error('no 2D canvas context');
      context.drawImage(bitmap, 0, 0);
      bitmap.close();
      const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
      images.push({ width, height, data });
    }
    return { images };
  } catch (error) {
    return { problem: `The outputs could not be decoded: ${(error as Error).message}` };
  }
}
