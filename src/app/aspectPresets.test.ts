// Aspect presets land on the model's grid and limits and keep about its default area.
import { describe, expect, it } from 'vitest';
import { ASPECT_PRESETS, presetSize } from './aspectPresets';

const SIZE = { min: 64, max: 1024, integer: true, multipleOf: 64 };

describe('presetSize', () => {
  it('keeps about the default area on a grid of 64', () => {
    expect(presetSize(1, 768 * 768, { width: SIZE, height: SIZE })).toEqual({ width: 768, height: 768 });
    expect(presetSize(16 / 9, 512 * 512, { width: SIZE, height: SIZE })).toEqual({ width: 704, height: 384 });
    expect(presetSize(2 / 3, 512 * 512, { width: SIZE, height: SIZE })).toEqual({ width: 448, height: 640 });
    for (const { ratio } of ASPECT_PRESETS) {
      const size = presetSize(ratio, 768 * 768, { width: SIZE, height: SIZE })!;
      expect(size.width % 64).toBe(0);
      expect(size.height % 64).toBe(0);
      expect(size.width * size.height).toBeGreaterThan(0.8 * 768 * 768);
      expect(size.width * size.height).toBeLessThan(1.2 * 768 * 768);
    }
  });

  it('offers nothing a fixed-size model refuses', () => {
    const fixed = { min: 512, max: 512, integer: true, multipleOf: 64 };
    expect(presetSize(1, 512 * 512, { width: fixed, height: fixed })).toEqual({ width: 512, height: 512 });
    expect(presetSize(16 / 9, 512 * 512, { width: fixed, height: fixed })).toBeNull();
  });
});
