// The brush and eraser: a state machine (idle -> painting -> idle) that turns pointer samples in image pixels
// into dabs a quarter of the radius apart along the path, carrying the leftover distance from one event to the
// next so the spacing stays even however fast the pointer moves or however the events are batched.
import { MIN_DAB_RADIUS, stampDab, type DabMode } from './dab';
import type { MaskDocument } from './MaskDocument';

/** A pointer position in image pixels; `pressure` is the dab-size factor in (0, 1] (see `pressureScale`). */
export interface BrushSample {
  x: number;
  y: number;
  pressure: number;
}

export interface BrushSettings {
  /** Diameter in image pixels at full pressure. */
  size: number;
  /** 0 (soft all the way to the centre) to 1 (hard edge). */
  hardness: number;
  mode: DabMode;
}

/** Dab spacing as a fraction of the radius: close enough that a hard stroke's edge shows no scallops. */
const SPACING_FRACTION = 0.25;

/** The lightest pen touch still paints a tenth of the brush size, so a stroke never thins to nothing. */
const MIN_PRESSURE_SCALE = 0.1;

/**
 * Dab-size factor for a pointer. Only pens report real pressure: the Pointer Events spec has mice report 0.5
 * while a button is down, and touch screens report 0.5, 0 or 1, none of which should shrink the brush.
 */
export function pressureScale(pointerType: string, pressure: number): number {
  if (pointerType !== 'pen') return 1;
  return Math.min(1, Math.max(MIN_PRESSURE_SCALE, pressure));
}

interface Stroke {
  doc: MaskDocument;
  settings: BrushSettings;
  last: BrushSample;
  /** Path length still to travel, from `last`, before the next dab. */
  untilNextDab: number;
}

export class BrushTool {
  private stroke: Stroke | null = null;

  get phase(): 'idle' | 'painting' {
    return this.stroke ? 'painting' : 'idle';
  }

  /** Starts a stroke with a dab under the pointer; the settings hold until the stroke ends. */
  begin(doc: MaskDocument, sample: BrushSample, settings: BrushSettings): void {
    if (this.stroke) throw new Error('BrushTool.begin: a stroke is already in progress; end or cancel it first.');
    const radius = this.stamp(doc, settings, sample.x, sample.y, sample.pressure);
    this.stroke = { doc, settings: { ...settings }, last: sample, untilNextDab: dabSpacing(radius) };
  }

  /** Extends the stroke through `samples` in order (a pointer event's coalesced samples); ignored when idle. */
  move(samples: readonly BrushSample[]): void {
    const stroke = this.stroke;
    if (!stroke) return;
    for (const to of samples) {
      const from = stroke.last;
      const dx = to.x - from.x;
      const dy = to.y - from.y;
      const length = Math.hypot(dx, dy);
      let at = stroke.untilNextDab;
      while (at <= length) {
        const f = at / length;
        const pressure = from.pressure + (to.pressure - from.pressure) * f;
        const radius = this.stamp(stroke.doc, stroke.settings, from.x + dx * f, from.y + dy * f, pressure);
        at += dabSpacing(radius);
      }
      stroke.untilNextDab = at - length;
      stroke.last = to;
    }
  }

  /** Ends the stroke as one undo step; returns whether it changed any pixel. */
  end(): boolean {
    const stroke = this.stroke;
    this.stroke = null;
    return stroke ? stroke.doc.commit() : false;
  }

  /** Abandons the stroke and restores the pixels it had painted (a cancelled pointer). */
  cancel(): void {
    this.stroke?.doc.revert();
    this.stroke = null;
  }

  /** Stamps one dab and returns the radius it used. */
  private stamp(doc: MaskDocument, settings: BrushSettings, x: number, y: number, pressure: number): number {
    const radius = (settings.size / 2) * pressure;
    stampDab(doc, x, y, radius, settings.hardness, settings.mode);
    return radius;
  }
}

function dabSpacing(radius: number): number {
  return SPACING_FRACTION * Math.max(radius, MIN_DAB_RADIUS);
}
