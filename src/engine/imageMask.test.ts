// Checks mask preparation against diffusers' rules worked out by hand (grey conversion, binarisation at 0.5,
// nearest downsampling to the latent grid, `image * (mask < 0.5)`) and the inward-only feather + composite.
import { describe, expect, it } from 'vitest';
import { compositeWithMask, featherMask, maskToLatentMask, maskToPixelMask, maskedImageTensor } from './imageMask';
import type { RgbaImage } from './rgbaImage';

function makeImage(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, data };
}

const WHITE: [number, number, number, number] = [255, 255, 255, 255];
const BLACK: [number, number, number, number] = [0, 0, 0, 255];

describe('maskToPixelMask', () => {
  it('binarises the grey level at 0.5: 127 keeps, 128 repaints', () => {
    const greys = [0, 127, 128, 255];
    const mask = makeImage(4, 1, (x) => [greys[x], greys[x], greys[x], 255]);
    expect(Array.from(maskToPixelMask(mask, 4, 1))).toEqual([0, 0, 1, 1]);
  });

  it('uses ITU-R 601 luma like PIL convert("L") and ignores alpha', () => {
    // Luma of pure red is 0.299 * 255 = 76 and of pure green 0.587 * 255 = 150; yellow is 225.
    const colours: [number, number, number, number][] = [[255, 0, 0, 255], [0, 255, 0, 255], [255, 255, 0, 0], [0, 0, 0, 0]];
    const mask = makeImage(4, 1, (x) => colours[x]);
    expect(Array.from(maskToPixelMask(mask, 4, 1))).toEqual([0, 1, 1, 0]);
  });

  it('resizes a mask of another size to the requested size before binarising', () => {
    const leftHalf = makeImage(16, 16, (x) => (x < 8 ? WHITE : BLACK));
    const out = maskToPixelMask(leftHalf, 32, 8);
    expect(out.length).toBe(32 * 8);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 32; x++) expect(out[y * 32 + x]).toBe(x < 16 ? 1 : 0);
  });
});

describe('maskToLatentMask', () => {
  it('shrinks a half-white mask to a half-one latent mask', () => {
    const rightHalf = makeImage(64, 48, (x) => (x >= 32 ? WHITE : BLACK));
    const latent = maskToLatentMask(rightHalf, 8, 6);
    expect(latent.length).toBe(48);
    for (let y = 0; y < 6; y++) for (let x = 0; x < 8; x++) expect(latent[y * 8 + x]).toBe(x >= 4 ? 1 : 0);
  });

  it('samples the top-left pixel of each 8x8 cell, as torch nearest interpolation does', () => {
    // White from x = 12 and y = 4: cell column 1 spans pixels 8..15 but its top-left pixel (8) is black; cell
    // row 0 spans 0..7 with its top-left pixel (0) black. An area average would make these cells partly set.
    const mask = makeImage(32, 32, (x, y) => (x >= 12 && y >= 4 ? WHITE : BLACK));
    const latent = maskToLatentMask(mask, 4, 4);
    const expected = [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1];
    expect(Array.from(latent)).toEqual(expected);
  });
});

describe('maskedImageTensor', () => {
  it('zeroes the pixels to repaint in every channel and keeps the rest', () => {
    const image = Float32Array.from([0.5, -0.25, 1, -1, 0.1, 0.2, 0.3, 0.4, -0.5, -0.6, -0.7, -0.8]);
    const mask = Float32Array.from([0, 1, 0, 1]);
    // torch multiplies by the 0/1 keep mask, so a negative pixel becomes -0 (toEqual tells -0 from 0).
    const expected = [0.5, -0, 1, -0, 0.1, 0, 0.3, 0, -0.5, -0, -0.7, -0].map(Math.fround);
    expect(Array.from(maskedImageTensor(image, mask))).toEqual(expected);
  });

  it('rejects a mask of another size', () => {
    expect(() => maskedImageTensor(new Float32Array(12), new Float32Array(3))).toThrow(/3 values per mask pixel \(9\), got 12/);
  });
});

describe('featherMask', () => {
  const size = 64;
  // A white square from 16 to 47 on black: distances from the square's edge are easy to compute.
  const square = makeImage(size, size, (x, y) => (x >= 16 && x < 48 && y >= 16 && y < 48 ? WHITE : BLACK));
  const inside = (x: number, y: number) => x >= 16 && x < 48 && y >= 16 && y < 48;
  const depth = (x: number, y: number) => Math.min(x - 16, 47 - x, y - 16, 47 - y);

  it('is exactly 0 on every black pixel, so nothing outside the mask changes', () => {
    const soft = featherMask(square, 4);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (!inside(x, y)) expect(soft[y * size + x]).toBe(0);
  });

  it('is exactly 1 deeper inside than the blur reaches, and in between near the edge', () => {
    const radius = 4;
    const soft = featherMask(square, radius);
    // Three boxes of width <= sqrt(4 sigma^2 + 1) + 2 reach at most 3 * radius + 3 pixels.
    const reach = 3 * radius + 3;
    for (let y = 16; y < 48; y++) {
      for (let x = 16; x < 48; x++) {
        const m = soft[y * size + x];
        if (depth(x, y) > reach) expect(m).toBe(1);
        expect(m).toBeGreaterThan(0);
        expect(m).toBeLessThanOrEqual(1);
      }
    }
    // On the edge the blurred step is about one half (Gaussian CDF at half a pixel); it rises inward.
    const row = Array.from({ length: 16 }, (_, i) => soft[32 * size + 16 + i]);
    expect(row[0]).toBeGreaterThan(0.45);
    expect(row[0]).toBeLessThan(0.7);
    for (let i = 1; i < 16; i++) expect(row[i]).toBeGreaterThanOrEqual(row[i - 1]);
    expect(row[2]).toBeLessThan(1);
  });

  it('is the binary mask when the radius is 0', () => {
    const soft = featherMask(square, 0);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) expect(soft[y * size + x]).toBe(inside(x, y) ? 1 : 0);
  });

  it('stays 1 at the image border when the mask touches it', () => {
    const all = featherMask(makeImage(8, 8, () => WHITE), 3);
    expect(Array.from(all)).toEqual(new Array(64).fill(1));
  });

  it('rejects a negative or huge radius', () => {
    expect(() => featherMask(square, -1)).toThrow(/between 0 and 128 pixels, got -1/);
    expect(() => featherMask(square, NaN)).toThrow(/got NaN/);
  });
});

describe('compositeWithMask', () => {
  const original = makeImage(16, 16, (x, y) => [x * 13, y * 11, (x * y) % 256, 200 + (x % 3)]);
  const generated = makeImage(16, 16, (x, y) => [255 - x, 7 * y, 99, 255]);

  it('keeps the original bytes where the mask is 0 and takes the generated ones where it is 1', () => {
    const mask = new Float32Array(256);
    for (let p = 0; p < 256; p++) mask[p] = p % 3 === 0 ? 0 : p % 3 === 1 ? 1 : 0.5;
    const out = compositeWithMask(original, generated, mask);
    for (let p = 0; p < 256; p++) {
      const o = Array.from(original.data.subarray(p * 4, p * 4 + 4));
      const g = Array.from(generated.data.subarray(p * 4, p * 4 + 4));
      const got = Array.from(out.data.subarray(p * 4, p * 4 + 4));
      if (mask[p] === 0) expect(got).toEqual(o);
      else if (mask[p] === 1) expect(got).toEqual(g);
      else got.forEach((v, c) => expect(Math.abs(v - (o[c] + g[c]) / 2)).toBeLessThanOrEqual(0.5));
    }
  });

  it('with a feathered mask, leaves every pixel outside the painted area untouched', () => {
    const painted = makeImage(16, 16, (x, y) => (x >= 4 && x < 12 && y >= 4 && y < 12 ? WHITE : BLACK));
    const out = compositeWithMask(original, generated, featherMask(painted, 2));
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) {
        if (x >= 4 && x < 12 && y >= 4 && y < 12) continue;
        const q = (y * 16 + x) * 4;
        expect(Array.from(out.data.subarray(q, q + 4))).toEqual(Array.from(original.data.subarray(q, q + 4)));
      }
    }
  });

  it('rejects images and masks of different sizes', () => {
    expect(() => compositeWithMask(original, makeImage(8, 16, () => WHITE), new Float32Array(256))).toThrow(/at one size/);
    expect(() => compositeWithMask(original, generated, new Float32Array(255))).toThrow(/255 values/);
  });
});
