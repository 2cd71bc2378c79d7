// Checks the Lanczos resize on images whose correct result is known without a reference implementation
// (constants, checkerboards, ramps) and the aspect-preserving size choice of fitWithin.
import { describe, expect, it } from 'vitest';
import { fitWithin, resizeImage } from './imageResize';
import type { RgbaImage } from './rgbaImage';

function makeImage(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, data };
}

describe('resizeImage', () => {
  it('keeps a constant image constant when shrinking, enlarging and at odd ratios', () => {
    const constant = makeImage(37, 23, () => [200, 13, 77, 255]);
    for (const [w, h] of [[10, 7], [100, 61], [37, 50], [5, 23], [1, 1], [37, 23]]) {
      const out = resizeImage(constant, w, h);
      expect(out.width).toBe(w);
      expect(out.height).toBe(h);
      expect(out.data.length).toBe(w * h * 4);
      for (let p = 0; p < w * h; p++) expect(Array.from(out.data.subarray(p * 4, p * 4 + 4))).toEqual([200, 13, 77, 255]);
    }
  });

  // Away from the border (3 * factor input pixels, the stretched Lanczos3 support) every output pixel sees a
  // full, symmetric window; at the border PIL's scheme truncates the window, so only closeness is asked there.
  it('averages a one-pixel checkerboard to mid-grey when shrinking by 2 and by 4', () => {
    const board = makeImage(64, 48, (x, y) => ((x + y) % 2 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    for (const factor of [2, 4]) {
      const out = resizeImage(board, 64 / factor, 48 / factor);
      for (let y = 0; y < out.height; y++) {
        for (let x = 0; x < out.width; x++) {
          const value = out.data[(y * out.width + x) * 4];
          const interior = x >= 3 && x < out.width - 3 && y >= 3 && y < out.height - 3;
          // Symmetric taps pair each black pixel with a white one: the exact value is 127.5.
          expect(Math.abs(value - 127.5)).toBeLessThanOrEqual(interior ? 0.5 : 8);
        }
      }
    }
  });

  it('shrinks a block pattern to the block averages instead of sampling single pixels', () => {
    // Columns 0,1 of every 4 are dark and 2,3 light: each 4x4 block's mean is 120, whatever the phase.
    const stripes = makeImage(32, 32, (x) => (x % 4 < 2 ? [40, 40, 40, 255] : [200, 200, 200, 255]));
    const out = resizeImage(stripes, 8, 8);
    for (let y = 0; y < 8; y++) for (const x of [3, 4]) expect(Math.abs(out.data[(y * 8 + x) * 4] - 120)).toBeLessThanOrEqual(1);
  });

  it('enlarges a horizontal ramp into a ramp that never decreases, keeping the end values', () => {
    const ramp = makeImage(16, 4, (x) => [x * 17, 0, 0, 255]);
    const out = resizeImage(ramp, 64, 8);
    for (let y = 0; y < 8; y++) {
      const row = Array.from({ length: 64 }, (_, x) => out.data[(y * 64 + x) * 4]);
      for (let x = 1; x < 64; x++) expect(row[x]).toBeGreaterThanOrEqual(row[x - 1]);
      expect(row[0]).toBeLessThanOrEqual(3);
      expect(row[63]).toBeGreaterThanOrEqual(252);
    }
  });

  it('clamps Lanczos overshoot at hard edges into 0..255', () => {
    const edge = makeImage(8, 1, (x) => (x < 4 ? [0, 0, 0, 255] : [255, 255, 255, 255]));
    const out = resizeImage(edge, 29, 1);
    // Output pixel 10 sits at input x = 2.9, where the negative lobe over the white side gives about -0.1 * 255;
    // pixel 17 (x = 4.8) overshoots above 255. Wrapping instead of clamping would turn them near-white/near-black.
    expect(out.data[10 * 4]).toBe(0);
    expect(out.data[17 * 4]).toBe(255);
  });

  it('rejects invalid target sizes', () => {
    const image = makeImage(2, 2, () => [0, 0, 0, 255]);
    expect(() => resizeImage(image, 0, 4)).toThrow(/positive integers, got 0x4/);
    expect(() => resizeImage(image, 2.5, 4)).toThrow(/positive integers/);
  });
});

describe('fitWithin', () => {
  it('shrinks the longer side to maxSide and keeps the aspect ratio', () => {
    expect(fitWithin(4000, 3000, 768, 64)).toEqual({ width: 768, height: 576 });
    expect(fitWithin(3000, 4000, 768, 64)).toEqual({ width: 576, height: 768 });
    expect(fitWithin(1920, 1080, 1024, 8)).toEqual({ width: 1024, height: 576 });
    expect(fitWithin(1000, 1000, 768, 64)).toEqual({ width: 768, height: 768 });
  });

  it('rounds each side down to the multiple', () => {
    // 1080 * 768 / 1920 = 432, rounded down to a multiple of 64.
    expect(fitWithin(1920, 1080, 768, 64)).toEqual({ width: 768, height: 384 });
    expect(fitWithin(1001, 999, 2048, 8)).toEqual({ width: 1000, height: 992 });
  });

  it('never enlarges, and never goes below one multiple', () => {
    expect(fitWithin(300, 200, 768, 64)).toEqual({ width: 256, height: 192 });
    expect(fitWithin(5000, 100, 768, 64)).toEqual({ width: 768, height: 64 });
    expect(fitWithin(20, 20, 512, 64)).toEqual({ width: 64, height: 64 });
  });

  it('rejects sizes and limits that cannot be met', () => {
    expect(() => fitWithin(0, 10, 512, 64)).toThrow(/positive integers/);
    expect(() => fitWithin(10, 10, 32, 64)).toThrow(/multiple <= maxSide/);
  });
});
