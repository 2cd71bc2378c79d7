// Aspect-ratio presets for Width and Height, as A1111 users pick sizes: each keeps about the model's default
// number of pixels (512² for SD 1.5, 768² for SD 2.x) and lands on the model's grid (multiples of 64) within its
// limits, so a preset never produces a size the model refuses.
import type { NumberLimit } from '../predictions/modelSchemas';

export const ASPECT_PRESETS = [
  { label: '1:1', ratio: 1 },
  { label: '4:3', ratio: 4 / 3 },
  { label: '3:2', ratio: 3 / 2 },
  { label: '16:9', ratio: 16 / 9 },
  { label: '3:4', ratio: 3 / 4 },
  { label: '2:3', ratio: 2 / 3 },
  { label: '9:16', ratio: 9 / 16 },
] as const;

function onGrid(value: number, limit: NumberLimit): number {
  const step = limit.multipleOf ?? 1;
  const low = Math.ceil(limit.min / step) * step;
  const high = Math.floor(limit.max / step) * step;
  return Math.min(high, Math.max(low, Math.round(value / step) * step));
}

/** The size for `ratio` (width / height) with about `defaultArea` pixels, or null when the limits can't give it. */
export function presetSize(ratio: number, defaultArea: number, limits: { width: NumberLimit; height: NumberLimit }): { width: number; height: number } | null {
  const width = onGrid(Math.sqrt(defaultArea * ratio), limits.width);
  const height = onGrid(Math.sqrt(defaultArea / ratio), limits.height);
  // Clamping can bend the ratio (a model fixed at 512×512): offer only presets that still read as that ratio.
  return Math.abs(width / height - ratio) / ratio < 0.12 ? { width, height } : null;
}
