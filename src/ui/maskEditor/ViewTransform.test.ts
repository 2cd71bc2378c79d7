// The view transform: zoom to fit centres the whole image, zoom keeps the point under the pointer fixed.
import { describe, expect, it } from 'vitest';
import { MAX_ZOOM, MIN_ZOOM, ViewTransform } from './ViewTransform';

describe('ViewTransform', () => {
  it('fits a square image into a wide viewport, centred with an 8 px margin', () => {
    const view = new ViewTransform();
    view.fit(800, 600, 1024, 1024);
    expect(view.zoom).toBeCloseTo(584 / 1024, 12);
    expect(view.offsetY).toBeCloseTo(8, 9);
    expect(view.offsetX).toBeCloseTo((800 - 584) / 2, 9);
  });

  it('zooms about a point, keeping the image point under it in place', () => {
    const view = new ViewTransform();
    view.fit(800, 600, 512, 512);
    const before = view.toImage(300, 200);
    view.zoomAbout(1.25, 300, 200);
    const after = view.toImage(300, 200);
    expect(after.x).toBeCloseTo(before.x, 9);
    expect(after.y).toBeCloseTo(before.y, 9);
  });

  it('clamps the zoom', () => {
    const view = new ViewTransform();
    view.zoomAbout(1e6, 0, 0);
    expect(view.zoom).toBe(MAX_ZOOM);
    view.zoomAbout(1e-9, 0, 0);
    expect(view.zoom).toBe(MIN_ZOOM);
  });
});
