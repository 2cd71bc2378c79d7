// An inpainting mask as the remote APIs read it: an opaque black/white image, white = repaint. The studio's mask
// may carry alpha (transparent = not painted), so it is composited over black first — transparent becomes keep —
// and then thresholded at 50% luminance, with the luma PIL's convert("L") uses (ITU-R 601-2, as the engine does).
import type { RgbaImage } from '../../predictions/rgbaImage';

/** L = (19595 R + 38470 G + 7471 B + 2^15) >> 16, PIL's fixed-point 601-2 luma; repaint where L >= 128 (50%). */
const REPAINT_FROM_LUMA = 128;

export function flattenMask(mask: RgbaImage): RgbaImage {
  const { width, height, data } = mask;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < out.length; p += 4) {
    const alpha = data[p + 3];
    // Over black: each channel times its opacity (rounded), so a half-transparent white counts as 50% grey.
    const r = Math.round((data[p] * alpha) / 255);
    const g = Math.round((data[p + 1] * alpha) / 255);
    const b = Math.round((data[p + 2] * alpha) / 255);
    const luma = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    const value = luma >= REPAINT_FROM_LUMA ? 255 : 0;
    out[p] = value;
    out[p + 1] = value;
    out[p + 2] = value;
    out[p + 3] = 255;
  }
  return { width, height, data: out };
}
