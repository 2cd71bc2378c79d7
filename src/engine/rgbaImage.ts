// The engine's pixel type (RGBA bytes, the DOM ImageData layout) and its shape checks. Kept apart from image.ts
// so the resize and mask modules can use it without importing the module that re-exports them.
import { EngineError } from './errors';

import type { RgbaImage } from '../predictions/rgbaImage';

export type { RgbaImage };

/** Throws unless `width` x `height` is a positive integer size. */
export function checkSize(width: number, height: number, what: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new EngineError('invalid_input', `${what} must be positive integers, got ${width}x${height}.`);
  }
}

/** Throws unless `image` is a well-formed RgbaImage (positive integer size, 4 bytes per pixel). */
export function checkImage(image: RgbaImage, what: string): void {
  const { width, height, data } = image;
  checkSize(width, height, `${what}'s width and height`);
  if (data.length !== width * height * 4) {
    throw new EngineError(
      'invalid_input',
      `${what} is ${width}x${height} and needs ${width * height * 4} RGBA bytes, got ${data.length}.`,
    );
  }
}
