// Owns one mask's pixels: coverage 0–255 per image pixel (255 = repaint), the edit in progress, its undo history
// and the blocks the overlay has yet to redraw. Converts to and from the black/white mask image the engine takes.
import { checkImage, checkSize, maskLuma, resamplePixels, type RgbaImage } from '../../engine';
import { DirtyRegion, type Rect } from './DirtyRegion';
import { UndoHistory, type PixelPatch, type UndoLimits } from './UndoHistory';

/**
 * Coverage at or above this is repainted. The engine binarises the mask's grey level the same way (diffusers'
 * `do_binarize`: L >= 128, see imageMask.ts), so what the overlay shows as "at least half painted" is what runs.
 */
export const REPAINT_THRESHOLD = 128;

export interface MaskDocumentOptions {
  /** A mask to start from (white = repaint), not undoable; see `loadMask` for how it is read. */
  mask?: RgbaImage;
  undoLimits?: Partial<UndoLimits>;
}

export class MaskDocument {
  readonly width: number;
  readonly height: number;
  /** Live coverage, row-major. Tools write it directly (a hot loop) and report the block with `markChanged`. */
  readonly coverage: Uint8Array;
  /** Coverage as of the last commit: the "before" of the edit in progress, so a stroke copies nothing up front. */
  private readonly committed: Uint8Array;
  private readonly editBounds = new DirtyRegion();
  private readonly renderBounds = new DirtyRegion();
  private readonly history: UndoHistory;
  /** Committed pixels at or above the threshold, so `isEmpty` need not scan the image. */
  private repaintPixels = 0;

  constructor(width: number, height: number, options: MaskDocumentOptions = {}) {
    checkSize(width, height, "The mask's width and height");
    this.width = width;
    this.height = height;
    this.coverage = options.mask ? this.coverageOf(options.mask) : new Uint8Array(width * height);
    this.committed = this.coverage.slice();
    this.history = new UndoHistory(options.undoLimits);
    for (let i = 0; i < this.coverage.length; i++) if (this.coverage[i] >= REPAINT_THRESHOLD) this.repaintPixels++;
  }

  get canUndo(): boolean {
    return this.history.canUndo;
  }

  get canRedo(): boolean {
    return this.history.canRedo;
  }

  get undoSteps(): number {
    return this.history.undoSteps;
  }

  /** Bytes held by the undo and redo stacks. */
  get undoMemoryBytes(): number {
    return this.history.memoryBytes;
  }

  /** Tools call this after writing `coverage` in the half-open block [x0, x1) x [y0, y1), already clipped. */
  markChanged(x0: number, y0: number, x1: number, y1: number): void {
    this.editBounds.add(x0, y0, x1, y1);
    this.renderBounds.add(x0, y0, x1, y1);
  }

  /**
   * Ends the edit in progress as one undo step holding only the bounding box of the pixels that really changed.
   * Returns false, recording nothing, when no pixel changed (an eraser stroke over nothing).
   */
  commit(): boolean {
    const bounds = this.editBounds.take();
    const change = bounds && diffBounds(this.committed, this.coverage, this.width, bounds);
    if (!change) return false;
    const { rect } = change;
    this.repaintPixels += change.repaintDelta;
    this.history.record({ rect, pixels: copyOut(this.committed, this.width, rect) });
    copyBlock(this.coverage, this.committed, this.width, rect);
    return true;
  }

  /** Throws away the edit in progress (a cancelled pointer gesture). */
  revert(): void {
    const bounds = this.editBounds.take();
    if (!bounds) return;
    copyBlock(this.committed, this.coverage, this.width, bounds);
    this.renderBounds.add(bounds.x, bounds.y, bounds.x + bounds.width, bounds.y + bounds.height);
  }

  /** Undoes the latest step (committing any edit in progress first, so it is undone too). */
  undo(): boolean {
    this.commit();
    return this.history.undo(this.swapPatch);
  }

  redo(): boolean {
    this.commit();
    return this.history.redo(this.swapPatch);
  }

  /** Erases the whole mask as one undo step; false when it was already empty. */
  clear(): boolean {
    this.commit();
    this.coverage.fill(0);
    this.markChanged(0, 0, this.width, this.height);
    return this.commit();
  }

  /** Swaps painted and unpainted coverage (255 - c) as one undo step. */
  invert(): boolean {
    this.commit();
    const coverage = this.coverage;
    for (let i = 0; i < coverage.length; i++) coverage[i] = 255 - coverage[i];
    this.markChanged(0, 0, this.width, this.height);
    return this.commit();
  }

  /**
   * Replaces the mask with `mask` (white = repaint) as one undo step. Coverage is the grey level exactly as the
   * engine reads a mask (PIL luma, alpha ignored; a mask of another size Lanczos-resized as the engine would), so
   * `toMaskImage` afterwards repaints what the engine would have repainted with `mask` itself.
   */
  loadMask(mask: RgbaImage): boolean {
    this.commit();
    this.coverage.set(this.coverageOf(mask));
    this.markChanged(0, 0, this.width, this.height);
    return this.commit();
  }

  /** The mask for the engine: opaque, white (255) where coverage >= 128, black elsewhere, at the image's size. */
  toMaskImage(): RgbaImage {
    const coverage = this.coverage;
    const data = new Uint8ClampedArray(coverage.length * 4);
    for (let p = 0, q = 0; p < coverage.length; p++, q += 4) {
      const grey = coverage[p] >= REPAINT_THRESHOLD ? 255 : 0;
      data[q] = grey;
      data[q + 1] = grey;
      data[q + 2] = grey;
      data[q + 3] = 255;
    }
    return { width: this.width, height: this.height, data };
  }

  /** True when `toMaskImage` would be all black (nothing to repaint), counting an edit still in progress. */
  isEmpty(): boolean {
    const bounds = this.editBounds.peek();
    const pending = bounds && diffBounds(this.committed, this.coverage, this.width, bounds);
    return this.repaintPixels + (pending ? pending.repaintDelta : 0) === 0;
  }

  /** The block changed since the last call, for the overlay to redraw; null when nothing changed. */
  takeRenderBounds(): Rect | null {
    return this.renderBounds.take();
  }

  private coverageOf(mask: RgbaImage): Uint8Array {
    checkImage(mask, 'The mask');
    const grey = resamplePixels(maskLuma(mask), mask.width, mask.height, 1, this.width, this.height);
    return new Uint8Array(grey.buffer, grey.byteOffset, grey.length);
  }

  /** Undo and redo: exchange the patch's pixels with the document's, so the patch now holds the other side. */
  private readonly swapPatch = (patch: PixelPatch): void => {
    const { rect, pixels } = patch;
    const coverage = this.coverage;
    let repaintDelta = 0;
    for (let y = rect.y, k = 0; y < rect.y + rect.height; y++) {
      for (let i = y * this.width + rect.x, end = i + rect.width; i < end; i++, k++) {
        const restored = pixels[k];
        const replaced = coverage[i];
        repaintDelta += (restored >= REPAINT_THRESHOLD ? 1 : 0) - (replaced >= REPAINT_THRESHOLD ? 1 : 0);
        pixels[k] = replaced;
        coverage[i] = restored;
      }
    }
    this.repaintPixels += repaintDelta;
    copyBlock(coverage, this.committed, this.width, rect);
    this.renderBounds.add(rect.x, rect.y, rect.x + rect.width, rect.y + rect.height);
  };
}

/**
 * Within `bounds`, the bounding box of pixels where `before` and `after` differ, and how the count of repainted
 * pixels changes from `before` to `after`; null when nothing differs.
 */
function diffBounds(
  before: Uint8Array,
  after: Uint8Array,
  width: number,
  bounds: Rect,
): { rect: Rect; repaintDelta: number } | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -1;
  let maxY = -1;
  let repaintDelta = 0;
  for (let y = bounds.y; y < bounds.y + bounds.height; y++) {
    const row = y * width;
    for (let x = bounds.x; x < bounds.x + bounds.width; x++) {
      const a = before[row + x];
      const b = after[row + x];
      if (a === b) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      maxY = y;
      repaintDelta += (b >= REPAINT_THRESHOLD ? 1 : 0) - (a >= REPAINT_THRESHOLD ? 1 : 0);
    }
  }
  if (maxX < 0) return null;
  return { rect: { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 }, repaintDelta };
}

/** The pixels of `rect`, packed row after row. */
function copyOut(source: Uint8Array, width: number, rect: Rect): Uint8Array {
  const out = new Uint8Array(rect.width * rect.height);
  for (let row = 0; row < rect.height; row++) {
    const start = (rect.y + row) * width + rect.x;
    out.set(source.subarray(start, start + rect.width), row * rect.width);
  }
  return out;
}

/** Copies `rect` from one full-size buffer into another. */
function copyBlock(source: Uint8Array, target: Uint8Array, width: number, rect: Rect): void {
  for (let row = 0; row < rect.height; row++) {
    const start = (rect.y + row) * width + rect.x;
    target.set(source.subarray(start, start + rect.width), start);
  }
}
