// The X/Y plot's plan and its grid: which parameter each axis varies and over which values (A1111's X/Y/Z plot,
// two axes), parsed from what the user typed; and the labelled grid image the finished cells are drawn into.
import type { RgbaImage } from '../predictions/rgbaImage';

export type XyAxis = 'seed' | 'num_inference_steps' | 'guidance_scale' | 'scheduler' | 'prompt_strength';

export const XY_AXIS_LABELS: Record<XyAxis, string> = {
  seed: 'Seed',
  num_inference_steps: 'Steps',
  guidance_scale: 'Guidance scale',
  scheduler: 'Scheduler',
  prompt_strength: 'Prompt strength',
};

export interface XyPlan {
  x: { axis: XyAxis; values: string[] };
  y: { axis: XyAxis; values: string[] };
}

/** At most this many cells in one plot: a bigger grid is a long queue the user probably did not mean. */
export const MAX_XY_CELLS = 64;

/** "20, 30 ,40" → ["20", "30", "40"]; empty entries dropped. Scheduler names are kept as typed. */
export function parseAxisValues(text: string): string[] {
  return text
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

/** Why the plan can't run, or null. */
export function checkXyPlan(plan: XyPlan): string | null {
  if (plan.x.axis === plan.y.axis) return `X axis and Y axis: choose two different parameters (both are ${XY_AXIS_LABELS[plan.x.axis]})`;
  for (const [name, axis] of [['X values', plan.x], ['Y values', plan.y]] as const) {
    if (axis.values.length === 0) return `${name}: type one or more ${XY_AXIS_LABELS[axis.axis]} values separated by commas`;
  }
  const cells = plan.x.values.length * plan.y.values.length;
  if (cells > MAX_XY_CELLS) return `X/Y plot: at most ${MAX_XY_CELLS} cells; ${plan.x.values.length} × ${plan.y.values.length} is ${cells}`;
  return null;
}

const LABEL_BAND = 28;
const GAP = 4;

/**
 * The grid as a PNG: each cell's first image in a row of X values per Y value, the X values written above the
 * columns and the Y values left of the rows, as A1111's grids are labelled. Browser only (OffscreenCanvas).
 */
export async function drawXyGrid(plan: XyPlan, cells: Array<RgbaImage | undefined>): Promise<Blob> {
  const cellWidth = Math.max(...cells.map((c) => c?.width ?? 0), 64);
  const cellHeight = Math.max(...cells.map((c) => c?.height ?? 0), 64);
  const columns = plan.x.values.length;
  const rows = plan.y.values.length;
  const left = Math.max(80, LABEL_BAND * 3);
  const width = left + columns * (cellWidth + GAP);
  const height = LABEL_BAND * 2 + rows * (cellHeight + GAP);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#111111';
  context.font = '14px system-ui, sans-serif';
  context.textBaseline = 'middle';
  context.fillText(`${XY_AXIS_LABELS[plan.x.axis]} →  ·  ${XY_AXIS_LABELS[plan.y.axis]} ↓`, 6, LABEL_BAND / 2);
  plan.x.values.forEach((value, column) => {
    context.fillText(value, left + column * (cellWidth + GAP) + 4, LABEL_BAND * 1.5, cellWidth - 8);
  });
  for (let row = 0; row < rows; row++) {
    const top = LABEL_BAND * 2 + row * (cellHeight + GAP);
    context.fillText(plan.y.values[row], 6, top + cellHeight / 2, left - 12);
    for (let column = 0; column < columns; column++) {
      const image = cells[row * columns + column];
      const x = left + column * (cellWidth + GAP);
      if (!image) {
        context.fillStyle = '#dddddd';
        context.fillRect(x, top, cellWidth, cellHeight);
        context.fillStyle = '#111111';
        context.fillText('failed', x + 6, top + cellHeight / 2);
        continue;
      }
      context.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), x, top);
    }
  }
  return canvas.convertToBlob({ type: 'image/png' });
}
