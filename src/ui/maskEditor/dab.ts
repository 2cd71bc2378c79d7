// One round brush dab stamped into a MaskDocument: full strength within hardness x radius, then a smoothstep
// falloff to nothing at the radius. Dabs combine by maximum (paint) or minimum (erase), so overlapping dabs along a
// stroke never build up beads and a stroke's cross-section is that of a single dab swept along its path.
import type { MaskDocument } from './MaskDocument';

export type DabMode = 'paint' | 'erase';

/**
 * The smallest radius a dab gets. A point can be up to √2/2 ≈ 0.707 px from the nearest pixel centre, so a
 * smaller dab (a thin pen stroke, a 1 px brush) could fall between centres and paint nothing.
 */
export const MIN_DAB_RADIUS = 0.75;

/**
 * Stamps a dab centred at (cx, cy) in image pixels. A pixel belongs to the dab when its centre (x + 0.5, y + 0.5)
 * is within `radius`; its strength is 1 up to `radius * hardness` and then 1 - smoothstep over the rest
 * (the Hermite smoothstep 3t² - 2t³ of GLSL, a soft edge without a visible kink at either end).
 */
export function stampDab(
  doc: MaskDocument,
  cx: number,
  cy: number,
  radius: number,
  hardness: number,
  mode: DabMode,
): void {
  const outer = Math.max(radius, MIN_DAB_RADIUS);
  const inner = outer * Math.min(1, Math.max(0, hardness));
  const { width, height, coverage } = doc;
  const yStart = Math.max(0, Math.ceil(cy - 0.5 - outer));
  const yEnd = Math.min(height - 1, Math.floor(cy - 0.5 + outer));
  let touchedX0 = width;
  let touchedX1 = -1;
  for (let y = yStart; y <= yEnd; y++) {
    const dy = y + 0.5 - cy;
    // Columns whose centres lie within the circle on this row, then the fully covered span inside them (left
    // edge, full span, right edge; with no full span the left edge takes the whole row).
    const halfChord = Math.sqrt(Math.max(0, outer * outer - dy * dy));
    const xStart = Math.max(0, Math.ceil(cx - 0.5 - halfChord));
    const xEnd = Math.min(width - 1, Math.floor(cx - 0.5 + halfChord));
    if (xStart > xEnd) continue;
    if (xStart < touchedX0) touchedX0 = xStart;
    if (xEnd > touchedX1) touchedX1 = xEnd;
    let fullStart = xEnd + 1;
    let fullEnd = xEnd;
    if (dy * dy <= inner * inner) {
      const innerChord = Math.sqrt(inner * inner - dy * dy);
      fullStart = Math.max(xStart, Math.ceil(cx - 0.5 - innerChord));
      fullEnd = Math.min(xEnd, Math.floor(cx - 0.5 + innerChord));
      if (fullStart > fullEnd) fullStart = fullEnd = xEnd + 1;
    }
    const row = y * width;
    stampFalloff(coverage, row, xStart, fullStart - 1, cx, dy, inner, outer, mode);
    if (fullStart <= fullEnd) coverage.fill(mode === 'paint' ? 255 : 0, row + fullStart, row + fullEnd + 1);
    stampFalloff(coverage, row, fullEnd + 1, xEnd, cx, dy, inner, outer, mode);
  }
  if (touchedX1 >= touchedX0) doc.markChanged(touchedX0, yStart, touchedX1 + 1, yEnd + 1);
}

/** The soft edge on one row, columns xFrom..xTo (inclusive; none when xFrom > xTo). */
function stampFalloff(
  coverage: Uint8Array,
  row: number,
  xFrom: number,
  xTo: number,
  cx: number,
  dy: number,
  inner: number,
  outer: number,
  mode: DabMode,
): void {
  const band = outer - inner;
  for (let x = xFrom; x <= xTo; x++) {
    const dx = x + 0.5 - cx;
    const distance = Math.sqrt(dx * dx + dy * dy);
    let t = band > 0 ? (distance - inner) / band : 0;
    if (t < 0) t = 0;
    else if (t > 1) t = 1;
    const strength = Math.round(255 * (1 - t * t * (3 - 2 * t)));
    const i = row + x;
    if (mode === 'paint') {
      if (strength > coverage[i]) coverage[i] = strength;
    } else if (coverage[i] > 255 - strength) {
      coverage[i] = 255 - strength;
    }
  }
}
