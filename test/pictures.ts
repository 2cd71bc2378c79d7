// Test pictures built from code: a picture with gradients and shapes, and rectangle masks (white = repaint).
import type { RgbaImage } from '../src/engine/image';

/** A test picture: smooth colour gradients with a few shapes, so resizing and inpainting have something to keep. */
export function testPicture(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const inCircle = (x - width / 3) ** 2 + (y - height / 2) ** 2 < (Math.min(width, height) / 5) ** 2;
      data[i] = inCircle ? 230 : Math.round((255 * x) / width);
      data[i + 1] = inCircle ? 40 : Math.round((255 * y) / height);
      data[i + 2] = (x >> 3) % 2 === (y >> 3) % 2 ? 200 : 60;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

/** A black mask with a white (repaint) rectangle [x0, x1) x [y0, y1). */
export function rectangleMask(width: number, height: number, x0: number, y0: number, x1: number, y1: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const white = x >= x0 && x < x1 && y >= y0 && y < y1 ? 255 : 0;
      data[i] = data[i + 1] = data[i + 2] = white;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}
