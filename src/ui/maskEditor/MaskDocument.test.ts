// MaskDocument: thresholding into the engine's mask image, reading masks as the engine does, exact undo/redo of
// rectangle patches across strokes, clear and invert, and the bounds on the undo history's memory.
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../predictions/rgbaImage';
import { MaskDocument } from './MaskDocument';

/** Paints a filled block [x0, x1) x [y0, y1) with `value` as a tool would, without committing. */
function fillBlock(doc: MaskDocument, x0: number, y0: number, x1: number, y1: number, value: number): void {
  for (let y = y0; y < y1; y++) doc.coverage.fill(value, y * doc.width + x0, y * doc.width + x1);
  doc.markChanged(x0, y0, x1, y1);
}

function solidImage(width: number, height: number, pixel: (x: number, y: number) => number[]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, data };
}

describe('MaskDocument.toMaskImage', () => {
  it('is opaque white where coverage >= 128 and opaque black elsewhere', () => {
    const doc = new MaskDocument(4, 1);
    doc.coverage.set([0, 127, 128, 255]);
    const mask = doc.toMaskImage();
    expect(mask.width).toBe(4);
    expect(mask.height).toBe(1);
    expect(Array.from(mask.data)).toEqual([0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255]);
  });

  it('isEmpty is true until some pixel reaches 128, counting an edit in progress', () => {
    const doc = new MaskDocument(8, 8);
    expect(doc.isEmpty()).toBe(true);
    fillBlock(doc, 0, 0, 8, 8, 127);
    doc.commit();
    expect(doc.isEmpty()).toBe(true);
    fillBlock(doc, 3, 3, 4, 4, 128);
    expect(doc.isEmpty()).toBe(false);
    doc.commit();
    expect(doc.isEmpty()).toBe(false);
    doc.undo();
    expect(doc.isEmpty()).toBe(true);
  });
});

describe('MaskDocument.loadMask', () => {
  it('round-trips its own black/white mask exactly', () => {
    const source = new MaskDocument(16, 9);
    fillBlock(source, 2, 1, 11, 7, 255);
    fillBlock(source, 5, 3, 7, 5, 0);
    const image = source.toMaskImage();
    const doc = new MaskDocument(16, 9);
    expect(doc.loadMask(image)).toBe(true);
    expect(doc.toMaskImage().data).toEqual(image.data);
    expect(doc.canUndo).toBe(true);
  });

  it('reads grey like the engine: ITU-R 601 luma, alpha ignored (red 76 keeps, green 150 repaints)', () => {
    const colours = [[255, 0, 0, 255], [0, 255, 0, 255], [255, 255, 255, 0], [0, 0, 0, 0]];
    const doc = new MaskDocument(4, 1);
    doc.loadMask(solidImage(4, 1, (x) => colours[x]));
    expect(Array.from(doc.coverage)).toEqual([76, 150, 255, 0]);
  });

  it('resizes a mask of another size to the image', () => {
    const doc = new MaskDocument(4, 4);
    doc.loadMask(solidImage(8, 8, (x) => (x < 4 ? [255, 255, 255, 255] : [0, 0, 0, 255])));
    const grey = Array.from(doc.toMaskImage().data).filter((_, i) => i % 4 === 0);
    expect(grey).toEqual([255, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0]);
  });

  it('can be the starting mask, which undo does not remove', () => {
    const doc = new MaskDocument(4, 1, { mask: solidImage(4, 1, () => [255, 255, 255, 255]) });
    expect(doc.isEmpty()).toBe(false);
    expect(doc.canUndo).toBe(false);
  });
});

describe('MaskDocument undo and redo', () => {
  it('restore the exact pixels of every step across strokes, clear, invert and load', () => {
    const doc = new MaskDocument(40, 30);
    const snapshots = [doc.coverage.slice()];
    const steps: (() => void)[] = [
      () => (fillBlock(doc, 2, 3, 12, 9, 200), doc.commit()),
      () => (fillBlock(doc, 8, 5, 20, 20, 90), doc.commit()),
      () => doc.invert(),
      () => (fillBlock(doc, 0, 0, 5, 30, 0), doc.commit()),
      () => doc.clear(),
      () => (fillBlock(doc, 30, 25, 40, 30, 255), doc.commit()),
      () => doc.loadMask(solidImage(40, 30, (x, y) => ((x + y) % 3 === 0 ? [255, 255, 255, 255] : [0, 0, 0, 255]))),
    ];
    for (const step of steps) {
      step();
      snapshots.push(doc.coverage.slice());
    }
    for (let i = snapshots.length - 2; i >= 0; i--) {
      expect(doc.undo()).toBe(true);
      expect(doc.coverage).toEqual(snapshots[i]);
    }
    expect(doc.undo()).toBe(false);
    for (let i = 1; i < snapshots.length; i++) {
      expect(doc.redo()).toBe(true);
      expect(doc.coverage).toEqual(snapshots[i]);
    }
    expect(doc.redo()).toBe(false);
  });

  it('stores only the rectangle that changed, and nothing for an edit that changed nothing', () => {
    const doc = new MaskDocument(256, 256);
    fillBlock(doc, 0, 0, 256, 256, 0); // touched everywhere, changed nowhere
    expect(doc.commit()).toBe(false);
    expect(doc.canUndo).toBe(false);
    fillBlock(doc, 100, 40, 110, 43, 255);
    expect(doc.commit()).toBe(true);
    expect(doc.undoMemoryBytes).toBe(10 * 3);
    doc.clear(); // only the painted 10x3 block is non-zero, so that is all a clear has to remember
    expect(doc.undoMemoryBytes).toBe(2 * 10 * 3);
    expect(doc.clear()).toBe(false);
  });

  it('a new edit drops the redo steps', () => {
    const doc = new MaskDocument(8, 8);
    fillBlock(doc, 0, 0, 2, 2, 255);
    doc.commit();
    doc.undo();
    expect(doc.canRedo).toBe(true);
    fillBlock(doc, 4, 4, 5, 5, 255);
    doc.commit();
    expect(doc.canRedo).toBe(false);
    expect(doc.undoMemoryBytes).toBe(1);
  });

  it('revert restores the pixels of the edit in progress', () => {
    const doc = new MaskDocument(8, 8);
    fillBlock(doc, 1, 1, 3, 3, 255);
    doc.commit();
    const committed = doc.coverage.slice();
    fillBlock(doc, 0, 0, 8, 8, 9);
    doc.revert();
    expect(doc.coverage).toEqual(committed);
    expect(doc.undoSteps).toBe(1);
  });
});

describe('MaskDocument undo memory', () => {
  it('keeps at most 50 steps by default', () => {
    const doc = new MaskDocument(64, 64);
    for (let i = 0; i < 60; i++) {
      fillBlock(doc, i, 0, i + 1, 1, 255);
      doc.commit();
    }
    expect(doc.undoSteps).toBe(50);
    for (let i = 0; i < 50; i++) doc.undo();
    expect(doc.undo()).toBe(false);
    // The ten oldest strokes are beyond undo: their pixels stay.
    expect(Array.from(doc.coverage.subarray(0, 12))).toEqual([...Array(10).fill(255), 0, 0]);
  });

  it('drops the oldest steps to stay within the byte budget, keeping the latest even when it alone is larger', () => {
    const doc = new MaskDocument(64, 64, { undoLimits: { maxBytes: 10_000 } });
    for (let i = 0; i < 5; i++) {
      doc.invert(); // 64 x 64 = 4096 bytes each
      expect(doc.undoMemoryBytes).toBeLessThanOrEqual(10_000);
    }
    expect(doc.undoSteps).toBe(2);
    const tiny = new MaskDocument(64, 64, { undoLimits: { maxBytes: 100 } });
    tiny.invert();
    expect(tiny.undoSteps).toBe(1);
    tiny.undo();
    expect(tiny.isEmpty()).toBe(true);
  });

});

describe('MaskDocument.invert', () => {
  it('is 255 - coverage, and twice is the identity', () => {
    const doc = new MaskDocument(3, 1);
    doc.coverage.set([0, 100, 255]);
    doc.markChanged(0, 0, 3, 1);
    doc.commit();
    doc.invert();
    expect(Array.from(doc.coverage)).toEqual([255, 155, 0]);
    doc.invert();
    expect(Array.from(doc.coverage)).toEqual([0, 100, 255]);
  });
});
