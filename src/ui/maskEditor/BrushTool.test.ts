// The brush: dab shapes from their definition (pixel centres within the radius; full strength inside
// hardness x radius, 1 - smoothstep beyond), gap-free interpolation of fast strokes, erasing, pen pressure,
// and the idle -> painting -> idle state machine with commit and cancel.
import { describe, expect, it, vi } from 'vitest';
import { BrushTool, pressureScale, type BrushSettings } from './BrushTool';
import { stampDab } from './dab';
import { MaskDocument } from './MaskDocument';

/** Every dab the brush stamps, as [x, y, radius]; the real stamp still runs. */
const dabs = vi.hoisted((): number[][] => []);
vi.mock('./dab', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./dab')>();
  return {
    ...actual,
    stampDab: (...args: Parameters<typeof actual.stampDab>) => {
      dabs.push([args[1], args[2], args[3]]);
      actual.stampDab(...args);
    },
  };
});

const HARD: BrushSettings = { size: 8, hardness: 1, mode: 'paint' };

function coverageAt(doc: MaskDocument, x: number, y: number): number {
  return doc.coverage[y * doc.width + x];
}

/** Distance from pixel (x, y)'s centre to (cx, cy). */
function centreDistance(x: number, y: number, cx: number, cy: number): number {
  return Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
}

describe('stampDab', () => {
  it('with hardness 1 fills exactly the pixels whose centres lie within the radius', () => {
    const doc = new MaskDocument(100, 100);
    const [cx, cy, radius] = [50.3, 40.7, 10];
    stampDab(doc, cx, cy, radius, 1, 'paint');
    let painted = 0;
    for (let y = 0; y < 100; y++) {
      for (let x = 0; x < 100; x++) {
        const inside = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= radius * radius;
        expect(coverageAt(doc, x, y), `pixel ${x},${y}`).toBe(inside ? 255 : 0);
        if (inside) painted++;
      }
    }
    // About the disc's area, pi r^2 = 314.
    expect(Math.abs(painted - Math.PI * radius * radius)).toBeLessThan(2 * Math.PI * radius);
  });

  it('with hardness 0.5 is solid to half the radius, then falls off as 1 - smoothstep to zero at the radius', () => {
    const doc = new MaskDocument(100, 100);
    const [cx, cy, radius] = [50, 50, 20];
    stampDab(doc, cx, cy, radius, 0.5, 'paint');
    for (let y = 20; y < 80; y++) {
      for (let x = 20; x < 80; x++) {
        const d = centreDistance(x, y, cx, cy);
        const value = coverageAt(doc, x, y);
        if (d <= 10) expect(value).toBe(255);
        else if (d > 20) expect(value).toBe(0);
        else {
          const t = (d - 10) / 10;
          expect(value).toBe(Math.round(255 * (1 - (3 * t * t - 2 * t * t * t))));
        }
      }
    }
    // Spot checks worked by hand: t = 0.25 gives 1 - (0.1875 - 0.03125) = 0.84375 of 255 (215), the middle of
    // the band half strength, so the repainted (>= 128) disc of a half-hard brush has radius 15, not 20.
    expect(coverageAt(doc, 50 + 12, 50)).toBe(Math.round(255 * (1 - (3 * 0.0625 - 2 * 0.015625)))); // d = 12.5
    expect(coverageAt(doc, 50 + 12, 50)).toBe(215);
    expect(coverageAt(doc, 50 + 14, 50)).toBeGreaterThanOrEqual(128); // d = 14.5
    expect(coverageAt(doc, 50 + 15, 50)).toBeLessThan(128); // d = 15.5
    expect(coverageAt(doc, 50 + 19, 50)).toBeGreaterThan(0); // d = 19.5
  });

  it('combines by maximum, so a weaker dab never lowers coverage and overlapping dabs do not build up', () => {
    const doc = new MaskDocument(40, 40);
    stampDab(doc, 20, 20, 10, 0, 'paint');
    const once = doc.coverage.slice();
    stampDab(doc, 20, 20, 10, 0, 'paint');
    expect(doc.coverage).toEqual(once);
    stampDab(doc, 20, 20, 5, 0, 'paint');
    expect(doc.coverage).toEqual(once);
  });

  it('erases by minimum: hard dabs clear exactly their disc', () => {
    const doc = new MaskDocument(40, 40);
    doc.coverage.fill(255);
    stampDab(doc, 20, 20, 6, 1, 'erase');
    for (let y = 0; y < 40; y++) {
      for (let x = 0; x < 40; x++) expect(coverageAt(doc, x, y)).toBe(centreDistance(x, y, 20, 20) <= 6 ? 0 : 255);
    }
  });

  it('still paints the nearest pixel with a tiny radius placed between pixel centres', () => {
    const doc = new MaskDocument(4, 4);
    stampDab(doc, 2, 2, 0.1, 1, 'paint');
    expect(doc.isEmpty()).toBe(false);
  });

  it('reports only the block it touched, clipped to the image', () => {
    const doc = new MaskDocument(10, 10);
    doc.takeRenderBounds();
    stampDab(doc, 0, 9, 3, 1, 'paint');
    expect(doc.takeRenderBounds()).toEqual({ x: 0, y: 6, width: 3, height: 4 });
  });
});

describe('BrushTool', () => {
  it('fills a fast stroke from one event to the next without gaps', () => {
    const doc = new MaskDocument(500, 100);
    const brush = new BrushTool();
    brush.begin(doc, { x: 10, y: 50, pressure: 1 }, HARD);
    brush.move([{ x: 490, y: 50, pressure: 1 }]);
    brush.end();
    // The stroke's core and rows 2.5 px off its axis (inside the 4 px radius) are painted all along.
    for (let x = 10; x < 490; x++) {
      expect(coverageAt(doc, x, 49), `x ${x}`).toBe(255);
      expect(coverageAt(doc, x, 47), `x ${x}`).toBe(255);
      expect(coverageAt(doc, x, 52), `x ${x}`).toBe(255);
    }
    expect(coverageAt(doc, 250, 45)).toBe(0); // 4.5 px from the axis
  });

  it('leaves no gaps on a fast diagonal stroke', () => {
    const doc = new MaskDocument(300, 300);
    const brush = new BrushTool();
    brush.begin(doc, { x: 5, y: 5, pressure: 1 }, { size: 4, hardness: 1, mode: 'paint' });
    brush.move([{ x: 295, y: 295, pressure: 1 }]);
    for (let i = 6; i < 294; i++) expect(coverageAt(doc, i, i), `pixel ${i}`).toBe(255);
  });

  it('places dabs a quarter radius apart along the path, however the path is split into events', () => {
    const doc = new MaskDocument(200, 20);
    const brush = new BrushTool();
    dabs.length = 0;
    brush.begin(doc, { x: 0, y: 10, pressure: 1 }, HARD); // radius 4: a dab every 1 px
    brush.move([0.3, 17.9, 17.9, 55.55, 100].map((x) => ({ x, y: 10, pressure: 1 })));
    expect(dabs.length).toBe(101);
    dabs.forEach(([x, y, radius], i) => {
      expect(x).toBeCloseTo(i, 9);
      expect(y).toBe(10);
      expect(radius).toBe(4);
    });
  });

  it('erases in erase mode, and undo brings the paint back', () => {
    const doc = new MaskDocument(100, 100);
    const brush = new BrushTool();
    brush.begin(doc, { x: 50, y: 50, pressure: 1 }, { size: 60, hardness: 1, mode: 'paint' });
    brush.end();
    const painted = doc.coverage.slice();
    brush.begin(doc, { x: 20, y: 50, pressure: 1 }, { size: 10, hardness: 1, mode: 'erase' });
    brush.move([{ x: 80, y: 50, pressure: 1 }]);
    expect(brush.end()).toBe(true);
    for (let x = 22; x < 78; x++) expect(coverageAt(doc, x, 50)).toBe(0);
    expect(coverageAt(doc, 50, 30)).toBe(255);
    doc.undo();
    expect(doc.coverage).toEqual(painted);
  });

  it('scales the dab with pen pressure and ignores the pressure of mice and touch', () => {
    expect(pressureScale('pen', 0.5)).toBe(0.5);
    expect(pressureScale('pen', 0)).toBe(0.1);
    expect(pressureScale('mouse', 0.5)).toBe(1);
    expect(pressureScale('touch', 0)).toBe(1);
    const dabRadius = (pointerType: string, pressure: number) => {
      const doc = new MaskDocument(100, 100);
      const brush = new BrushTool();
      const sample = { x: 50, y: 50.5, pressure: pressureScale(pointerType, pressure) };
      brush.begin(doc, sample, { size: 40, hardness: 1, mode: 'paint' });
      let x = 50;
      while (x < 100 && coverageAt(doc, x, 50) === 255) x++;
      return x - 50; // pixel centres at 0.5, 1.5, ... from the centre
    };
    expect(dabRadius('mouse', 0.5)).toBe(20);
    expect(dabRadius('pen', 0.5)).toBe(10);
    expect(dabRadius('pen', 0.25)).toBe(5);
  });

  it('interpolates pressure along a segment, thinning the stroke toward a light end', () => {
    const doc = new MaskDocument(300, 100);
    const brush = new BrushTool();
    brush.begin(doc, { x: 20, y: 50.5, pressure: 1 }, { size: 40, hardness: 1, mode: 'paint' });
    brush.move([{ x: 280, y: 50.5, pressure: 0.25 }]);
    const halfWidth = (x: number) => {
      let y = 50;
      while (y > 0 && coverageAt(doc, x, y) === 255) y--;
      return 50 - y;
    };
    expect(halfWidth(40)).toBeGreaterThan(halfWidth(150));
    expect(halfWidth(150)).toBeGreaterThan(halfWidth(270));
    expect(halfWidth(270)).toBeLessThanOrEqual(6);
  });

  it('goes idle -> painting -> idle, commits one undo step per stroke, and ignores moves while idle', () => {
    const doc = new MaskDocument(50, 50);
    const brush = new BrushTool();
    expect(brush.phase).toBe('idle');
    brush.move([{ x: 10, y: 10, pressure: 1 }]);
    expect(doc.isEmpty()).toBe(true);
    brush.begin(doc, { x: 10, y: 10, pressure: 1 }, HARD);
    expect(brush.phase).toBe('painting');
    brush.move([{ x: 20, y: 10, pressure: 1 }, { x: 20, y: 30, pressure: 1 }]);
    expect(brush.end()).toBe(true);
    expect(brush.phase).toBe('idle');
    expect(doc.undoSteps).toBe(1);
    expect(brush.end()).toBe(false);
  });

  it('cancel throws the stroke away', () => {
    const doc = new MaskDocument(50, 50);
    const brush = new BrushTool();
    brush.begin(doc, { x: 10, y: 10, pressure: 1 }, HARD);
    brush.move([{ x: 40, y: 40, pressure: 1 }]);
    brush.cancel();
    expect(brush.phase).toBe('idle');
    expect(doc.coverage.every((v) => v === 0)).toBe(true);
    expect(doc.canUndo).toBe(false);
  });
});
