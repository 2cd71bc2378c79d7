// Masks flattened for the remote APIs: composited over black (transparent = keep), white where luma >= 50%.
import { describe, expect, it } from 'vitest';
import { flattenMask } from './flattenMask';

const pixels = (...rgba: number[][]) => ({ width: rgba.length, height: 1, data: new Uint8ClampedArray(rgba.flat()) });

describe('flattenMask', () => {
  it('keeps transparent pixels whatever their colour, repaints opaque white, and is opaque everywhere', () => {
    const out = flattenMask(pixels([255, 255, 255, 0], [255, 255, 255, 255], [0, 0, 0, 255], [255, 0, 0, 255]));
    expect(Array.from(out.data)).toEqual([0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255]);
  });

  it('thresholds at 50% luminance after compositing: half-transparent white and grey 128 repaint, 127 keeps', () => {
    const out = flattenMask(pixels([255, 255, 255, 128], [255, 255, 255, 127], [128, 128, 128, 255], [127, 127, 127, 255]));
    expect([out.data[0], out.data[4], out.data[8], out.data[12]]).toEqual([255, 0, 255, 0]);
  });
});
